#!/usr/bin/env node
'use strict';
/**
 * Queue-mode end-to-end suite (`npm run test:queue`): a real n8n 2.41.1 in EXECUTIONS_MODE=queue with Postgres and
 * Redis (Debian packages, throwaway instances on free ports), one main process, two workers and two webhook processes
 * behind a round-robin proxy, binary data in filesystem mode on a shared folder (`dbmode`: a small cluster of its own
 * in `database` mode), the packed package installed in every process's user folder as n8n's installer does, and the
 * HeyGen sandbox calling back through the proxy.
 *
 *   node test/queue/run-queue.js       QUEUE_KEEP=1 keeps the temp folder; QUEUE_N8N_ENV='{…}' more n8n settings; QUEUE_ONLY=200,200sticky,race,racesticky,kill,poll,restart,restartorder,dbmode
 *
 * Prints one line per check, the measurements as JSON, and ends with `queue: N passed, N failed`.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n } = require('../../scripts/lib/n8n-install');
const inst = require('../../scripts/lib/n8n-instance');
const { startPostgres, startRedis } = require('../../scripts/lib/queue-services');
const { createQueueCluster } = require('../../scripts/lib/n8n-queue-cluster');
const { startSandbox } = require('../../tools/heygen-sandbox');
const { callbackBatch } = require('./scenarios');
const { pollingLoop, killedWorker } = require('./scenarios-resilience');
const { restartWhileWaiting, restartWebhooksFirst } = require('./scenarios-restart');
const { binaryDatabaseMode } = require('./scenarios-dbmode');
const { createSuiteRunner } = require('../support/suite-runner');

const ROOT = path.resolve(__dirname, '..', '..');
const suite = createSuiteRunner({ tag: 'queue' });
const { T0, check, log, cleanups } = suite;
// The round-robin 200-contact batch (`200`) is not in the default set: it shows n8n's race between two webhook
// processes (duplicate downloads, and on a starved machine n8n's database pool timing out); run it with QUEUE_ONLY=200.
const only = (
	process.env.QUEUE_ONLY || 'dbmode,poll,kill,restart,restartorder,200sticky,race,racesticky'
).split(',');

async function main() {
	const n8n = await ensureN8n({ log });
	const timer = suite.limitTime(Number(process.env.QUEUE_TIMEOUT_MS || 45 * 60000));
	suite.ensureBuilt(path.join('nodes', 'HeyGenWaitForVideo', 'HeyGenWaitForVideo.node.js'));
	const dir = suite.workFolder('heygen-queue-', 'QUEUE_KEEP');
	const tarball = inst.packPackage({ dir: ROOT, outDir: dir });
	const pg = await startPostgres({ dir, log });
	cleanups.push(() => pg.stop());
	const redis = await startRedis({ dir, log });
	cleanups.push(() => redis.stop());
	// HeyGen's callback deliveries are retried with a backoff up to a minute, for about half an hour, so they outlast
	// a restart of every n8n process. (A fixed 10 s retry made answers slower than 10 s come back as a storm of
	// redeliveries that a CPU-starved pair of webhook processes could not work off.)
	const sb = await startSandbox({
		port: 0,
		videoBytes: 150000,
		callbackRetry: { attempts: 40, delaysMs: [2000, 4000, 8000, 16000, 30000, 60000] },
		// The scenarios count from marks into the request and callback logs: keep every entry.
		logLimit: 1e7,
	});
	cleanups.push(() => sb.close());
	const report = {};
	// Its own cluster, started and stopped before the main one: never two clusters at once.
	if (only.includes('dbmode')) {
		try {
			await binaryDatabaseMode({ n8n, dir, tarball, pg, redis, sb, check, log, report, cleanups });
		} catch (e) {
			check('scenario dbmode ran to the end', false, e.message);
		}
		log(`after dbmode: ${JSON.stringify(report)}`);
	}
	const others = only.filter((k) => k !== 'dbmode');
	if (!others.length) {
		report.totalSeconds = Math.round((Date.now() - T0) / 1000);
		process.stdout.write(`queue measurements: ${JSON.stringify(report, null, 2)}\n`);
		clearTimeout(timer);
		return;
	}
	const cluster = await createQueueCluster({
		n8n,
		dir,
		tarball,
		pg,
		redis,
		log,
		env: JSON.parse(process.env.QUEUE_N8N_ENV || '{}'),
	});
	cleanups.push(() => cluster.close());
	check(
		`README npm install (${cluster.installs[0].commands.join(' && ')}) in all ${cluster.installs.length} user folders, Node 24: the package alone, no n8n-workflow copy`,
		cluster.installs.every((r) => r.ok && !r.extraPackages.length),
	);
	const tStart = Date.now();
	await cluster.start();
	report.startSeconds = Math.round((Date.now() - tStart) / 1000);
	const rest = await cluster.rest();
	const loaded = await inst.checkNodesLoaded({ instance: cluster.main, rest, throwOnError: false });
	check(
		'queue mode: main process loads both nodes and the credential from the installed package',
		loaded.ok,
		loaded,
	);
	for (const p of ['worker1', 'worker2', 'webhook1', 'webhook2']) {
		const text = cluster.processes[p].logText();
		check(
			`queue mode: ${p} started without package load errors`,
			!/(Failed to load package|Unrecognized node type|Cannot find module)/i.test(text),
			text
				.split('\n')
				.filter((l) => /error/i.test(l))
				.slice(0, 5),
		);
	}
	const cred = await rest.createCredential({
		name: 'HeyGen account',
		type: 'heyGenTemplatesApi',
		data: { apiKey: sb.apiKey, baseUrl: sb.url },
	});
	const ctx = { cluster, rest, sb, redis, pg, check, log, credId: cred.id, report };

	async function twoHundred(name, sticky) {
		const { ids } = await callbackBatch(ctx, {
			name,
			batches: 20,
			perBatch: 10,
			concurrency: 10,
			render: { pendingMs: 300, processingMs: 6000 },
			sampleWorkers: true,
			sticky,
		});
		// n8n keeps binary data per execution: workflows/<workflow>/executions/<execution>/binary_data/.
		const workflowsDir = path.join(cluster.storagePath, 'workflows');
		let files = 0;
		for (const wf of fs.readdirSync(workflowsDir))
			for (const id of ids) {
				const d = path.join(workflowsDir, wf, 'executions', id);
				if (fs.existsSync(d)) files += countFiles(d);
			}
		check(
			`${name}: the videos are files in the shared binary data folder (${files} files for 200 videos)`,
			files >= 200,
			files,
		);
		report[name].sharedStorageFiles = files;
	}
	const scenarios = {
		poll: () => pollingLoop(ctx),
		kill: () => killedWorker(ctx),
		restart: () => restartWhileWaiting(ctx),
		restartorder: () => restartWebhooksFirst(ctx),
		200: () => twoHundred('200 contacts, callback mode, download', false),
		'200sticky': () =>
			twoHundred('200 contacts, callback mode, download, load balancer sticky by execution', true),
		race: () =>
			callbackBatch(ctx, {
				name: 'racing callbacks (10 executions × 3 videos finishing together)',
				batches: 10,
				perBatch: 3,
				concurrency: 30,
				render: { pendingMs: 0, processingMs: 2000 },
			}),
		racesticky: () =>
			callbackBatch(ctx, {
				name: 'racing callbacks, load balancer sticky by execution (10 × 3 videos)',
				batches: 10,
				perBatch: 3,
				concurrency: 30,
				render: { pendingMs: 0, processingMs: 2000 },
				sticky: true,
			}),
	};
	// Each scenario on its own: a failure is reported and the next one still runs.
	for (const key of others) {
		try {
			await scenarios[key]();
		} catch (e) {
			check(`scenario ${key} ran to the end`, false, e.message);
		}
		log(`after ${key}: ${JSON.stringify(report)}`);
	}
	report.totalSeconds = Math.round((Date.now() - T0) / 1000);
	process.stdout.write(`queue measurements: ${JSON.stringify(report, null, 2)}\n`);
	clearTimeout(timer);
}

function countFiles(dir) {
	let n = 0;
	const stack = [dir];
	while (stack.length) {
		const d = stack.pop();
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) stack.push(path.join(d, e.name));
			else if (!e.name.endsWith('.metadata')) n++;
		}
	}
	return n;
}

suite.run(main);
