'use strict';
/**
 * Debian's Chromium driven by playwright-core (no browser download): launched headless with a fresh profile,
 * offline except for the n8n under test, at the size the README pictures use.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const VIEWPORT = { width: 1600, height: 1000 };

async function launchBrowser({ cleanups, baseUrl }) {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`no Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium)`);
	const { chromium } = require('playwright-core');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-ui-chromium-'));
	cleanups.push(() => fs.rmSync(profile, { recursive: true, force: true }));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		// The test's own cleanup stops n8n and the sandbox on a signal; Playwright's handlers would exit first.
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		colorScheme: 'light',
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	cleanups.push(() => context.close());
	// Generous: a busy 2-core machine runs n8n, the sandbox and Chromium at once.
	context.setDefaultTimeout(60000);
	context.setDefaultNavigationTimeout(90000);
	// Only the n8n under test: anything else (telemetry, fonts, templates) would hang on an offline machine.
	await context.route('**/*', (route) => {
		const url = route.request().url();
		if (url.startsWith(baseUrl) || url.startsWith('data:') || url.startsWith('blob:'))
			return route.continue();
		return route.abort();
	});
	const page = context.pages()[0] || (await context.newPage());
	const pageErrors = [];
	page.on('pageerror', (error) => pageErrors.push(error.message));
	return { context, page, pageErrors };
}

module.exports = { launchBrowser, VIEWPORT };
