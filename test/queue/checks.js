'use strict';
/**
 * What every queue-mode scenario checks and measures: each contact Completed exactly once, one charge per
 * contact, one download per video, and who did what (workers' logs, the proxy's record of the webhook processes).
 */
const { nodeOutput } = require('../../scripts/lib/n8n-rest');

const FINAL = ['success', 'error', 'crashed', 'canceled'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start one execution per batch through the production webhook behind the proxy. */
async function postBatches(proxyUrl, path, batches) {
	for (const contacts of batches) {
		const r = await fetch(`${proxyUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ contacts }),
		});
		if (r.status !== 200)
			throw new Error(`webhook ${path} → HTTP ${r.status}: ${(await r.text()).slice(0, 300)}`);
	}
}

/** Poll the execution list until `count` executions of the workflow satisfy `done` (default: final). */
async function waitForExecutions(
	rest,
	workflowId,
	count,
	{ done = (e) => FINAL.includes(e.status), timeoutMs = 600000, log = () => {}, label = '' } = {},
) {
	const t0 = Date.now();
	let lastNote = 0;
	for (;;) {
		const list = await rest.listExecutions({ workflowId, limit: 100 });
		const ok = list.filter(done);
		if (list.length >= count && ok.length >= count) return list;
		if (Date.now() - t0 > timeoutMs) {
			const by = {};
			for (const e of list) by[e.status] = (by[e.status] || 0) + 1;
			throw new Error(
				`${label}: ${ok.length}/${count} executions ready after ${timeoutMs} ms (${JSON.stringify(by)})`,
			);
		}
		if (Date.now() - lastNote > 15000) {
			const by = {};
			for (const e of list) by[e.status] = (by[e.status] || 0) + 1;
			log(`${label}: ${ok.length}/${count} ready ${JSON.stringify(by)}`);
			lastNote = Date.now();
		}
		await sleep(1000);
	}
}

/**
 * Read every execution and collect the contacts on each output of the waiting node.
 * Returns { executions, completed: email[], failed, still, waitRuns: {execId: runs}, errors }.
 */
async function collectOutcomes(rest, executionIds, waitNode) {
	const out = { executions: [], completed: [], failed: [], still: [], waitRuns: {}, errors: [] };
	for (const id of executionIds) {
		let e = await rest.getExecution(id);
		// A just-finished execution can be read before its last nodes' data lands: read again briefly.
		for (let k = 0; e.status === 'success' && !e.data.resultData.runData.Completed && k < 10; k++) {
			await sleep(500);
			e = await rest.getExecution(id);
		}
		out.executions.push(e);
		const rd = e.data.resultData;
		if (rd.error) out.errors.push(`${id}: ${rd.lastNodeExecuted}: ${rd.error.message}`);
		const runs = rd.runData[waitNode] || [];
		out.waitRuns[id] = runs.length;
		for (let r = 0; r < runs.length; r++) {
			const emails = (k) =>
				(nodeOutput(e, waitNode, { run: r, output: k }) || []).map((i) => i.json);
			out.completed.push(...emails(0));
			out.failed.push(...emails(1));
			// Still Rendering is a loop's normal way back to the Wait: only the last run's count stays unfinished.
			if (r === runs.length - 1) out.still.push(...emails(2));
		}
	}
	return out;
}

/** One video, one charge, one download per contact (from the sandbox's own records since `mark`). */
function sandboxTally(sb, mark) {
	const videos = [...sb.videos.values()].slice(mark.videos);
	const byContact = {};
	for (const v of videos) (byContact[v.callbackId] = byContact[v.callbackId] || []).push(v.id);
	const requests = sb.requests.slice(mark.requests);
	const api = requests.filter((q) => q.server === 'api');
	// Only this scenario's videos: a webhook process may still be finishing an earlier scenario's callback.
	const own = new Set(videos.map((v) => v.id));
	const downloads = {};
	for (const q of requests.filter((x) => x.server === 'cdn' && x.method === 'GET')) {
		const m = q.path.match(/^\/videos\/([^/]+)\//);
		if (m && own.has(m[1])) downloads[m[1]] = (downloads[m[1]] || 0) + 1;
	}
	const callbacks = sb.callbacks.slice(mark.callbacks).filter((c) => c.kind === 'callback_url');
	return {
		charges: sb.charges - mark.charges,
		videos: videos.length,
		byContact,
		duplicateContacts: Object.entries(byContact).filter(([, ids]) => ids.length > 1),
		apiCalls: api.length,
		apiByRoute: api.reduce((m, q) => {
			const k = `${q.method} ${q.path
				.split('?')[0]
				.replace(/\/[A-Za-z0-9_-]{12,}(?=\/|$)/g, '/{id}')
				.replace(/tpl_[a-z_]+/, '{template}')}`;
			m[k] = (m[k] || 0) + 1;
			return m;
		}, {}),
		downloads,
		duplicateDownloads: Object.entries(downloads).filter(([, n]) => n > 1),
		callbacks: callbacks.length,
		callbackStatuses: callbacks.reduce(
			(m, c) => ((m[c.status || c.error] = (m[c.status || c.error] || 0) + 1), m),
			{},
		),
	};
}

/**
 * Wait until the sandbox's file server has served nothing for `quietMs` (at most `timeoutMs`): callbacks HeyGen
 * gave up on can still be running in a webhook process and downloading after the executions have finished.
 */
async function downloadsSettled(sb, { quietMs = 15000, timeoutMs = 180000 } = {}) {
	const cdn = () => sb.requests.filter((q) => q.server === 'cdn').length;
	const until = Date.now() + timeoutMs;
	let last = cdn();
	let since = Date.now();
	while (Date.now() - since < quietMs && Date.now() < until) {
		await sleep(1000);
		const now = cdn();
		if (now !== last) [last, since] = [now, Date.now()];
	}
}

function sandboxMark(sb) {
	return {
		videos: sb.videos.size,
		requests: sb.requests.length,
		callbacks: sb.callbacks.length,
		charges: sb.charges,
	};
}

/** Each expected e-mail exactly once among `completed` items. */
function exactlyOnce(expectedEmails, completedItems) {
	const seen = {};
	for (const i of completedItems) seen[i.email] = (seen[i.email] || 0) + 1;
	const missing = expectedEmails.filter((m) => !seen[m]);
	const twice = Object.entries(seen)
		.filter(([, n]) => n > 1)
		.map(([m]) => m);
	const foreign = Object.keys(seen).filter((m) => !expectedEmails.includes(m));
	return { ok: !missing.length && !twice.length && !foreign.length, missing, twice, foreign };
}

/** Executions per worker (distinct ids started) and job runs, restricted to `ids`. */
function jobsByWorker(cluster, ids, before = {}) {
	const jobs = cluster.workerJobs();
	const out = {};
	for (const [name, j] of Object.entries(jobs)) {
		const skip = before[name] || { started: [], finished: [] };
		const started = j.started.slice(skip.started.length).filter((x) => ids.includes(x));
		const finished = j.finished.slice(skip.finished.length).filter((x) => ids.includes(x));
		out[name] = {
			jobs: started.length,
			finished: finished.length,
			executions: new Set(started).size,
			startedIds: started,
		};
	}
	return out;
}

module.exports = {
	FINAL,
	sleep,
	postBatches,
	waitForExecutions,
	collectOutcomes,
	sandboxTally,
	sandboxMark,
	downloadsSettled,
	exactlyOnce,
	jobsByWorker,
};
