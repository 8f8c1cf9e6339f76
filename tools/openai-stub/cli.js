#!/usr/bin/env node
'use strict';
/**
 * Run the OpenAI-compatible stub standalone:
 *   node tools/openai-stub/cli.js [--port 8788] [--api-key sk-stub-key] [--quiet]
 * Prints the base URL (ends in /v1) and logs each request. Ctrl-C stops it.
 */
const { startOpenAiStub } = require('./index');

function arg(name, def) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}

(async () => {
	const quiet = process.argv.includes('--quiet');
	const stub = await startOpenAiStub({
		port: Number(arg('port', process.env.OPENAI_STUB_PORT || 0)),
		apiKey: arg('api-key', process.env.OPENAI_STUB_API_KEY || 'sk-stub-key'),
		log: quiet ? undefined : (l) => console.log(l),
	});
	console.log(`OpenAI stub listening: base URL ${stub.url} (API key ${stub.apiKey})`);
	const stop = async () => {
		await stub.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
