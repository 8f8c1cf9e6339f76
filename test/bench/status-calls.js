/**
 * Comparisons 1 and 2: status API calls per finished video, and worker time held, for one batch of 50 videos
 * with a spread of render times (2 to 10 minutes, time scaled down 20x), followed four ways, side by side,
 * each against its own sandbox finishing the same videos at the same moments:
 *   (a) the seed's method: one status read per video every 5 s, inside the node (worker held throughout);
 *   (b) the usual hand-built n8n loop: Wait 60 s (n8n sleeps waits under 65 s in-process: worker held) + one
 *       HTTP status request per unfinished video, round again;
 *   (c) Wait For Video, Poll mode (Max Time in Node 55 s) → Still Rendering → n8n's Wait node (2 min: parks the
 *       execution, frees the worker) → back into Wait For Video;
 *   (d) Wait For Video, callback mode: the execution parks; HeyGen's callbacks (delivered by the sandbox over
 *       HTTP) go through the node's webhook() as n8n's waiting-webhook handler runs it.
 * (a) and (b) are written out as the loops they are (the HTTP Request node is not part of n8n-core); (c) and (d)
 * run the package's node inside n8n-core's engine. Worker time: (a)/(b) the whole batch; (c)/(d) the time spent
 * inside the node's execute() and webhook().
 *
 *   node test/bench/status-calls.js [--videos 50] [--runs 1] [--out FILE]
 */
const http = require('node:http');
require('./lib/load-ts');
const { startSandbox } = require('../../tools/heygen-sandbox');
const { generateV3, birthdayBody } = require('../../tools/heygen-sandbox/helpers');
const { harnessFor } = require('../support/sandbox-engine');
const c = require('./lib/common');

/** Real seconds per benchmark second. */
const SCALE = 20;
const REAL = {
	seedEveryS: 5,
	handBuiltWaitS: 60,
	maxTimeInNodeS: 55,
	pollFirstS: 2,
	pollLongestS: 15,
	loopWaitS: 120,
};
const scaled = (seconds) => seconds / SCALE;

/** Render minutes of video i: a fixed, skewed spread from 2 to 10 minutes (most short, a long tail). */
function renderMinutes(i, count) {
	const q = ((i * 37) % count) / Math.max(1, count - 1);
	return 2 + 8 * Math.pow(q, 1.6);
}

async function batch(count, { callbackUrl } = {}) {
	const sb = await startSandbox({
		render: { pendingMs: 0, processingMs: 3_600_000 },
		concurrency: count,
		logLimit: 1e7,
	});
	const h = harnessFor(sb);
	const ids = [];
	for (let i = 0; i < count; i++) {
		ids.push(
			await generateV3(
				sb,
				'tpl_birthday',
				birthdayBody(callbackUrl ? { callback_url: callbackUrl } : {}),
			),
		);
	}
	return { sb, h, ids };
}

/** Completes video i after its (scaled) render time, counted from `start`. */
function finishOnSchedule(sb, ids) {
	const timers = ids.map((id, i) =>
		setTimeout(() => sb.complete(id), scaled(renderMinutes(i, ids.length) * 60) * 1000),
	);
	return () => timers.forEach(clearTimeout);
}

const getJson = async (sb, path) =>
	(await fetch(sb.url + path, { headers: { 'x-api-key': sb.apiKey } })).json();

/**
 * (a) and (b): every video followed on its own: wait `everyS` (scaled), read its status, until it is final (one
 * loop per video, so a slow answer for one video does not delay the others' reads).
 */
async function plainLoop(count, everyS) {
	const { sb, ids } = await batch(count);
	const stop = finishOnSchedule(sb, ids);
	const started = performance.now();
	await Promise.all(
		ids.map(async (id) => {
			for (;;) {
				await c.sleep(scaled(everyS) * 1000);
				const body = await getJson(sb, `/v3/videos/${id}`);
				if (body.data.status === 'completed' || body.data.status === 'failed') return;
			}
		}),
	);
	const heldMs = performance.now() - started;
	stop();
	const expected = ids.reduce(
		(n, _, i) => n + Math.ceil((renderMinutes(i, count) * 60) / everyS),
		0,
	);
	const result = { calls: c.statusCalls(sb), expectedCalls: expected, completed: count, heldMs };
	await sb.close();
	return result;
}

