/**
 * The sandbox + engine harness pair the engine tests run against: one per test file, started before its tests
 * and closed after them. `withSandboxEngine(options, ready)` registers the file's beforeAll/afterAll (and, unless
 * `reset: false`, a beforeEach that resets the sandbox) and hands the pair to `ready({ sb, h })` once started.
 */
const { startSandbox } = require('../../tools/heygen-sandbox');
const { createHarness } = require('../harness/engine');

/** An engine harness whose HeyGen credential points at `sb`. */
function harnessFor(sb, harness = {}) {
	return createHarness({
		...harness,
		credentials: { heyGenTemplatesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
	});
}

/**
 * @param {{ sandbox?: object, harness?: object, reset?: boolean }} options
 * @param {(pair: { sb: any, h: any }) => void} ready
 */
function withSandboxEngine({ sandbox = {}, harness, reset = true } = {}, ready) {
	let sb;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, ...sandbox });
		ready({ sb, h: harnessFor(sb, harness) });
	});
	afterAll(async () => {
		await sb?.close();
	});
	if (reset) beforeEach(() => sb.reset());
}

module.exports = { harnessFor, withSandboxEngine };
