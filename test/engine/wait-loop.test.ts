/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/* test/workflows/poll-loop.json: Still Rendering → Wait (parks the execution) → back into Wait For Video. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loop = require('../workflows/poll-loop.json');

const { withWaitEngine, makeVideo, statusCalls } = support;

describe('poll loop through a Wait node', () => {
	let sb: any;
	let h: any;

	withWaitEngine(
		{ render: { pendingMs: 20, processingMs: 600_000 } },
		(pair: any) => ({ sb, h } = pair),
	);

	test('first pass leaves on Still Rendering, the Wait parks, the resumed loop finds the video completed', async () => {
		const workflow = structuredClone(loop);
		const node = workflow.nodes.find((n: any) => n.name === 'Wait For Video');
		// The fixture as users import it (55 s, 2 minutes); only the time budget is shortened for the test.
		expect(node.parameters.maxTimeInNode).toBe(55);
		node.parameters.maxTimeInNode = 1;
		node.parameters.options = { initialInterval: 0.2, maxInterval: 0.3 };

		const done = await makeVideo(sb, { name: 'Done' });
		sb.complete(done);
		const slow = await makeVideo(sb, { name: 'Slow' });
		// The status the first pass reports depends on the render having started: wait for that state, not a time
		// (on a busy machine the sandbox's 20 ms queue timer can fire after the node's check).
		await sb.waitFor(() => sb.videos.get(slow).status === 'processing', { timeoutMs: 30_000 });
		const r = await h.run(workflow, {
			items: [
				{ json: { video_id: done, contact: 'Ada' } },
				{ json: { video_id: slow, contact: 'Bob' } },
			],
		});
		expect(r.status).toBe('waiting');
		expect(r.waitingEntry.node.name).toBe('Wait 2 Minutes');
		expect(r.items('Completed').map((i: any) => i.json.contact)).toEqual(['Ada']);
		const parked = r.items('Wait For Video', 2);
		expect(parked.map((i: any) => [i.json.contact, i.json.status])).toEqual([
			['Bob', 'processing'],
		]);

		sb.complete(slow);
		const callsBefore = statusCalls(sb).length;
		const resumed = await h.resumeAfterTime(r);
		expect(resumed.status).toBe('success');
		// The node ran a second time (run index 1) on the looped item, and routed it to Completed.
		expect(resumed.runs('Wait For Video')).toHaveLength(2);
		const completed = resumed.items('Completed');
		expect(completed.map((i: any) => [i.json.contact, i.json.video_id, i.json.status])).toEqual([
			['Bob', slow, 'completed'],
		]);
		// The looped item carried api_version: v3, so Auto asked v3 directly.
		const newCalls = statusCalls(sb).slice(callsBefore);
		expect(newCalls.length).toBeGreaterThan(0);
		expect(newCalls.every((c: any) => c.path.startsWith('/v3/'))).toBe(true);
		expect(resumed.runs('Completed')).toHaveLength(2);
	});
});

export {};
