'use strict';
/**
 * Run a real n8n 2.41.1 (installed by ./n8n-install) on Node 24 for the end-to-end test and the demo.
 * Plain CommonJS, no dependencies, Node >= 20.
 *
 *   const inst = require('./scripts/lib/n8n-instance');
 *   const userFolder = '/tmp/x';                                   // N8N_USER_FOLDER (n8n uses <userFolder>/.n8n)
 *   inst.installPackageTarball({ userFolder, tarball: 'n8n-nodes-heygen-templates-0.1.0.tgz' });
 *   await inst.importCredentials({ userFolder, list: [{ id, name, type, data }] });
 *   await inst.importWorkflows({ userFolder, files: ['wf.json'], publish: true });
 *   const n8n = await inst.startN8n({ userFolder, log: console.log });   // free ports, waits until ready
 *   const rest = await n8n.rest();                                 // owner created / logged in (N8nRest)
 *   await inst.checkNodesLoaded({ instance: n8n, rest });          // throws if our types are missing
 *   await rest.waitForPublished('wf-id');                          // webhooks registered (async in 2.41)
 *   await rest.callWebhook('path', body); …  rest.getExecution(id); rest.resume(resumeUrlOf(exec), body)
 *   await n8n.stop();                                              // also happens on exit / SIGINT
 *
 * Files in the user folder: .n8n/ (n8n's own: database.sqlite, config, nodes/), n8n.log (console output,
 * appended per start), n8n-log.jsonl (structured log with levels), .n8n-e2e-encryption-key.
 *
 * How n8n 2.41.1 loads community packages (read from dist/modules/community-packages/*.js and n8n-core
 * dist/nodes-loader/scan-directory-for-packages.js, and tried with a packed throwaway package):
 *   - At start, with community packages enabled and N8N_COMMUNITY_PACKAGES_PREVENT_LOADING unset, the
 *     `community-packages` module scans `<userFolder>/.n8n/nodes/node_modules` for directories named
 *     `n8n-nodes-*` and `@*\/n8n-nodes-*`, and loads each with LazyPackageDirectoryLoader (uses
 *     dist/known|types/*.json if present, else `require`s the files listed in package.json "n8n").
 *   - NO `installed_packages` DB row is needed to load (rows only feed Settings › Community nodes and
 *     "reinstall missing packages"). Types are `<package name>.<node name>`, e.g.
 *     `n8n-nodes-heygen-templates.heyGenGenerateFromTemplate`; `usableAsTool` nodes also get `<name>Tool`.
 *   - A package whose `n8n.n8nNodesApiVersion` is unsupported is skipped with a warning.
 *   - n8n's own UI install does: `npm pack`, extract into nodes/node_modules/<name>, strip
 *     dev/peer/optional dependencies from its package.json, `npm install --ignore-scripts` inside it, add
 *     it to nodes/package.json. installPackageTarball() does the same with a local .tgz (no network).
 */
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');
const { ensureN8n } = require('./n8n-install');
const { node24Env, findNpmCli, findNode24 } = require('./node24');
const { N8nRest } = require('./n8n-rest');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Log lines n8n 2.41.1 / 1.123 print once a queue-mode worker or webhook process takes work. */
const READY_LOG = {
	worker: /n8n worker is now ready/,
	webhook: /Webhook listener waiting for requests/,
};

/** A free TCP port on 127.0.0.1 (small race window; fine for tests). */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Fixed encryption key per user folder (created once, kept in <userFolder>/.n8n-e2e-encryption-key). */
function encryptionKeyFor(userFolder) {
	const f = path.join(userFolder, '.n8n-e2e-encryption-key');
	try {
		const k = fs.readFileSync(f, 'utf8').trim();
		if (k) return k;
	} catch {
		/* create */
	}
	// If n8n already created its own config (no key file from us), reuse that key.
	try {
		const cfg = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8'));
		if (cfg.encryptionKey) {
			fs.writeFileSync(f, cfg.encryptionKey + '\n', { mode: 0o600 });
			return cfg.encryptionKey;
		}
	} catch {
		/* none */
	}
	fs.mkdirSync(userFolder, { recursive: true });
	const key = crypto.randomBytes(24).toString('hex');
	fs.writeFileSync(f, key + '\n', { mode: 0o600 });
	return key;
}

