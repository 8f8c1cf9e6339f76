#!/usr/bin/env node
'use strict';
/**
 * Run the HeyGen sandbox standalone (npm run sandbox).
 *
 *   node tools/heygen-sandbox/cli.js [--port N] [--cdn-port N] [--api-key K] [--restricted-api-key K]
 *                            [--pending-ms MS] [--processing-ms MS] [--concurrency N] [--video-bytes N]
 *                            [--url-ttl S] [--quota N] [--callback-secret S]
 *   env: SANDBOX_PORT, SANDBOX_CDN_PORT, SANDBOX_API_KEY
 *
 * Prints one JSON line {"url","cdnUrl","apiKey","restrictedApiKey","callbackSecret","controlUrl"} on stdout,
 * then a human line, and runs until SIGINT/SIGTERM, when it closes cleanly and exits 0.
 */

const { startSandbox } = require('./index');

const FLAGS = {
	'--port': ['port', Number],
	'--cdn-port': ['cdnPort', Number],
	'--api-key': ['apiKey', String],
	'--restricted-api-key': ['restrictedApiKey', String],
	'--pending-ms': ['pendingMs', Number],
	'--processing-ms': ['processingMs', Number],
	'--concurrency': ['concurrency', Number],
	'--video-bytes': ['videoBytes', Number],
	'--url-ttl': ['urlTtlSeconds', Number],
	'--quota': ['quota', Number],
	'--callback-secret': ['callbackSecret', String],
};

function usage() {
	return `usage: node tools/heygen-sandbox/cli.js ${Object.keys(FLAGS)
		.map((f) => `[${f} V]`)
		.join(' ')}`;
}

function parseArgs(argv, env) {
	const out = {};
	if (env.SANDBOX_PORT) out.port = Number(env.SANDBOX_PORT);
	if (env.SANDBOX_CDN_PORT) out.cdnPort = Number(env.SANDBOX_CDN_PORT);
	if (env.SANDBOX_API_KEY) out.apiKey = env.SANDBOX_API_KEY;
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		if (arg === '--help' || arg === '-h') {
			console.log(usage());
			process.exit(0);
		}
		const spec = FLAGS[arg];
		if (!spec) throw new Error(`unknown option ${arg}\n${usage()}`);
		if (value === undefined) {
			value = argv[++i];
			if (value === undefined) throw new Error(`missing value for ${arg}`);
		}
		const v = spec[1](value);
		if (spec[1] === Number && !Number.isFinite(v))
			throw new Error(`${arg} needs a number, got ${value}`);
		out[spec[0]] = v;
	}
	return out;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2), process.env);
	} catch (e) {
		console.error(e.message);
		process.exit(2);
	}
	const options = { ...args, render: {} };
	if (args.pendingMs !== undefined) options.render.pendingMs = args.pendingMs;
	if (args.processingMs !== undefined) options.render.processingMs = args.processingMs;
	delete options.pendingMs;
	delete options.processingMs;

	const sb = await startSandbox(options);
	const info = {
		url: sb.url,
		cdnUrl: sb.cdnUrl,
		apiKey: sb.apiKey,
		restrictedApiKey: sb.restrictedApiKey,
		callbackSecret: sb.callbackSecret,
		controlUrl: `${sb.url}/__sandbox`,
	};
	process.stdout.write(`${JSON.stringify(info)}\n`);
	process.stdout.write(
		`HeyGen sandbox listening on ${sb.url} (media ${sb.cdnUrl}); X-Api-Key: ${sb.apiKey}; control API ${info.controlUrl}/state; Ctrl+C to stop\n`,
	);

	let stopping = false;
	const stop = async (signal) => {
		if (stopping) return;
		stopping = true;
		try {
			await sb.close();
		} finally {
			process.stderr.write(`HeyGen sandbox stopped (${signal})\n`);
			process.exit(0);
		}
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((e) => {
		console.error(e && e.stack ? e.stack : e);
		process.exit(1);
	});
}

module.exports = { parseArgs };
