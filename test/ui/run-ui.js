#!/usr/bin/env node
'use strict';
/**
 * Browser test: the nodes as a user meets them in a REAL n8n 2.41.1 editor, driven in Debian's Chromium by
 * playwright-core against the HeyGen sandbox.
 *
 *   node test/ui/run-ui.js [--update-docs] [--keep] [--skip-build]      (npm run test:ui; npm run docs:pictures)
 *
 * Screenshots go to .ui-shots/ (git-ignored); with --update-docs the README's pictures in docs/ are replaced.
 * Prints one line per check and ends with `ui: N passed, N failed`; exit code 1 on any failure. Everything it
 * starts (n8n, sandbox, Chromium) is stopped on success, failure, timeout and Ctrl-C.
 */
const path = require('node:path');
const { createCleanupStack } = require('../../scripts/lib/cleanup-stack');
const { startEnvironment, ROOT } = require('./lib/environment');
const { launchBrowser } = require('./lib/browser');
const { createReport } = require('./lib/report');
const ed = require('./lib/editor');
const { generateSteps } = require('./lib/generate-steps');
const { waitSteps, outcomeSteps, credentialSteps } = require('./lib/wait-steps');

const args = new Set(process.argv.slice(2));
const T0 = Date.now();
const log = (line) =>
	process.stdout.write(`[ui ${((Date.now() - T0) / 1000).toFixed(1)}s] ${line}\n`);
const cleanups = createCleanupStack(log);
const report = createReport({
	shotsDir: path.join(ROOT, '.ui-shots'),
	docsDir: path.join(ROOT, 'docs'),
	updateDocs: args.has('--update-docs'),
	log,
});

function finish(code) {
	process.stdout.write(`ui: ${report.passed} passed, ${report.failed} failed\n`);
	process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.on(signal, () => cleanups.run().finally(() => finish(signal === 'SIGINT' ? 130 : 143)));

async function main() {
	const timeoutMs = Number(process.env.UI_TIMEOUT_MS || 900000);
	const timer = setTimeout(() => {
		log(`TIMEOUT after ${timeoutMs} ms`);
		report.fail('finishes in time', new Error(`no result after ${timeoutMs} ms`));
		cleanups.run().finally(() => finish(1));
	}, timeoutMs);
	timer.unref();

	const env = await startEnvironment({
		log,
		cleanups,
		build: !args.has('--skip-build'),
		keep: args.has('--keep'),
	});
	const { page, pageErrors } = await launchBrowser({ cleanups, baseUrl: env.url });
	await ed.signIn(page, env.url, env.owner);
	report.check(
		'signs in through the n8n sign-in page',
		!page.url().includes('/signin'),
		page.url(),
	);

	for (const [name, steps] of [
		['build the workflow: Generate', generateSteps],
		['build the workflow: Wait For Video', waitSteps],
		['outcomes: Completed, Failed, Still Rendering', outcomeSteps],
		['credential test', credentialSteps],
	]) {
		log(name);
		try {
			await steps({ page, env, report });
		} catch (error) {
			report.fail(name, error);
			await report.shot(page, `failure-${name.replace(/\W+/g, '-')}`).catch(() => {});
			if (name.startsWith('build the workflow: Generate')) break;
		}
	}
	if (pageErrors.length)
		log(`page errors (not failures):\n  ${pageErrors.slice(0, 10).join('\n  ')}`);
}

main()
	.catch((error) => report.fail('setup', error))
	.finally(() => cleanups.run().then(() => finish(report.failed ? 1 : 0)));