/**
 * Environment for `n8n start` and the n8n CLI on one user folder.
 * Extra `env` entries override the defaults (e.g. N8N_LOG_LEVEL=debug).
 */
function n8nEnv({ userFolder, port = 5678, brokerPort = 5679, env = {}, node } = {}) {
	const base = node24Env(process.env, node);
	// Do not leak a developer's own n8n settings into the test instance.
	for (const k of Object.keys(base)) {
		if (
			/^(N8N_|DB_|WEBHOOK_URL$|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|CREDENTIALS_OVERWRITE)/.test(k)
		)
			delete base[k];
	}
	const noProxy = ['127.0.0.1', 'localhost', '::1', base.NO_PROXY || base.no_proxy]
		.filter(Boolean)
		.join(',');
	return {
		...base,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKeyFor(userFolder),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		DB_TYPE: 'sqlite',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// Only fetches api.n8n.io (offline noise); n8n 1.x has no such module and refuses unknown names.
		...(node && /^1\./.test(node.n8nVersion || '') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_LOG_LEVEL: 'info',
		// console: readable lines (message only at level info) → our log file;
		// file: JSON lines with level + metadata → <userFolder>/n8n-log.jsonl, scanned by checkNodesLoaded().
		N8N_LOG_OUTPUT: 'console,file',
		N8N_LOG_FILE_LOCATION: path.join(userFolder, 'n8n-log.jsonl'),
		GENERIC_TIMEZONE: 'UTC',
		NO_COLOR: '1',
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		...env,
	};
}

// ------------------------------------------------------------------------------------------------
// Process bookkeeping: every started n8n is killed (whole process group) when this process exits.

const live = new Set();
let hooksInstalled = false;

function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
		return true;
	} catch {
		try {
			child.kill(signal);
			return true;
		} catch {
			return false;
		}
	}
}

function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const inst of live) killGroup(inst.child, 'SIGKILL');
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const handler = async () => {
			process.removeListener(sig, handler);
			await Promise.allSettled([...live].map((i) => i.stop({ timeoutMs: 5000 })));
			if (process.listenerCount(sig) === 0) process.exit(sig === 'SIGINT' ? 130 : 143);
		};
		process.on(sig, handler);
	}
}

