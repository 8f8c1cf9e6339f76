/**
 * The sandbox in a process of its own, so that a benchmark measures the node's CPU, not the simulator's:
 * `await sandboxProcess(options)` → { url, apiKey, close() }. Run directly, it starts a sandbox with the JSON
 * options in argv[2] and prints one JSON line.
 */
const { spawn } = require('node:child_process');
const readline = require('node:readline');

async function sandboxProcess(options) {
	const child = spawn(process.execPath, [__filename, JSON.stringify(options)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const line = await new Promise((resolve, reject) => {
		readline.createInterface({ input: child.stdout }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`sandbox process exited with ${code}`)));
	});
	const info = JSON.parse(line);
	return {
		...info,
		close: () =>
			new Promise((resolve) => {
				child.once('exit', resolve);
				child.kill('SIGTERM');
			}),
	};
}

/** A sandbox process that answers at once and never runs out: renders take a millisecond, no concurrency cap or quota. */
async function instantSandboxProcess() {
	return await sandboxProcess({
		render: { pendingMs: 1, processingMs: 1 },
		concurrency: 1e6,
		quota: 1e15,
	});
}

if (require.main === module) {
	const { startSandbox } = require('../../../tools/heygen-sandbox');
	startSandbox(JSON.parse(process.argv[2] || '{}')).then((sb) => {
		process.stdout.write(`${JSON.stringify({ url: sb.url, apiKey: sb.apiKey })}\n`);
		process.on('SIGTERM', () => sb.close().then(() => process.exit(0)));
	});
}

module.exports = { sandboxProcess, instantSandboxProcess };
