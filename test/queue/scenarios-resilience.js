'use strict';
/**
 * Queue-mode scenarios about waiting and failure: the polling loop through a Wait node and a worker killed with
 * SIGKILL mid-batch (restarts: scenarios-restart.js).
 */
const wf = require('./workflows');
const c = require('./checks');
const { deploy, batchesOf, verify } = require('./scenarios');

let seq = 0;

/** Bull's active list: jobs a worker holds right now. */
function activeJobs(ctx) {
	return Number(ctx.redis.cli(['llen', 'bull:jobs:active']) || 0);
}

/** Polling loop: Poll → Still Rendering → Wait 65 s → Poll, while no worker holds a job. */
async function pollingLoop(ctx, { batches = 5, perBatch = 10 } = {}) {
	const name = `polling loop (${batches * perBatch} contacts)`;
	const { sb, cluster, check, log } = ctx;
	const t0 = Date.now();
	// Renders outlast the first 3-second poll, and finish during the Wait.
	sb.setConcurrency(batches * perBatch);
	sb.setRender({ pendingMs: 200, processingMs: 20000 });
	const path = `queue-poll-${++seq}`;
	const id = await deploy(ctx, wf.pollingLoopWorkflow({ path, waitSeconds: 65 }));
	const { all, lists } = batchesOf(path, batches, perBatch);
	const mark = c.sandboxMark(sb);
	const jobsBefore = cluster.workerJobs();
	await c.postBatches(cluster.proxy.url, path, lists);
	const parked = await c.waitForExecutions(ctx.rest, id, batches, {
		done: (e) => e.status === 'waiting',
		log,
		label: `${name} parking`,
		timeoutMs: 300000,
	});
	const ids = parked.map((e) => e.id);
	// Every job a worker started for these executions has finished, and Bull holds no active job.
	const jobs = c.jobsByWorker(cluster, ids, jobsBefore);
	const open = Object.values(jobs).reduce((n, j) => n + j.jobs - j.finished, 0);
	const active = activeJobs(ctx);
	check(
		`${name}: during the Wait all ${batches} executions are parked in the database, no worker job open (${active} active Bull jobs)`,
		open === 0 && active === 0,
		{ jobs, active },
	);
	ctx.report[name] = {
		activeJobsWhileWaiting: active,
		parkedAfterSeconds: Math.round((Date.now() - t0) / 1000),
	};
	await c.waitForExecutions(ctx.rest, id, batches, { log, label: name, timeoutMs: 600000 });
	const r = await verify(ctx, name, {
		ids,
		contacts: all,
		waitNode: 'Poll',
		mark,
		jobsBefore,
		expectDownloads: false,
		t0,
	});
	check(
		`${name}: Poll ran twice per execution (before and after the Wait)`,
		r.m.waitNodeRunsPerExecution.length === 1 && r.m.waitNodeRunsPerExecution[0] === 2,
		r.out.waitRuns,
	);
}