function stripAnsi(s) {
	return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/**
 * Start `n8n start`.
 * @param {object} o
 * @param {string} o.userFolder          N8N_USER_FOLDER (created if missing)
 * @param {number} [o.port]              default: a free port
 * @param {number} [o.brokerPort]        task-runner broker port, default: a free port
 * @param {object} [o.env]               extra/overriding environment
 * @param {(l:string)=>void} [o.log]     progress lines
 * @param {string} [o.packageTarball]    a packed community package to install first
 * @param {string} [o.logFile]           default <userFolder>/n8n.log (appended)
 * @param {number} [o.readyTimeoutMs]    default 180000
 * @param {object} [o.n8n]               result of ensureN8n() (default: calls it)
 * @param {boolean} [o.echo]             also copy n8n's output to this process's stderr
 * @param {'start'|'worker'|'webhook'} [o.command]  n8n command (queue mode: `worker`, `webhook`); default 'start'
 * @param {string[]} [o.args]            extra command-line arguments (e.g. ['--concurrency=10'])
 * @param {string} [o.name]              label for progress lines (default: the command)
 */
async function startN8n(o = {}) {
	const log = o.log || (() => {});
	if (!o.userFolder) throw new Error('startN8n: userFolder is required');
	const userFolder = path.resolve(o.userFolder);
	fs.mkdirSync(userFolder, { recursive: true });
	const n8n = o.n8n || (await ensureN8n({ log }));
	const port = o.port || (await freePort());
	const brokerPort = o.brokerPort || (await freePort());
	if (o.packageTarball) installPackageTarball({ userFolder, tarball: o.packageTarball, log, n8n });
	const env = n8nEnv({ userFolder, port, brokerPort, env: o.env, node: n8n });
	const logFile = o.logFile || path.join(userFolder, 'n8n.log');
	const logOffset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
	const jsonLogFile = env.N8N_LOG_FILE_LOCATION;
	const jsonLogOffset =
		jsonLogFile && fs.existsSync(jsonLogFile) ? fs.statSync(jsonLogFile).size : 0;
	const fd = fs.openSync(logFile, 'a');
	fs.writeSync(
		fd,
		`\n===== n8n start ${new Date().toISOString()} port ${port} broker ${brokerPort} =====\n`,
	);
	const t0 = Date.now();
	const command = o.command || 'start';
	const label = `[n8n${o.name ? ` ${o.name}` : command === 'start' ? '' : ` ${command}`}]`;
	log(
		`${label} starting n8n ${command} (Node ${n8n.nodeVersion || 'from ' + n8n.nodeBin}) on http://127.0.0.1:${port} (broker ${brokerPort}); log ${logFile}`,
	);
	const child = spawn(n8n.nodeBin, [n8n.n8nBin, command, ...(o.args || [])], {
		cwd: userFolder,
		env,
		detached: true, // own process group: stop() kills n8n and its task runners together
		stdio: ['ignore', o.echo ? 'pipe' : fd, o.echo ? 'pipe' : fd],
	});
	if (o.echo) {
		for (const s of [child.stdout, child.stderr]) {
			s.on('data', (d) => {
				fs.writeSync(fd, d);
				process.stderr.write(d);
			});
		}
	}
	if (!o.echo) fs.closeSync(fd); // the child has its own copy
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			live.delete(instance);
			resolve(exited);
		});
	});
	if (o.echo) {
		child.on('close', () => {
			try {
				fs.closeSync(fd);
			} catch {
				/* closed */
			}
		});
	}

	const url = `http://127.0.0.1:${port}`;
	const readLog = () => {
		try {
			const buf = fs.readFileSync(logFile);
			return stripAnsi(buf.subarray(logOffset).toString('utf8'));
		} catch {
			return '';
		}
	};
	const readJsonLog = () => {
		let text = '';
		try {
			text = fs.readFileSync(jsonLogFile).subarray(jsonLogOffset).toString('utf8');
		} catch {
			return [];
		}
		const out = [];
		for (const line of text.split('\n')) {
			if (!line.trim()) continue;
			try {
				out.push(JSON.parse(line));
			} catch {
				out.push({ level: 'unknown', message: line });
			}
		}
		return out;
	};
	let restClient;
	const instance = {
		url,
		port,
		brokerPort,
		userFolder,
		n8nFolder: path.join(userFolder, '.n8n'),
		webhookUrl: `${url}/`,
		logFile,
		env,
		n8n,
		child,
		get pid() {
			return child.pid;
		},
		get exited() {
			return exited;
		},
		jsonLogFile,
		/** This run's console log text (ANSI stripped; at level info only messages, no levels). */
		logText: readLog,
		/** This run's structured log entries [{ level, message, metadata… }] from the JSON log file. */
		logEntries: readJsonLog,
		/** Wait until the log (this run) matches re. */
		async waitForLog(re, { timeoutMs = 30000 } = {}) {
			const until = Date.now() + timeoutMs;
			for (;;) {
				const m = readLog().match(re);
				if (m) return m;
				if (exited)
					throw new Error(`n8n exited (${JSON.stringify(exited)}) before log matched ${re}`);
				if (Date.now() > until) throw new Error(`log did not match ${re} within ${timeoutMs} ms`);
				await sleep(250);
			}
		},
		/** CLI helpers bound to this user folder (they work while the server runs, too). */
		importCredentials: (list) => importCredentials({ userFolder, list, log, n8n }),
		importWorkflows: (files, opts = {}) => importWorkflows({ userFolder, files, log, n8n, ...opts }),
		executeWorkflow: (id, opts = {}) => executeWorkflow({ userFolder, id, log, n8n, ...opts }),
		/** An N8nRest client, owner created/logged in (memoised). */
		async rest(owner) {
			if (!restClient) {
				restClient = new N8nRest({ baseUrl: url, log });
				await restClient.ensureOwner(owner);
			}
			return restClient;
		},
		/** SIGTERM the process group, SIGKILL after timeoutMs. Idempotent. */
		async stop({ timeoutMs = 15000 } = {}) {
			if (exited) return exited;
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
			const r = await exitPromise;
			clearTimeout(timer);
			// Task runners may outlive the main process briefly: make sure the group is gone.
			killGroup(child, 'SIGKILL');
			log(`${label} stopped (${r.signal || r.code})`);
			return r;
		},
	};
	live.add(instance);
	installExitHooks();

	// Readiness: /healthz (HTTP up), /healthz/readiness (DB migrated), then the end-of-startup log line
	// ("Editor is now accessible via") after which published workflows are being registered.
	const timeoutMs = o.readyTimeoutMs || 180000;
	const deadline = Date.now() + timeoutMs;
	const check = async (p) => {
		try {
			const r = await fetch(url + p, { signal: AbortSignal.timeout(2000) });
			return r.status === 200;
		} catch {
			return false;
		}
	};
	let phase = '/healthz';
	let lastNote = Date.now();
	try {
		for (;;) {
			if (exited) throw new Error(`n8n exited during startup (${JSON.stringify(exited)})`);
			if (Date.now() > deadline)
				throw new Error(`n8n not ready within ${timeoutMs} ms (waiting for ${phase})`);
			if (command !== 'start') {
				// Workers and webhook processes: their own "ready" log line.
				phase = 'ready log line';
				if (READY_LOG[command].test(readLog())) break;
			} else if (phase === '/healthz' && (await check('/healthz'))) phase = '/healthz/readiness';
			if (phase === '/healthz/readiness' && (await check('/healthz/readiness'))) phase = 'log';
			if (phase === 'log' && /Editor is now accessible via/.test(readLog())) break;
			if (Date.now() - lastNote > 10000) {
				log(`${label} still starting… ${Math.round((Date.now() - t0) / 1000)}s (${phase})`);
				lastNote = Date.now();
			}
			await sleep(250);
		}
	} catch (e) {
		const tail = readLog().split('\n').slice(-30).join('\n');
		await instance.stop({ timeoutMs: 5000 });
		e.message += `\n--- n8n log tail (${logFile}) ---\n${tail}`;
		throw e;
	}
	instance.startMs = Date.now() - t0;
	log(`${label} ready in ${(instance.startMs / 1000).toFixed(1)}s at ${url}`);
	return instance;
}

