'use strict';
/**
 * Restarting every n8n process while executions are parked in callback mode.
 *
 * A starting worker runs n8n's crash recovery over its own event log. In queue mode a worker logs node events but
 * never "workflow finished", so every execution it ever ran a node of counts as unfinished: it rewrites each one
 * that is not success/error/canceled in the database, first as "crashed", then through the after-execution hooks,
 * which set a parked one (waitTill set) back to "waiting" and leave a resumed one (waitTill cleared) "crashed".
 * A worker that then takes the resumed job skips it (job-processor: status crashed). So a restart is safe when the
 * workers are up before the webhook processes take HeyGen's callbacks (`restart`), and loses the executions
 * resumed meanwhile otherwise (`restartorder` shows it from the database and the workers' logs).
 */
const c = require('./checks');
const wf = require('./workflows');
const {
	deploy,
	batchesOf,
	verify,
	proxyWaitingByProcess,
	callbackAnswerTimes,
	webhookProcesses,
} = require('./scenarios');

let seq = 0;

/** Status of each execution in Postgres: { id: status }. */
function statusesOf(ctx, ids) {
	const rows = ctx.pg.query(
		`select id, status from execution_entity where id in (${ids.map(Number).join(',')})`,
	);
	return Object.fromEntries(rows.map(([id, status]) => [id, status]));
}

function countBy(map) {
	const out = {};
	for (const v of Object.values(map)) out[v] = (out[v] || 0) + 1;
	return out;
}

/** Records the executions' statuses every second (and which were ever seen "crashed") until stopped. */
function watchStatuses(ctx, ids) {
	const changes = [];
	const crashedEver = new Set();
	let last = '';
	const timer = setInterval(() => {
		try {
			const st = statusesOf(ctx, ids);
			for (const [id, s] of Object.entries(st)) if (s === 'crashed') crashedEver.add(id);
			const key = JSON.stringify(countBy(st));
			if (key !== last) changes.push(countBy(st));
			last = key;
		} catch {
			// Postgres busy: the next tick reads again.
		}
	}, 1000);
	return { stop: () => clearInterval(timer), changes, crashedEver };
}

/** Executions each worker's startup recovery rewrote this run ("Found unfinished executions: 1, 2, …"). */
function workerRecovery(cluster) {
	const named = new Set();
	for (const s of cluster.specs.filter((x) => x.command === 'worker')) {
		const m = cluster.processes[s.name].logText().match(/Found unfinished executions: ([\d, ]+)/);
		if (m) for (const id of m[1].split(',')) named.add(id.trim());
	}
	return named;
}

/** Park `count` one-contact executions, stop every n8n process (SIGTERM), finish the renders while n8n is down. */
async function parkAndStop(ctx, name, count) {
	const { sb, cluster, log } = ctx;
	sb.setConcurrency(count);
	sb.setRender({ pendingMs: 200, processingMs: 3600000 }); // finished by hand below
	const path = `queue-restart-${++seq}`;
	const workflowId = await deploy(ctx, wf.callbackWorkflow({ path, download: true }));
	const { all, lists } = batchesOf(path, count, 1);
	const mark = c.sandboxMark(sb);
	const proxyFrom = cluster.proxy.log.length;
	await c.postBatches(cluster.proxy.url, path, lists);
	const parked = await c.waitForExecutions(ctx.rest, workflowId, count, {
		done: (e) => e.status === 'waiting',
		log,
		label: `${name} parking`,
		timeoutMs: 600000,
	});
	const ids = parked.map((e) => e.id);
	log(`${name}: ${ids.length} parked; stopping main, workers and webhook processes (SIGTERM)`);
	const tStop = Date.now();
	const exits = await cluster.stop();
	const videos = [...sb.videos.values()].slice(mark.videos);
	for (const v of videos) sb.complete(v.id);
	const cbMark = sb.callbacks.length;
	// HeyGen's deliveries fail (nobody listens behind the proxy) and are retried.
	const failedNow = () => sb.callbacks.slice(cbMark).filter((x) => x.status === 502 || x.error);
	await sb.waitFor(() => new Set(failedNow().map((x) => x.videoId)).size === videos.length, {
		timeoutMs: 120000,
		intervalMs: 200,
	});
	log(
		`${name}: all ${videos.length} renders finished while n8n was down; HeyGen retries its callbacks`,
	);
	return { workflowId, ids, all, mark, proxyFrom, tStop, exits, failedNow };
}