/** (c): Wait For Video (Poll) ⇄ Wait node, resumed when the Wait node's time is up. */
async function pollLoop(count) {
	const { sb, h, ids } = await batch(count);
	const clock = c.clockNode(h, c.WAIT_TYPE);
	const stop = finishOnSchedule(sb, ids);
	const workflow = {
		nodes: [
			c.TRIGGER,
			c.waitNode({
				waitMode: 'poll',
				maxTimeInNode: scaled(REAL.maxTimeInNodeS),
				options: {
					initialInterval: scaled(REAL.pollFirstS),
					maxInterval: scaled(REAL.pollLongestS),
				},
			}),
			{ name: 'Completed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
			{
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				parameters: { amount: scaled(REAL.loopWaitS), unit: 'seconds' },
			},
		],
		connections: {
			Trigger: { main: [[c.link('Wait For Video')]] },
			'Wait For Video': { main: [[c.link('Completed')], [c.link('Failed')], [c.link('Wait')]] },
			Wait: { main: [[c.link('Wait For Video')]] },
		},
	};
	let r = await h.run(workflow, { items: ids.map((video_id) => ({ json: { video_id } })) });
	while (r.status === 'waiting') {
		await c.sleep(Math.max(0, new Date(r.waitTill).getTime() - Date.now()));
		r = await h.resumeAfterTime(r);
	}
	stop();
	const completed = r
		.runs('Completed')
		.reduce((n, run) => n + (run.data?.main?.[0]?.length ?? 0), 0);
	const result = {
		calls: c.statusCalls(sb),
		completed,
		heldMs: clock.totalMs(),
		rounds: clock.executeMs.length,
		longestRoundMs: Math.max(...clock.executeMs),
	};
	await sb.close();
	return result;
}

/** (d): callback mode; a receiver hands each sandbox delivery to the parked execution's resume URL. */
async function callbackMode(count) {
	let waiting;
	let finished;
	const done = new Promise((resolve) => (finished = resolve));
	let harness;
	const receiver = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			try {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				const { webhookResponse, result } = await harness.resumeWithWebhook(waiting, {
					body,
					headers: req.headers,
				});
				res
					.writeHead(webhookResponse.statusCode ?? 200, { 'content-type': 'application/json' })
					.end('{}');
				if (result) finished(result);
			} catch (error) {
				res.writeHead(500).end(String(error));
			}
		});
	});
	await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const { sb, h, ids } = await batch(count, {
		callbackUrl: `http://127.0.0.1:${receiver.address().port}/`,
	});
	harness = h;
	const clock = c.clockNode(h, c.WAIT_TYPE);
	const workflow = {
		nodes: [
			c.TRIGGER,
			c.waitNode({ waitMode: 'callback', maxWaitMinutes: 60 }),
			{ name: 'Completed', type: 'n8n-nodes-base.noOp' },
		],
		connections: {
			Trigger: { main: [[c.link('Wait For Video')]] },
			'Wait For Video': { main: [[c.link('Completed')]] },
		},
	};
	waiting = await h.run(workflow, { items: ids.map((video_id) => ({ json: { video_id } })) });
	if (waiting.status !== 'waiting')
		throw new Error(`callback mode did not park: ${waiting.status}`);
	const parkCalls = c.statusCalls(sb);
	const stop = finishOnSchedule(sb, ids);
	// Bounded: if every delivery of the last callback is refused, the execution would wait for its Max Wait.
	const lastS = scaled(Math.max(...ids.map((_, i) => renderMinutes(i, count) * 60)));
	const giveUp = new Promise((resolve) => setTimeout(resolve, (lastS + 60) * 1000).unref());
	const r = await Promise.race([done, giveUp]);
	stop();
	const kinds = c.statusCallKinds(sb);
	const result = {
		calls: c.statusCalls(sb),
		bulkCalls: kinds.bulk,
		detailCalls: kinds.perVideo,
		readsAtPark: parkCalls,
		resumed: r !== undefined,
		completed: r ? r.items('Completed').length : 0,
		heldMs: clock.totalMs(),
		callbacks: clock.webhookMs.length,
		longestCallbackMs: Math.max(...clock.webhookMs),
	};
	receiver.closeAllConnections?.();
	receiver.close();
	await sb.close();
	return result;
}