// ------------------------------------------------------------------------------------------------
// CLI helpers (run against the same user folder; safe before `start`, and while it runs)

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

// ------------------------------------------------------------------------------------------------
// Community package install (like n8n's own installer, from a local tarball)

/**
 * Install a packed package (.tgz from `npm pack`) into <userFolder>/.n8n/nodes the way n8n 2.41.1 does.
 * method 'extract' (default): tar -x into nodes/node_modules/<name>, strip dev/peer/optional deps,
 *   `npm install --ignore-scripts` inside it only if it has dependencies, record it in nodes/package.json.
 * method 'npm': `npm install <tgz> --ignore-scripts --legacy-peer-deps` in nodes/ (Node 24).
 * Restart n8n after installing (packages are scanned at start). Returns { name, version, dir }.
 */
function installPackageTarball({ userFolder, tarball, log = () => {}, method = 'extract', n8n }) {
	const tgz = path.resolve(tarball);
	if (!fs.existsSync(tgz)) throw new Error(`tarball not found: ${tgz}`);
	const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
	fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });
	const pkgJsonPath = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJsonPath)) {
		fs.writeFileSync(
			pkgJsonPath,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	const node = n8n ? { nodeBin: n8n.nodeBin, nodeDir: n8n.nodeDir } : findNode24();
	const env = node24Env(process.env, node);
	if (method === 'npm') {
		const npmCli = findNpmCli();
		execFileSync(
			node.nodeBin,
			[
				npmCli,
				'install',
				tgz,
				'--ignore-scripts',
				'--legacy-peer-deps',
				'--no-audit',
				'--no-fund',
				'--loglevel=warn',
			],
			{
				cwd: nodesDir,
				env,
				stdio: 'pipe',
			},
		);
		const name = JSON.parse(
			execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }),
		).name;
		const dir = path.join(nodesDir, 'node_modules', name);
		const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
		log(`[n8n] installed ${name}@${version} into ${dir} (npm)`);
		return { name, version, dir };
	}
	const staging = fs.mkdtempSync(path.join(nodesDir, '.staging-'));
	try {
		execFileSync('tar', ['-xzf', tgz, '-C', staging, '--strip-components=1'], { stdio: 'pipe' });
		const pj = JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8'));
		const { devDependencies, peerDependencies, optionalDependencies, ...stripped } = pj;
		fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify(stripped, null, 2));
		if (stripped.dependencies && Object.keys(stripped.dependencies).length) {
			const npmCli = findNpmCli();
			execFileSync(
				node.nodeBin,
				[
					npmCli,
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
				],
				{ cwd: staging, env, stdio: 'pipe' },
			);
		}
		const dir = path.join(nodesDir, 'node_modules', pj.name);
		fs.mkdirSync(path.dirname(dir), { recursive: true });
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(staging, dir);
		const nodesPkg = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
		nodesPkg.dependencies = { ...(nodesPkg.dependencies || {}), [pj.name]: pj.version };
		fs.writeFileSync(pkgJsonPath, JSON.stringify(nodesPkg, null, 2));
		log(`[n8n] installed ${pj.name}@${pj.version} into ${dir}`);
		return { name: pj.name, version: pj.version, dir };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/** `npm pack` a package directory into outDir (default os.tmpdir()); returns the .tgz path. */