/** SIGKILL one worker while a batch is being generated; report what n8n does with its job. */
async function killedWorker(ctx, { batches = 8, perBatch = 5 } = {}) {
	const name = `killed worker (${batches * perBatch} contacts)`;
	const { sb, cluster, check, log } = ctx;
	const t0 = Date.now();
	sb.setConcurrency(20);
	sb.setRender({ pendingMs: 200, processingMs: 1500 });
	// Slow generate answers keep executions on the workers long enough to kill one mid-generation.
	sb.fault({
		server: 'api',
		method: 'POST',
		path: 'regex:^/v3/templates/',
		type: 'slow',
		delayMs: 1500,
		times: batches * perBatch,
	});
	const path = `queue-kill-${++seq}`;
	// Poll mode: the generation and the waiting both run on the workers.
	const id = await deploy(ctx, wf.pollingLoopWorkflow({ path, waitSeconds: 65 }));
	const { all, lists } = batchesOf(path, batches, perBatch);
	const mark = c.sandboxMark(sb);
	const jobsBefore = cluster.workerJobs();
	await c.postBatches(cluster.proxy.url, path, lists);
	// Kill worker1 once it holds an execution of this batch that it has not finished.
	let victimIds = [];
	const before = jobsBefore.worker1 || { started: [], finished: [] };
	await sb.waitFor(
		() => {
			const j = cluster.workerJobs().worker1;
			const finished = j.finished.slice(before.finished.length);
			victimIds = j.started.slice(before.started.length).filter((x) => !finished.includes(x));
			return victimIds.length > 0 && sb.charges > mark.charges;
		},
		{ timeoutMs: 300000, intervalMs: 200 },
	);
	const chargesAtKill = sb.charges - mark.charges;
	log(
		`${name}: kill -9 worker1 while it runs execution(s) ${victimIds.join(', ')} (${chargesAtKill} videos charged so far)`,
	);
	cluster.kill9('worker1');
	const tKill = Date.now();
	const list = await c.waitForExecutions(ctx.rest, id, batches, {
		log,
		label: name,
		timeoutMs: 600000,
		done: (e) => c.FINAL.includes(e.status),
	});
	const ids = list.map((e) => e.id);
	const out = await c.collectOutcomes(ctx.rest, ids, 'Poll');
	const tally = c.sandboxTally(sb, mark);
	const jobs = c.jobsByWorker(cluster, ids, jobsBefore);
	// Lost with the worker: the executions it had started, and any whose job it had taken but not yet logged.
	const onWorker2 = new Set(jobs.worker2 ? jobs.worker2.startedIds : []);
	const victims = out.executions.filter((e) => e.status !== 'success');
	const others = out.executions.filter((e) => e.status === 'success');
	const rerunBy = victimIds.map((v) => ({
		execution: v,
		status: (victims.find((e) => e.id === v) || {}).status,
		worker2Jobs: jobs.worker2 ? jobs.worker2.startedIds.filter((x) => x === v).length : 0,
	}));
	check(
		`${name}: every execution that did not finish was one worker1 held (none worker2 ran), and the rest completed on worker2`,
		victims.every((e) => !onWorker2.has(e.id) || victimIds.includes(e.id)) &&
			others.length + victims.length === batches,
		{ victims: victims.map((e) => `${e.id} ${e.status}`), worker1HeldAtKill: victimIds },
	);
	const othersEmails = new Set(
		others.flatMap((e) =>
			(e.data.resultData.runData.Contacts?.[0]?.data?.main?.[0] || []).map((i) => i.json.email),
		),
	);
	const completedOfOthers = c.exactlyOnce([...othersEmails], out.completed);
	check(
		`${name}: every contact of the finished executions Completed exactly once`,
		othersEmails.size > 0 && completedOfOthers.ok,
		completedOfOthers,
	);
	check(
		`${name}: 0 duplicate charges (no contact rendered twice, also for the killed job)`,
		tally.duplicateContacts.length === 0,
		tally.duplicateContacts.slice(0, 5),
	);
	const once = c.exactlyOnce(
		all.map((x) => x.email),
		out.completed,
	);
	check(`${name}: no contact Completed twice`, once.twice.length === 0, once);
	ctx.report[name] = {
		wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
		secondsFromKillToLastFinal: Math.round((Date.now() - tKill) / 1000),
		victims: rerunBy,
		notFinished: victims.map((e) => ({
			execution: e.id,
			status: e.status,
			heldByKilledWorker: victimIds.includes(e.id),
		})),
		victimExecutionErrors: victims
			.map((e) => (e.data.resultData.error || {}).message)
			.filter(Boolean),
		contactsCompleted: out.completed.length,
		contactsNotCompleted: once.missing.length,
		charges: tally.charges,
		chargesAtKill,
		perWorker: Object.fromEntries(
			Object.entries(jobs).map(([k, v]) => [k, { executions: v.executions, jobs: v.jobs }]),
		),
	};
	log(`${name}: ${JSON.stringify(ctx.report[name])}`);
	// Bring the worker back for the scenarios that follow.
	await cluster.startOne(cluster.specs.find((s) => s.name === 'worker1'));
}

module.exports = { pollingLoop, killedWorker, activeJobs };
