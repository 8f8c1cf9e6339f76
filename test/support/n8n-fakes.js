'use strict';
/**
 * The outside world for a suite that drives a real n8n: the HeyGen sandbox and the OpenAI stub on free ports
 * (stopped by the suite's cleanup stack), and the example credentials pointing at them, imported with n8n's CLI.
 */
const inst = require('../../scripts/lib/n8n-instance');
const ex = require('../../scripts/lib/examples');
const { startSandbox } = require('../../tools/heygen-sandbox');
const { startOpenAiStub } = require('../../tools/openai-stub');

const STUB_KEY = 'sk-e2e-stub';

async function startFakes({ cleanups, log }, sandboxOptions) {
	const sb = await startSandbox({ port: 0, ...sandboxOptions });
	cleanups.push(() => sb.close());
	const stub = await startOpenAiStub({ port: 0, apiKey: STUB_KEY });
	cleanups.push(() => stub.close());
	log(`sandbox ${sb.url} (media ${sb.cdnUrl}), OpenAI stub ${stub.url}`);
	return { sb, stub };
}

async function importFakeCredentials({ userFolder, n8n, log }, { sb, stub }) {
	await inst.importCredentials({
		userFolder,
		n8n,
		log,
		list: ex.credentialList({
			heygen: { apiKey: sb.apiKey, baseUrl: sb.url },
			openai: { apiKey: STUB_KEY, url: stub.url },
		}),
	});
}

module.exports = { startFakes, importFakeCredentials };