function packPackage({ dir, outDir = os.tmpdir() }) {
	const npmCli = findNpmCli();
	const out = execFileSync(
		process.execPath,
		[npmCli, 'pack', '--silent', '--ignore-scripts', `--pack-destination=${outDir}`],
		{
			cwd: dir,
			encoding: 'utf8',
			env: { ...process.env, npm_config_yes: 'true' },
		},
	);
	const name = out.trim().split('\n').pop().trim();
	return path.join(outDir, name);
}

// ------------------------------------------------------------------------------------------------

const HEYGEN_PACKAGE = 'n8n-nodes-heygen-templates';
const HEYGEN_EXPECT = {
	nodes: [`${HEYGEN_PACKAGE}.heyGenGenerateFromTemplate`, `${HEYGEN_PACKAGE}.heyGenWaitForVideo`],
	credentials: ['heyGenTemplatesApi'],
};

/**
 * Prove the package's node and credential types are loaded: GET /types/nodes.json and
 * /types/credentials.json (cookie auth) must list `expect.nodes` / `expect.credentials`; every iconUrl of
 * our types must be served (HTTP 200); and this run's logs must hold no warn/error entry about the package
 * or a package-load failure (JSON log <userFolder>/n8n-log.jsonl, plus the console log). A failure that
 * names another package ("Failed to load package \"x\"") is ignored.
 * Throws (with details) unless `throwOnError: false`.
 * @returns {Promise<{ ok: boolean, nodes: {name, version, displayName}[], credentials: string[], icons: string[], missing: string[], logProblems: string[] }>}
 */
