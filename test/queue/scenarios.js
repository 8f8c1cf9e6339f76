'use strict';
/**
 * The queue-mode scenarios. Each takes the shared context { cluster, rest, sb, redis, check, log, credId, report }
 * and records its measurements in `report[name]`.
 */
const wf = require('./workflows');
const c = require('./checks');

let seq = 0;

/** Create and publish a workflow through the main process's REST API (credential id patched in). */
async function deploy(ctx, workflow) {
	for (const n of workflow.nodes)
		if (n.credentials) n.credentials.heyGenTemplatesApi.id = ctx.credId;
	const created = await ctx.rest.createWorkflow(workflow);
	await ctx.rest.publishWorkflow(created.id, { timeoutMs: 120000 });
	return created.id;
}

/** Split `total` contacts into `batches` lists. */
function batchesOf(prefix, batches, perBatch) {
	const all = wf.contacts(prefix, batches * perBatch);
	return {
		all,
		lists: Array.from({ length: batches }, (_, b) => all.slice(b * perBatch, (b + 1) * perBatch)),
	};
}

/** Checks shared by every scenario; returns the measurements. */
async function verify(
	ctx,
	name,
	{ ids, contacts, waitNode, mark, jobsBefore, expectDownloads, t0, maxDownloadsPerVideo = 1 },
) {
	const { check, sb, cluster } = ctx;
	const out = await c.collectOutcomes(ctx.rest, ids, waitNode);
	const emails = contacts.map((x) => x.email);
	const once = c.exactlyOnce(emails, out.completed);
	check(
		`${name}: all ${ids.length} executions succeeded`,
		out.executions.every((e) => e.status === 'success'),
		out.executions
			.filter((e) => e.status !== 'success')
			.map((e) => `${e.id} ${e.status}`)
			.concat(out.errors),
	);
	check(
		`${name}: every one of ${emails.length} contacts Completed exactly once (none Failed or Still Rendering)`,
		once.ok && !out.failed.length && !out.still.length,
		{ ...once, failed: out.failed.length, still: out.still.length },
	);
	if (expectDownloads) await c.downloadsSettled(sb);
	const tally = c.sandboxTally(sb, mark);
	check(
		`${name}: ${emails.length} charges, 0 duplicate charges (one video per contact)`,
		tally.charges === emails.length && tally.duplicateContacts.length === 0,
		{ charges: tally.charges, duplicates: tally.duplicateContacts.slice(0, 5) },
	);
	const downloaded = Object.keys(tally.downloads).length;
	const ownVideos = new Set(Object.values(tally.byContact).flat());
	const mostFetches = Math.max(0, ...Object.values(tally.downloads));
	// Callback mode with several webhook processes: each process resumes an execution at most once (resumeClaims),
	// but n8n claims the execution only after the node returned, so each process may download the same video once.
	check(
		expectDownloads
			? `${name}: every video downloaded, none more than ${maxDownloadsPerVideo === 1 ? 'once' : `${maxDownloadsPerVideo} times (once per webhook process)`}`
			: `${name}: nothing downloaded`,
		mostFetches <= maxDownloadsPerVideo &&
			downloaded === (expectDownloads ? emails.length : 0) &&
			Object.keys(tally.downloads).every((v) => ownVideos.has(v)),
		{ downloaded, duplicates: tally.duplicateDownloads.slice(0, 5) },
	);
	const jobs = c.jobsByWorker(cluster, ids, jobsBefore);
	const started = new Set(Object.values(jobs).flatMap((j) => j.startedIds));
	check(
		`${name}: every execution ran on the workers (their logs name all ${ids.length})`,
		ids.every((id) => started.has(id)),
		{ missing: ids.filter((id) => !started.has(id)) },
	);
	const mainLog = cluster.main.logText();
	check(
		`${name}: the main process ran no execution itself`,
		!ids.some((id) =>
			new RegExp(`(Worker started|Start executing|Execution started).*\\b${id}\\b`).test(mainLog),
		),
	);
	const m = {
		wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
		executions: ids.length,
		contacts: emails.length,
		apiCallsPerVideo: Math.round((tally.apiCalls / emails.length) * 100) / 100,
		apiByRoute: tally.apiByRoute,
		videosDownloadedTwiceOrMore: tally.duplicateDownloads.length,
		callbacks: tally.callbacks,
		callbackStatuses: tally.callbackStatuses,
		perWorker: Object.fromEntries(
			Object.entries(jobs).map(([k, v]) => [k, { executions: v.executions, jobs: v.jobs }]),
		),
		waitNodeRunsPerExecution: [...new Set(Object.values(out.waitRuns))],
	};
	ctx.report[name] = { ...ctx.report[name], ...m };
	return { out, tally, jobs, m };
}

function webhookProcesses(ctx) {
	return ctx.cluster.specs.filter((s) => s.command === 'webhook').length;
}