c.main(async () => {
	const count = c.arg('videos', c.QUICK ? 20 : 50);
	const runs = c.arg('runs', 1);
	const all = { a: [], b: [], c: [], d: [] };
	for (let run = 0; run < runs; run++) {
		const [a, b, poll, cb] = await Promise.all([
			plainLoop(count, REAL.seedEveryS),
			plainLoop(count, REAL.handBuiltWaitS),
			pollLoop(count),
			callbackMode(count),
		]);
		all.a.push(a);
		all.b.push(b);
		all.c.push(poll);
		all.d.push(cb);
	}
	const med = (key, field) => c.median(all[key].map((r) => r[field]));
	const perVideo = (key) => med(key, 'calls') / count;
	// Real-time equivalent of worker time: waits inside the node scale with SCALE; (d) holds no wait at all.
	const heldRealPerVideo = (key) => (med(key, 'heldMs') / 1000 / count) * (key === 'd' ? 1 : SCALE);
	const longestRenderS = Math.max(
		...Array.from({ length: count }, (_, i) => renderMinutes(i, count) * 60),
	);
	const ratioAC = perVideo('a') / perVideo('c');
	const pollBoundMs = scaled(REAL.maxTimeInNodeS) * 1000 + 500;
	const labels = {
		a: '(a) seed: status every 5 s',
		b: '(b) hand-built: Wait 60 s + HTTP',
		c: '(c) Poll mode ⇄ Wait node',
		d: '(d) callback mode',
	};
	const rows = [];
	for (const key of ['a', 'b', 'c', 'd']) {
		const row = {
			id: `1${key}`,
			measure: `Status calls per finished video, ${labels[key]}`,
			value: c.round(perVideo(key)),
			unit: 'calls',
		};
		if (key === 'a' || key === 'b')
			row.beside = `the method's own count from the render times: ${c.round(med(key, 'expectedCalls') / count)} (slow answers on a busy machine stretch the interval)`;
		if (key === 'c')
			Object.assign(row, {
				beside: `${c.round(ratioAC, 1)}× fewer than (a)`,
				target: '≥ 20× fewer than (a)',
				met: ratioAC >= 20,
			});
		if (key === 'd') {
			const met = perVideo('d') <= 1.1;
			const [detail, bulk, atPark, callbacks] = [
				'detailCalls',
				'bulkCalls',
				'readsAtPark',
				'callbacks',
			].map((f) => med('d', f));
			Object.assign(row, {
				beside: `${detail} per-video reads + ${bulk} bulk status calls for ${callbacks} callbacks (${atPark} reads while parking)`,
				target: '≤ 1.1',
				met,
				note: met
					? undefined
					: `${c.round(detail / count, 2)} per-video reads and ${c.round(bulk / count, 2)} bulk calls per video (${callbacks} callbacks for ${count} videos): in the process that parked the execution a callback reads the other videos when a quarter of those left have not called back and at the end, and at every callback once a read found a callback missing (callbacks in flight during a read count as missing)`,
			});
		}
		rows.push(row);
	}
	for (const key of ['a', 'b', 'c', 'd']) {
		const row = {
			id: `2${key}`,
			measure: `Worker time held per video, ${labels[key]}`,
			value: c.round(heldRealPerVideo(key), 3),
			unit: 's (real-time equivalent)',
			beside: `${c.round(med(key, 'heldMs') / 1000, 2)} s measured for the batch at 1/${SCALE} time`,
		};
		if (key === 'c') {
			const longest = med('c', 'longestRoundMs');
			Object.assign(row, {
				beside: `${row.beside}; longest round ${c.round(longest / 1000, 2)} s = ${c.round((longest / 1000) * SCALE, 1)} s real for Max Time in Node ${REAL.maxTimeInNodeS} s; ${med('c', 'rounds')} rounds`,
				target:
					'each round ≤ Max Time in Node (+0.5 s measured for the last answers and the engine: work, not waiting)',
				met: longest <= pollBoundMs,
			});
		}
		if (key === 'd') {
			Object.assign(row, {
				beside: `${row.beside}; ${med('d', 'callbacks')} callbacks, longest ${c.round(med('d', 'longestCallbackMs'), 0)} ms`,
				target: '≤ 1 s per video, whatever the render time',
				met: heldRealPerVideo('d') <= 1,
			});
		}
		rows.push(row);
	}
	const failed = Object.entries(all).filter(
		([key, list]) => key !== 'd' && list.some((r) => r.completed !== count),
	);
	if (failed.length)
		throw new Error(`not every video completed in: ${failed.map(([k]) => k).join(', ')}`);
	const dRow = rows.find((r) => r.id === '2d');
	if (all.d.some((r) => !r.resumed))
		dRow.beside += '; the execution did NOT resume: every delivery of a callback was answered 503';
	c.emit({
		section: '1–2',
		title: `Status calls and worker time: ${count} videos rendering 2–10 min (longest ${Math.round(longestRenderS / 60)} min), time scaled 1/${SCALE}`,
		rows,
		details: { scale: SCALE, real_settings_s: REAL, runs, count, results: all },
	});
});