async function checkNodesLoaded({
	instance,
	rest,
	packageName = HEYGEN_PACKAGE,
	expect = HEYGEN_EXPECT,
	throwOnError = true,
} = {}) {
	rest = rest || (await instance.rest());
	const [nodeTypes, credTypes] = await Promise.all([rest.nodeTypes(), rest.credentialTypes()]);
	const nodes = nodeTypes
		.filter((t) => t.name.startsWith(`${packageName}.`))
		.map((t) => ({ name: t.name, version: t.version, displayName: t.displayName }));
	const credNames = new Set(credTypes.map((c) => c.name));
	const missing = [
		...expect.nodes.filter((n) => !nodes.some((t) => t.name === n)),
		...expect.credentials.filter((c) => !credNames.has(c)).map((c) => `credential ${c}`),
	];
	const logProblems = [];
	if (instance) {
		const escaped = packageName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		const re = new RegExp(
			`(${escaped}|Failed to load package|Skipping package|failed to load package metadata|Error loading|Unrecognized (node|credential) type|Cannot find module)`,
			'i',
		);
		// A failure that names another package ("Failed to load package \"x\"", "Skipping package \"x\"") is not ours.
		const aboutOtherPackage = (text) => {
			const m = text.match(/package(?: directory)? \\?"([^"\\]+)\\?"/i);
			return !!m && !m[1].includes(packageName);
		};
		// Structured log: every warn/error entry that mentions the package or a load failure.
		for (const e of instance.logEntries()) {
			if (!['warn', 'error'].includes(String(e.level).toLowerCase())) continue;
			const text = `${e.message} ${JSON.stringify(e.metadata || e)}`;
			if (re.test(text) && !(aboutOtherPackage(e.message) && !text.includes(packageName)))
				logProblems.push(`${e.level}: ${e.message}`);
		}
		// Console log: load failures are printed there too (message only).
		for (const line of instance.logText().split('\n')) {
			const l = line.trim();
			if (
				/(Failed to load package|Skipping package|Error loading|Unrecognized node type)/i.test(l) &&
				!aboutOtherPackage(l) &&
				!logProblems.some((p) => p.includes(l))
			) {
				logProblems.push(l);
			}
		}
	}
	// Icons: each of our node/credential types' iconUrl must be served (proves the packaged files are found).
	const iconProblems = [];
	const ourTypes = [
		...nodeTypes.filter((t) => t.name.startsWith(`${packageName}.`)),
		...credTypes.filter((c) => expect.credentials.includes(c.name)),
	];
	const iconUrls = new Set();
	for (const t of ourTypes) {
		const u = t.iconUrl;
		for (const x of typeof u === 'string'
			? [u]
			: u && typeof u === 'object'
				? [u.light, u.dark]
				: [])
			if (x) iconUrls.add(x);
	}
	for (const u of iconUrls) {
		const r = await rest.request('GET', `/${u.replace(/^\/+/, '')}`, {
			raw: true,
			headers: { accept: '*/*' },
		});
		if (r.status !== 200) iconProblems.push(`icon ${u} → HTTP ${r.status}`);
	}
	logProblems.push(...iconProblems);
	const ok = missing.length === 0 && logProblems.length === 0;
	const result = {
		ok,
		nodes,
		credentials: expect.credentials.filter((c) => credNames.has(c)),
		icons: [...iconUrls],
		missing,
		logProblems,
	};
	if (!ok && throwOnError) {
		throw new Error(
			`community package ${packageName} not loaded cleanly: ${JSON.stringify({ missing, logProblems }, null, 2)}`,
		);
	}
	return result;
}

module.exports = {
	startN8n,
	n8nEnv,
	freePort,
	encryptionKeyFor,
	runCli,
	importCredentials,
	importWorkflows,
	executeWorkflow,
	installPackageTarball,
	packPackage,
	checkNodesLoaded,
	HEYGEN_EXPECT,
};
