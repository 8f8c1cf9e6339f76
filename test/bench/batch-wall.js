/**
 * Comparison 3: batch wall time against the physical limit. 100 contacts go through Generate From Template and
 * Wait For Video (Poll mode) in one execution; the sandbox renders at most C videos at once, each for T, and
 * answers generate calls over its rate limit with 429 + Retry-After. No approach can beat ceil(100 / C) × T.
 * Beside it: the sequential approach (generate one contact, wait for its video, then the next), measured on
 * a tenth of the contacts and multiplied by ten.
 *
 *   node test/bench/batch-wall.js [--contacts 100] [--c 10] [--t-ms 1500] [--rate 20] [--runs 3] [--out FILE]
 */
require('./lib/load-ts');
const { startSandbox } = require('../../tools/heygen-sandbox');
const { harnessFor } = require('../support/sandbox-engine');
const c = require('./lib/common');

function workflow() {
	return {
		nodes: [
			c.TRIGGER,
			c.generateNode({}),
			c.waitNode({
				waitMode: 'poll',
				maxTimeInNode: 55,
				options: { initialInterval: 0.1, maxInterval: 0.2 },
			}),
			{ name: 'Completed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Still Rendering', type: 'n8n-nodes-base.noOp' },
		],
		connections: {
			Trigger: { main: [[c.link('Generate')]] },
			Generate: { main: [[c.link('Wait For Video')]] },
			'Wait For Video': {
				main: [[c.link('Completed')], [c.link('Failed')], [c.link('Still Rendering')]],
			},
		},
	};
}

async function sandbox({ concurrency, renderMs, rate }) {
	const sb = await startSandbox({
		render: { pendingMs: 0, processingMs: renderMs },
		concurrency,
		generateRateLimit: { limit: rate, windowMs: 1000 },
		quota: 1e9,
		logLimit: 1e7,
	});
	const h = harnessFor(sb);
	return { sb, h };
}

/** A warmed-up sandbox and engine (the first run also loads and compiles the nodes: not part of any batch). */
async function warmed(settings) {
	const env = await sandbox(settings);
	await env.h.run(workflow(), { items: c.contacts(1) });
	env.sb.reset();
	return env;
}

/** One execution for the whole batch. */
async function batchRun({ sb, h }, count) {
	sb.reset();
	const started = performance.now();
	const r = await h.run(workflow(), { items: c.contacts(count) });
	const wallMs = performance.now() - started;
	return {
		wallMs,
		status: r.status,
		completed: r.items('Completed').length,
		failed: r.items('Failed').length + r.items('Still Rendering').length,
		charges: sb.charges,
		videos: sb.videos.size,
		generate429: sb.requests.filter((q) => q.fault === 'generate_rate_limit').length,
	};
}

/** One execution per contact: generate, wait for the video, then the next contact. */
async function sequentialRun({ sb, h }, count) {
	sb.reset();
	const started = performance.now();
	let completed = 0;
	for (const contact of c.contacts(count)) {
		const r = await h.run(workflow(), { items: [contact] });
		completed += r.items('Completed').length;
	}
	const wallMs = performance.now() - started;
	return { wallMs, completed, charges: sb.charges };
}

c.main(async () => {
	const count = c.arg('contacts', 100);
	const settings = {
		concurrency: c.arg('c', 10),
		renderMs: c.arg('t-ms', c.QUICK ? 500 : 1500),
		rate: c.arg('rate', 20),
	};
	const runs = c.arg('runs', c.QUICK ? 1 : 3);
	const limitMs = Math.ceil(count / settings.concurrency) * settings.renderMs;
	const env = await warmed(settings);
	const batches = [];
	for (let i = 0; i < runs; i++) batches.push(await batchRun(env, count));
	const sample = Math.max(1, Math.round(count / 10));
	const sequential = await sequentialRun(env, sample);
	await env.sb.close();
	const projectedSequentialMs = (sequential.wallMs / sample) * count;

	const wall = c.median(batches.map((b) => b.wallMs));
	const ratio = wall / limitMs;
	const failedItems = Math.max(...batches.map((b) => count - b.completed));
	const duplicates = Math.max(...batches.map((b) => b.charges - count));
	const rows = [
		{
			id: '3',
			measure: `Batch wall time, ${count} contacts, C = ${settings.concurrency}, T = ${settings.renderMs / 1000} s, generate rate limit ${settings.rate}/s (429 + Retry-After)`,
			value: c.round(ratio, 3),
			unit: '× the limit',
			beside: `${c.round(wall / 1000, 2)} s vs ceil(${count}/${settings.concurrency}) × T = ${limitMs / 1000} s; ${failedItems} failed items; ${duplicates} duplicate charges; ${c.median(batches.map((b) => b.generate429))} generate 429s per run`,
			target: '≤ 1.05×, 0 failed, 0 duplicate charges',
			met: ratio <= 1.05 && failedItems === 0 && duplicates === 0,
		},
		{
			id: '3s',
			measure: 'Sequential generate-then-wait, same sandbox',
			value: c.round(projectedSequentialMs / limitMs, 2),
			unit: '× the limit',
			beside: `${c.round(projectedSequentialMs / 1000, 1)} s for ${count} (measured ${c.round(sequential.wallMs / 1000, 1)} s for ${sample}, × ${count / sample}); ${count} × T = ${(count * settings.renderMs) / 1000} s`,
		},
	];
	if (sequential.completed !== sample)
		throw new Error(`sequential: ${sequential.completed} of ${sample} completed`);
	c.emit({
		section: '3',
		title: 'Batch wall time against the physical limit',
		rows,
		details: { settings, count, limitMs, runs: batches, sequential },
	});
});