/** How long the webhook processes took to answer HeyGen's callbacks (ms, from the proxy's record). */
function callbackAnswerTimes(ctx, from) {
	const ms = ctx.cluster.proxy.log
		.slice(from)
		.filter((x) => x.path.startsWith('/webhook-waiting/') && x.ms !== undefined)
		.map((x) => x.ms)
		.sort((a, b) => a - b);
	const at = (q) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] : 0);
	return {
		answered: ms.length,
		p50: at(0.5),
		p90: at(0.9),
		max: ms.length ? ms[ms.length - 1] : 0,
		over10s: ms.filter((x) => x > 10000).length,
	};
}

function proxyWaitingByProcess(ctx, from) {
	const names = Object.fromEntries(
		ctx.cluster.specs.filter((s) => s.command === 'webhook').map((s) => [s.port, s.name]),
	);
	const by = {};
	for (const r of ctx.cluster.proxy.log
		.slice(from)
		.filter((x) => x.path.startsWith('/webhook-waiting/'))) {
		const k = names[r.upstream] || 'none';
		by[k] = by[k] || {};
		by[k][r.status] = (by[k][r.status] || 0) + 1;
	}
	return by;
}

/** Scenario: N contacts in callback mode, download on, split over several executions. */
async function callbackBatch(
	ctx,
	{
		name,
		batches,
		perBatch,
		download = true,
		concurrency,
		render,
		sampleWorkers = false,
		sticky = false,
	},
) {
	const { sb, cluster, check, log } = ctx;
	const t0 = Date.now();
	// Sticky: the load balancer sends all callbacks of one execution to one webhook process.
	cluster.proxy.setStickyWaiting(sticky);
	sb.setConcurrency(concurrency);
	sb.setRender(render);
	const path = `queue-cb-${++seq}`;
	const id = await deploy(ctx, wf.callbackWorkflow({ id: undefined, path, download }));
	const { all, lists } = batchesOf(path, batches, perBatch);
	const mark = c.sandboxMark(sb);
	const jobsBefore = cluster.workerJobs();
	const proxyFrom = cluster.proxy.log.length;
	const hooks = cluster.specs.filter((x) => x.command === 'webhook').map((x) => x.name);
	const cpuBefore = hooks.reduce((n, h) => n + cluster.cpuSeconds(h), 0);
	const peak = {};
	const sampler = sampleWorkers
		? setInterval(() => {
				for (const s of cluster.specs.filter((x) => x.command === 'worker'))
					peak[s.name] = Math.max(peak[s.name] || 0, cluster.memory(s.name).rssKb);
			}, 500)
		: null;
	try {
		await c.postBatches(cluster.proxy.url, path, lists);
		const list = await c.waitForExecutions(ctx.rest, id, batches, {
			log,
			label: name,
			timeoutMs: 900000,
		});
		const ids = list.map((e) => e.id);
		const r = await verify(ctx, name, {
			ids,
			contacts: all,
			waitNode: 'Wait For Video',
			mark,
			jobsBefore,
			expectDownloads: download,
			t0,
			maxDownloadsPerVideo: sticky ? 1 : webhookProcesses(ctx),
		});
		check(
			`${name}: each execution parked and resumed once (Wait For Video has one run)`,
			r.m.waitNodeRunsPerExecution.length === 1 && r.m.waitNodeRunsPerExecution[0] === 1,
			r.out.waitRuns,
		);
		const resumedTwice = ids.filter(
			(x) =>
				(r.jobs &&
					Object.values(r.jobs)
						.flatMap((j) => j.startedIds)
						.filter((y) => y === x).length) < 2,
		);
		check(
			`${name}: every execution was started on a worker, then resumed on a worker (≥ 2 jobs each)`,
			resumedTwice.length === 0,
			resumedTwice,
		);
		const byProc = proxyWaitingByProcess(ctx, proxyFrom);
		ctx.report[name].callbacksByWebhookProcess = byProc;
		ctx.report[name].callbackAnswerMs = callbackAnswerTimes(ctx, proxyFrom);
		const cpu = hooks.reduce((n, h) => n + cluster.cpuSeconds(h), 0) - cpuBefore;
		const calls = cluster.proxy.log
			.slice(proxyFrom)
			.filter((x) => x.path.startsWith('/webhook-waiting/'));
		ctx.report[name].webhookProcessesCpuSeconds = Math.round(cpu * 10) / 10;
		ctx.report[name].webhookCpuMsPerCallback = Math.round((cpu * 1000) / Math.max(1, calls.length));
		check(
			`${name}: HeyGen's callbacks were answered by both webhook processes`,
			Object.keys(byProc).filter((k) => k !== 'none').length === 2,
			byProc,
		);
		if (sampleWorkers)
			ctx.report[name].workerPeakRssMiB = Object.fromEntries(
				Object.entries(peak).map(([k, v]) => [k, Math.round(v / 1024)]),
			);
		return { ...r, ids, byProc };
	} finally {
		if (sampler) clearInterval(sampler);
		cluster.proxy.setStickyWaiting(false);
	}
}

module.exports = {
	deploy,
	batchesOf,
	verify,
	callbackBatch,
	proxyWaitingByProcess,
	callbackAnswerTimes,
	webhookProcesses,
};
