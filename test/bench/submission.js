/**
 * Comparison 7: submission time at real-world latency. The sandbox answers every generate call after 300 ms
 * (HeyGen's API is not instant). 1,000 contacts go through Generate From Template with the default number of
 * requests in flight; 100 contacts with 1, 2, 4 and 8 in flight show how the time scales (×10 for 1,000).
 *
 *   node test/bench/submission.js [--contacts 1000] [--sample 100] [--latency-ms 300] [--out FILE]
 */
require('./lib/load-ts');
const { harnessFor } = require('../support/sandbox-engine');
const c = require('./lib/common');
const { instantSandboxProcess } = require('./lib/sandbox-process');
const { DEFAULT_IN_FLIGHT } = require('../../nodes/HeyGenGenerateFromTemplate/execute');

async function submit(h, count, options) {
	const workflow = {
		nodes: [c.TRIGGER, c.generateNode(options)],
		connections: { Trigger: { main: [[c.link('Generate')]] } },
	};
	const started = performance.now();
	const r = await h.run(workflow, { items: c.contacts(count) });
	const ms = performance.now() - started;
	const out = r.items('Generate');
	const ordered = out.every(
		(item, i) => item.json.name === `Contact ${i}` && item.pairedItem?.item === i,
	);
	if (out.length !== count || out.some((i) => !i.json.video_id))
		throw new Error(`Generate: ${r.status} ${r.error?.message}`);
	return { ms, ordered, videos: new Set(out.map((i) => i.json.video_id)).size };
}

c.main(async () => {
	const count = c.arg('contacts', c.QUICK ? 200 : 1000);
	const sample = c.arg('sample', c.QUICK ? 40 : 100);
	const latencyMs = c.arg('latency-ms', 300);
	const sb = await instantSandboxProcess();
	try {
		const h = harnessFor(sb);
		await submit(h, 20, {}); // warm-up before the latency is switched on
		const fault = {
			method: 'POST',
			path: 'regex:^/v3/templates/[^/]+$',
			type: 'slow',
			delayMs: latencyMs,
			times: 'Infinity',
		};
		const added = await fetch(`${sb.url}/__sandbox/fault`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(fault),
		});
		if (!added.ok) throw new Error(`could not add the latency fault: ${added.status}`);

		const full = await submit(h, count, {});
		const scaling = [];
		for (const inFlight of [1, 2, 4, 8])
			scaling.push({ inFlight, ...(await submit(h, sample, { requestsInParallel: inFlight })) });
		const one = scaling[0].ms;
		const rows = [
			{
				id: '7',
				measure: `Submission of ${count} contacts, generate answered after ${latencyMs} ms, default ${DEFAULT_IN_FLIGHT} requests in flight`,
				value: c.round(full.ms / 1000, 1),
				unit: 's',
				beside: `${c.round(((one / sample) * count) / full.ms, 1)}× faster than one at a time (${c.round(((one / sample) * count) / 1000, 0)} s projected from ${sample}); output order and pairedItem kept: ${full.ordered}; ${full.videos} videos`,
				target: '≤ 60 s',
				met: full.ms <= 60_000 && full.ordered && full.videos === count,
			},
			...scaling.map((s) => ({
				id: `7-${s.inFlight}`,
				measure: `${s.inFlight} request${s.inFlight === 1 ? '' : 's'} in flight, ${sample} contacts`,
				value: c.round(s.ms / 1000, 2),
				unit: 's',
				beside: `${c.round(one / s.ms, 2)}× of one at a time; ${c.round(((s.ms / sample) * count) / 1000, 0)} s for ${count}; order kept: ${s.ordered}`,
			})),
		];
		c.emit({
			section: '7',
			title: 'Submission time at real-world latency',
			rows,
			details: { count, sample, latencyMs, full, scaling },
		});
	} finally {
		await sb.close();
	}
});
