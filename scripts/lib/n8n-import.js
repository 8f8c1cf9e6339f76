'use strict';
/**
 * n8n's CLI: importing credentials and workflows, executing a workflow once.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { ensureN8n } = require('./n8n-install');
const { freePort, n8nEnv, killGroup, stripAnsi } = require('./n8n-env');

/** Run an n8n CLI command on the user folder. Resolves { code, stdout, stderr }; rejects on non-zero unless allowFail. */
async function runCli({
	userFolder,
	args,
	env,
	n8n,
	log,
	allowFail = false,
	brokerPort,
	timeoutMs = 300000,
}) {
	n8n = n8n || (await ensureN8n({ log }));
	// `execute` starts its own task broker: never collide with a running server's broker port.
	const e = n8nEnv({
		userFolder: path.resolve(userFolder),
		node: n8n,
		brokerPort: brokerPort || (await freePort()),
		env: { N8N_LOG_LEVEL: 'warn', N8N_LOG_OUTPUT: 'console', ...env },
	});
	return new Promise((resolve, reject) => {
		const child = spawn(n8n.nodeBin, [n8n.n8nBin, ...args], {
			cwd: userFolder,
			env: e,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const kill = () => killGroup(child, 'SIGKILL');
		process.once('exit', kill);
		const timer = setTimeout(() => {
			kill();
			stderr += `\n[timeout after ${timeoutMs} ms]`;
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			process.removeListener('exit', kill);
			killGroup(child, 'SIGKILL'); // leftover task runners
			const r = { code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) };
			if (code !== 0 && !allowFail) {
				return reject(
					Object.assign(
						new Error(
							`n8n ${args.join(' ')} failed (${code}):\n${(r.stdout + r.stderr).slice(-3000)}`,
						),
						r,
					),
				);
			}
			resolve(r);
		});
	});
}

function tmpJson(prefix, value) {
	const f = path.join(
		os.tmpdir(),
		`${prefix}-${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`,
	);
	fs.writeFileSync(f, JSON.stringify(value, null, 2));
	return f;
}

/**
 * `n8n import:credentials`: list of { id, name, type, data } with PLAIN data (n8n encrypts it on import
 * with this folder's key). Fixed ids let workflow JSON reference them.
 */
async function importCredentials({ userFolder, list, log, n8n }) {
	const f = tmpJson('n8n-creds', list);
	try {
		return await runCli({ userFolder, args: ['import:credentials', `--input=${f}`], log, n8n });
	} finally {
		fs.rmSync(f, { force: true });
	}
}

/**
 * `n8n import:workflow` for each file (workflow JSON objects or arrays; give them fixed `id`s).
 * Import always deactivates; with `publish: true` (or per-workflow `"active": true`) runs
 * `n8n publish:workflow --id=…` too. A running server picks a CLI publish up within ~10 s (reconciler);
 * before `start` it is registered at startup. Either way wait with rest.waitForPublished(id).
 * Returns the imported workflow ids.
 */
async function importWorkflows({ userFolder, files, publish, log, n8n }) {
	// One `import:workflow --separate` call for all workflows (each CLI call costs ~4-7 s), then one
	// `publish:workflow` per workflow to publish.
	const workflows = [];
	for (const file of [].concat(files))
		workflows.push(...[].concat(JSON.parse(fs.readFileSync(file, 'utf8'))));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-wf-import-'));
	try {
		workflows.forEach((wf, i) =>
			fs.writeFileSync(path.join(dir, `${String(i).padStart(3, '0')}.json`), JSON.stringify(wf)),
		);
		await runCli({
			userFolder,
			args: ['import:workflow', '--separate', `--input=${dir}`],
			log,
			n8n,
		});
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	const ids = [];
	for (const wf of workflows) {
		if (wf.id) ids.push(wf.id);
		if (wf.id && (publish === true || (publish !== false && wf.active === true))) {
			await runCli({ userFolder, args: ['publish:workflow', `--id=${wf.id}`], log, n8n });
		}
	}
	return ids;
}

/**
 * `n8n execute --id=<id> --rawOutput`: runs a workflow that starts with a Manual Trigger in a separate
 * process (own task broker). Returns the run ({ data, status, finished, mode, … }). It does NOT resume
 * waits: a waiting run comes back with status 'waiting'.
 */
async function executeWorkflow({ userFolder, id, log, n8n, env }) {
	// --rawOutput prints through n8n's logger at level info: a lower level would swallow the JSON.
	const r = await runCli({
		userFolder,
		args: ['execute', `--id=${id}`, '--rawOutput'],
		log,
		n8n,
		env: { N8N_LOG_LEVEL: 'info', ...env },
		allowFail: true,
	});
	const i = r.stdout.search(/^\{/m);
	if (i < 0)
		throw Object.assign(
			new Error(
				`n8n execute --id=${id}: no JSON output (code ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`,
			),
			r,
		);
	const run = JSON.parse(firstJsonValue(r.stdout.slice(i)));
	run.exitCode = r.code;
	return run;
}

// ------------------------------------------------------------------------------------------------
// Community package install (like n8n's own installer, from a local tarball)

/** The JSON object at the start of `text`, without log lines n8n may print after it. */
function firstJsonValue(text) {
	let depth = 0;
	let inString = false;
	for (let k = 0; k < text.length; k++) {
		const c = text[k];
		if (inString) {
			if (c === '\\') k++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{' || c === '[') depth++;
		else if ((c === '}' || c === ']') && --depth === 0) return text.slice(0, k + 1);
	}
	return text;
}

module.exports = {
	runCli,
	importCredentials,
	importWorkflows,
	executeWorkflow,
};
