'use strict';
/**
 * n8n in queue mode on one machine: one main process, N workers, M webhook processes behind a round-robin proxy,
 * sharing one Postgres, one Redis, one encryption key and one binary-data folder. Every process has its own user
 * folder with the community package installed (as on separate machines) and its own log file.
 *
 *   const cluster = await createQueueCluster({ n8n, dir, tarball, pg, redis, log, binaryMode: 'filesystem' });
 *   await cluster.start();            // main first (migrations), then workers and webhook processes
 *   cluster.proxy.url                 // N8N_WEBHOOK_URL: production webhooks and HeyGen's callbacks land here
 *   await cluster.stop(); await cluster.start({ workersFirst: true });   // restart on the same ports
 *   await cluster.start({ only: ['start', 'webhook'] });                 // some kinds of process only
 *   cluster.kill9('worker1');         // SIGKILL one process (its task runner too)
 *   cluster.workerJobs()              // { worker1: { started: [execIds], finished: [execIds] }, … } from their logs
 *
 * Plain CommonJS, no dependencies, Node >= 20.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const inst = require('./n8n-instance');
const { startRoundRobinProxy } = require('./round-robin-proxy');
const { readmeNpmInstall } = require('./readme-install');

async function createQueueCluster({
	n8n,
	dir,
	tarball,
	pg,
	redis,
	log = () => {},
	workers = 2,
	webhooks = 2,
	binaryMode = 'filesystem',
	workerConcurrency = 10,
	env = {},
}) {
	const encryptionKey = crypto.randomBytes(24).toString('hex');
	const storagePath = path.join(dir, 'shared-storage');
	fs.mkdirSync(storagePath, { recursive: true });
	const proxy = await startRoundRobinProxy({ upstreams: [] });
	const specs = [{ name: 'main', command: 'start' }];
	for (let i = 1; i <= workers; i++)
		specs.push({
			name: `worker${i}`,
			command: 'worker',
			args: [`--concurrency=${workerConcurrency}`],
		});
	for (let i = 1; i <= webhooks; i++) specs.push({ name: `webhook${i}`, command: 'webhook' });
	const installs = [];
	for (const s of specs) {
		s.userFolder = path.join(dir, s.name);
		s.port = await inst.freePort();
		s.healthPort = await inst.freePort();
		// The README's manual install, as a user sets up each machine of a queue-mode deployment.
		const r = readmeNpmInstall({ n8nFolder: path.join(s.userFolder, '.n8n'), tarball, node: n8n });
		if (!r.ok || r.extraPackages.length)
			throw new Error(
				`README npm install failed for ${s.name}: ${JSON.stringify({ ...r, output: r.output.slice(-800) })}`,
			);
		installs.push(r);
	}
	proxy.setUpstreams(
		specs.filter((s) => s.command === 'webhook').map((s) => `http://127.0.0.1:${s.port}`),
	);
	const common = {
		...pg.n8nEnv,
		...redis.n8nEnv,
		EXECUTIONS_MODE: 'queue',
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_WEBHOOK_URL: `${proxy.url}/`,
		WEBHOOK_URL: `${proxy.url}/`,
		// Production webhooks only on the webhook processes, as in n8n's queue-mode guide.
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
		N8N_STORAGE_PATH: storagePath,
		N8N_LOG_LEVEL: 'info',
		// n8n pings its database every 2 s and answers every webhook with 503 while a ping waits more than 5 s
		// for a pooled connection; on a busy 2-core machine that happens under a callback burst.
		DB_PING_TIMEOUT_MS: '30000',
		// A killed worker's job is never re-run (n8n sets Bull's maxStalledCount to 0): the main process fails its
		// execution ("failed to be processed too many times") once Bull reports the job stalled. Executions left
		// "new"/"running" otherwise are marked crashed by the queue recovery: every minute here (default 180).
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...env,
	};
	const processes = {};
	const cluster = {
		proxy,
		/** The README install per process ({ ok, commands, extraPackages }). */
		installs,
		specs,
		processes,
		storagePath,
		encryptionKey,
		get main() {
			return processes.main;
		},
		async startOne(s) {
			processes[s.name] = await inst.startN8n({
				userFolder: s.userFolder,
				port: s.port,
				n8n,
				log,
				name: s.name,
				command: s.command,
				args: s.args,
				readyTimeoutMs: 300000,
				env: { ...common, QUEUE_HEALTH_CHECK_PORT: String(s.healthPort) },
			});
			return processes[s.name];
		},
		/**
		 * Main first (it runs the migrations and owns the wait tracker), then the rest in parallel; or, with
		 * `workersFirst`, the workers and only once they are ready the webhook processes. A starting worker rewrites
		 * every execution its event log names as unfinished (n8n's startup recovery; in queue mode that is every
		 * execution it ran a node of): one a webhook process resumes meanwhile ends "crashed".
		 */
		async start({ workersFirst = false, only } = {}) {
			const wanted = specs.filter((s) => !only || only.includes(s.command));
			if (wanted[0] === specs[0]) await cluster.startOne(specs[0]);
			const rest = wanted.filter((s) => s !== specs[0]);
			if (workersFirst) {
				await Promise.all(
					rest.filter((s) => s.command === 'worker').map((s) => cluster.startOne(s)),
				);
				await Promise.all(
					rest.filter((s) => s.command !== 'worker').map((s) => cluster.startOne(s)),
				);
			} else await Promise.all(rest.map((s) => cluster.startOne(s)));
			cluster.restMemo = null;
		},
		/** SIGTERM every process, SIGKILL after 20 s; resolves to their exits ({ code, signal }). */
		async stop() {
			return await Promise.all(Object.values(processes).map((p) => p.stop({ timeoutMs: 20000 })));
		},
		/** SIGKILL a process group (n8n and its task runner), as when a machine dies. */
		kill9(name) {
			const p = processes[name];
			process.kill(-p.pid, 'SIGKILL');
		},
		async rest() {
			if (!cluster.restMemo) cluster.restMemo = await processes.main.rest();
			return cluster.restMemo;
		},
		/** Which executions each worker started and finished (n8n's "Worker started/finished execution" lines). */
		workerJobs() {
			const out = {};
			for (const s of specs.filter((x) => x.command === 'worker')) {
				const text = fs.existsSync(path.join(s.userFolder, 'n8n.log'))
					? fs.readFileSync(path.join(s.userFolder, 'n8n.log'), 'utf8')
					: '';
				const grab = (re) => [...text.matchAll(re)].map((m) => m[1]);
				out[s.name] = {
					started: grab(/Worker started execution (\d+)/g),
					finished: grab(/Worker finished execution (\d+)/g),
				};
			}
			return out;
		},
		/** Callbacks and webhook calls per webhook process (the proxy's record), by upstream name. */
		proxyByProcess(fromIndex = 0) {
			const names = Object.fromEntries(
				specs.filter((s) => s.command === 'webhook').map((s) => [s.port, s.name]),
			);
			const out = {};
			for (const r of proxy.log.slice(fromIndex)) {
				const n = names[r.upstream] || 'none';
				out[n] = out[n] || { requests: 0, byStatus: {} };
				out[n].requests++;
				out[n].byStatus[r.status] = (out[n].byStatus[r.status] || 0) + 1;
			}
			return out;
		},
		/** Resident set size of a process now, and its peak so far (kB, from /proc). */
		memory(name) {
			try {
				const st = fs.readFileSync(`/proc/${processes[name].pid}/status`, 'utf8');
				const kb = (k) => Number((st.match(new RegExp(`${k}:\\s+(\\d+)`)) || [])[1] || 0);
				return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
			} catch {
				return { rssKb: 0, peakKb: 0 };
			}
		},
		/** CPU time a process has used so far (user + system, seconds, from /proc). */
		cpuSeconds(name) {
			try {
				const stat = fs.readFileSync(`/proc/${processes[name].pid}/stat`, 'utf8');
				const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
			} catch {
				return 0;
			}
		},
		async close() {
			await cluster.stop();
			await proxy.close();
		},
	};
	return cluster;
}

module.exports = { createQueueCluster };
