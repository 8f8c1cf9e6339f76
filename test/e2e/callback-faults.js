'use strict';
/**
 * e2e steps: HeyGen's callbacks under stress in a real `n8n start`: three callbacks racing to resume one
 * execution, a download slower than HeyGen waits for its answer, and a media host that fails for good after
 * HeyGen got its 200. Used by run-e2e.js (`ctx` as in example-runs.js).
 */
const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const ex = require('../../scripts/lib/examples');
const { cbLine, FINAL } = require('./example-runs');

/**
 * All three videos finish together: their callbacks race. n8n lets exactly one of them resume the execution
 * ("already being resumed" / "has finished already" for the others, which HeyGen retries and then drops).
 */
async function racingCallbacks({ rest, sb, videoBytes, check, log }) {
	sb.setConcurrency(3);
	const charges3 = sb.charges;
	const cbs3 = sb.callbacks.length;
	const race = await ex.runPersonalizedVideos(rest, { log });
	const raceRows = ex.resultRows(race.execution);
	check(
		'racing callbacks: execution succeeded with 3 completed rows',
		race.execution.status === 'success' &&
			raceRows.length === 3 &&
			raceRows.every((r) => r.status === 'completed' && r.file_bytes === videoBytes),
		ex.executionError(race.execution) || raceRows,
	);
	const raceCbs = sb.callbacks.slice(cbs3).filter((c) => c.kind === 'callback_url');
	check(
		'racing callbacks: exactly one callback resumed the execution (200), one charge per contact',
		raceCbs.filter((c) => c.status === 200 && !/"resumed":false/.test(c.responseBody || ''))
			.length === 1 &&
			(race.execution.data.resultData.runData[ex.WAIT_NODE] || []).length === 1 &&
			sb.charges - charges3 === 3,
		{ callbacks: raceCbs.map(cbLine), charges: sb.charges - charges3 },
	);
	log(`racing callbacks: ${raceCbs.map((c) => c.status || c.error).join(', ')}`);
}

/** One run of the callback-download workflow, `faultFor(videoId)` set at the sandbox once the render exists. */
async function callbackRun({ rest, sb, ids }, faultFor) {
	const known = new Set(sb.videos.keys());
	const id = await rest.runWorkflow(ids.cbDownload, ex.MANUAL_TRIGGER);
	const videoId = await sb.waitFor(() => [...sb.videos.keys()].find((k) => !known.has(k)), {
		timeoutMs: 60000,
	});
	sb.fault(faultFor(videoId));
	const execution = await rest.waitForExecution(id, {
		timeoutMs: 120000,
		until: (e) => FINAL.includes(e.status),
	});
	return {
		videoId,
		execution,
		callbacks: () => sb.callbacks.filter((c) => c.kind === 'callback_url' && c.videoId === videoId),
	};
}

/**
 * Callback mode, the download slower than HeyGen waits for an answer (~10 s; the sandbox gives up after 10 s and
 * delivers again): the node answers the callback before it downloads.
 */
async function slowDownload(ctx) {
	const { sb, videoBytes, check, log } = ctx;
	const t = Date.now();
	const slow = await callbackRun(ctx, (videoId) => ({
		server: 'cdn',
		path: `/videos/${videoId}/*`,
		type: 'slow',
		delayMs: 12000,
		times: 1,
	}));
	log(`callback + slow download: ${slow.execution.status} in ${Date.now() - t} ms`);
	const slowCdn = sb.requests.filter(
		(q) => q.server === 'cdn' && q.path.startsWith(`/videos/${slow.videoId}/`),
	);
	const slowCbs = slow.callbacks();
	check(
		"slow download: HeyGen's callback delivered once and answered 200 (before the 12 s download)",
		slowCbs.length === 1 &&
			slowCbs[0].status === 200 &&
			/"resumed":true/.test(slowCbs[0].responseBody || '') &&
			slowCdn.length === 1 &&
			slowCdn[0].fault,
		{
			callbacks: slowCbs.map(cbLine),
			cdn: slowCdn.map((q) => `${q.path} ${q.status} ${q.fault || ''}`),
		},
	);
	const slowItems = nodeOutput(slow.execution, ex.WAIT_NODE, { output: 0 }) || [];
	const slowBin = slowItems[0] && slowItems[0].binary && slowItems[0].binary.data;
	check(
		'slow download: the execution still finishes with the downloaded file',
		slow.execution.status === 'success' &&
			slowItems.length === 1 &&
			slowBin &&
			slowBin.bytes === videoBytes &&
			(slow.execution.data.resultData.runData['Video ready'] || []).length === 1,
		ex.executionError(slow.execution) || slowBin,
	);
	if (slowCbs[0] && slowCdn[0])
		log(
			`  callback sent at 0 ms, answered 200 (sandbox timeout 10 s); CDN download requested at +${slowCdn[0].time - slowCbs[0].time} ms, 12 s slow`,
		);
}

/**
 * The media host fails for good after HeyGen got its 200, without continue-on-fail. HeyGen will not deliver
 * again, and a webhook() that throws would make n8n resume with an empty item on Completed (the resumed node is
 * disabled) after wiping the earlier nodes' data; so the item leaves on Failed with the error instead.
 */
async function failingDownload(ctx) {
	const { i, check, log } = ctx;
	const t = Date.now();
	const broken = await callbackRun(ctx, (videoId) => ({
		server: 'cdn',
		path: `/videos/${videoId}/*`,
		type: 'server_error',
		status: 500,
		times: Infinity,
	}));
	log(`callback + failing download: ${broken.execution.status} in ${Date.now() - t} ms`);
	const brokenCbs = broken.callbacks();
	const rd = broken.execution.data.resultData;
	check(
		"failing download: HeyGen's callback answered 200 once",
		brokenCbs.length === 1 && brokenCbs[0].status === 200,
		brokenCbs.map(cbLine),
	);
	const brokenFailed = nodeOutput(broken.execution, ex.WAIT_NODE, { output: 1 }) || [];
	check(
		"failing download: the item leaves on Failed with the media host's error naming the video; nothing on Completed",
		brokenFailed.length === 1 &&
			brokenFailed[0].json.video_id === broken.videoId &&
			brokenFailed[0].json.status === 'error' &&
			String(brokenFailed[0].json.error && brokenFailed[0].json.error.message).includes(
				`HTTP 500 for the video file of ${broken.videoId}`,
			) &&
			(nodeOutput(broken.execution, ex.WAIT_NODE, { output: 0 }) || []).length === 0,
		brokenFailed.map((x) => x.json),
	);
	check(
		'failing download: the Failed branch ran, the Completed branch did not, earlier nodes kept their data',
		broken.execution.status === 'success' &&
			(rd.runData['Render failed'] || []).length === 1 &&
			!rd.runData['Video ready'] &&
			(rd.runData['HeyGen: Generate From Template'] || []).length === 1,
		{
			status: broken.execution.status,
			error: ex.executionError(broken.execution),
			ran: Object.keys(rd.runData),
		},
	);
	const health = await fetch(`${i.url}/healthz`).then(
		(r) => r.status,
		(e) => e.message,
	);
	check('failing download: n8n keeps serving (healthz 200 afterwards)', health === 200, health);
}

module.exports = { racingCallbacks, slowDownload, failingDownload };