/** Restart while waiting, in the safe order: main, the workers, then the webhook processes. */
async function restartWhileWaiting(ctx, { count = 50 } = {}) {
	const name = `restart while waiting (${count} executions)`;
	const { cluster, check, log } = ctx;
	const t0 = Date.now();
	const p = await parkAndStop(ctx, name, count);
	check(
		`${name}: every n8n process shut down by itself on SIGTERM (graceful, exit code 0) with all ${count} parked`,
		p.exits.every((r) => r && r.code === 0 && !r.signal),
		p.exits,
	);
	const watch = watchStatuses(ctx, p.ids);
	log(`${name}: starting main, then the workers, then the webhook processes`);
	await cluster.start({ workersFirst: true });
	ctx.rest = await cluster.rest();
	const downSeconds = Math.round((Date.now() - p.tStop) / 1000);
	const rewritten = p.ids.filter((x) => workerRecovery(cluster).has(x));
	try {
		await c.waitForExecutions(ctx.rest, p.workflowId, count, {
			log,
			label: name,
			timeoutMs: 600000,
		});
	} finally {
		watch.stop();
	}
	const r = await verify(ctx, name, {
		ids: p.ids,
		contacts: p.all,
		waitNode: 'Wait For Video',
		mark: p.mark,
		jobsBefore: {},
		expectDownloads: true,
		t0,
		maxDownloadsPerVideo: webhookProcesses(ctx),
	});
	const failedWhileDown = p.failedNow().length;
	check(
		`${name}: callbacks failed while n8n was down (${failedWhileDown} failed deliveries) and resumed each execution once after the restart`,
		failedWhileDown >= count && r.m.waitNodeRunsPerExecution.every((n) => n === 1),
		r.out.waitRuns,
	);
	ctx.report[name] = {
		...ctx.report[name],
		downSeconds,
		failedDeliveriesWhileDown: failedWhileDown,
		rewrittenByWorkerStartupRecovery: rewritten.length,
		seenCrashedWhileWorkersStarted: watch.crashedEver.size,
		statusChanges: watch.changes,
		callbacksByWebhookProcess: proxyWaitingByProcess(ctx, p.proxyFrom),
		callbackAnswerMs: callbackAnswerTimes(ctx, p.proxyFrom),
	};
}

/**
 * Restart with the webhook processes up before the workers: HeyGen's retried callbacks resume the executions
 * (n8n marks them running and queues a job), then the workers start. Records what n8n does with them.
 */
async function restartWebhooksFirst(ctx, { count = 10 } = {}) {
	const name = `restart, webhook processes before the workers (${count} executions)`;
	const { sb, cluster, check, log } = ctx;
	const t0 = Date.now();
	const p = await parkAndStop(ctx, name, count);
	await cluster.start({ only: ['start', 'webhook'] });
	ctx.rest = await cluster.rest();
	await sb.waitFor(() => Object.values(statusesOf(ctx, p.ids)).every((s) => s === 'running'), {
		timeoutMs: 300000,
		intervalMs: 1000,
	});
	const queued = Number(ctx.redis.cli(['llen', 'bull:jobs:wait']) || 0);
	log(
		`${name}: all ${count} resumed (running, ${queued} jobs queued, no worker); starting the workers`,
	);
	await cluster.start({ only: ['worker'] });
	const rewritten = workerRecovery(cluster);
	await c.waitForExecutions(ctx.rest, p.workflowId, count, { log, label: name, timeoutMs: 600000 });
	const out = await c.collectOutcomes(ctx.rest, p.ids, 'Wait For Video');
	const tally = c.sandboxTally(sb, p.mark);
	const crashed = out.executions.filter((e) => e.status === 'crashed').map((e) => e.id);
	const succeeded = out.executions.filter((e) => e.status === 'success').map((e) => e.id);
	const emails = p.all.map((x) => x.email);
	const once = c.exactlyOnce(emails, out.completed);
	check(
		`${name}: the webhook processes resumed all ${count} before any worker ran (${queued} jobs queued)`,
		queued >= count,
	);
	check(
		`${name}: each execution ended success, or crashed after a starting worker's recovery rewrote it (${crashed.length} crashed)`,
		succeeded.length + crashed.length === count && crashed.every((x) => rewritten.has(x)),
		{ crashed, rewritten: [...rewritten].filter((x) => p.ids.includes(x)) },
	);
	check(
		`${name}: the contact of each successful execution Completed once, and no crashed execution ran Wait For Video's outputs`,
		once.twice.length === 0 &&
			once.missing.length === crashed.length &&
			crashed.every((x) => out.waitRuns[x] === 0),
		{ ...once, waitRuns: out.waitRuns },
	);
	check(
		`${name}: ${count} charges, 0 duplicate charges, no video downloaded more than once per webhook process`,
		tally.charges === count &&
			tally.duplicateContacts.length === 0 &&
			Object.values(tally.downloads).every((n) => n <= webhookProcesses(ctx)),
		{ charges: tally.charges, downloads: tally.duplicateDownloads },
	);
	ctx.report[name] = {
		wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
		jobsQueuedBeforeWorkers: queued,
		rewrittenByWorkerStartupRecovery: p.ids.filter((x) => rewritten.has(x)).length,
		crashed: crashed.length,
		contactsNotDelivered: once.missing.length,
		charges: tally.charges,
		downloads: Object.keys(tally.downloads).length,
	};
	log(`${name}: ${JSON.stringify(ctx.report[name])}`);
}

module.exports = { restartWhileWaiting, restartWebhooksFirst };
