'use strict';
/**
 * Starting and stopping an n8n server process: ready detection from its log, exit hooks, the instance handle.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ensureN8n } = require('./n8n-install');
const { N8nRest } = require('./n8n-rest');
const { sleep, freePort, n8nEnv, killGroup, stripAnsi } = require('./n8n-env');
const { importCredentials, importWorkflows, executeWorkflow } = require('./n8n-import');
const { installPackageTarball } = require('./n8n-package');

/** Log lines n8n 2.41.1 / 1.123 print once a queue-mode worker or webhook process takes work. */
const READY_LOG = {
	worker: /n8n worker is now ready/,
	webhook: /Webhook listener waiting for requests/,
};

const live = new Set();
let hooksInstalled = false;

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
		importWorkflows: (files, opts = {}) =>
			importWorkflows({ userFolder, files, log, n8n, ...opts }),
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

module.exports = {
	startN8n,
};
