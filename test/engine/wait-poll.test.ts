/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/* Poll mode of HeyGen Wait For Video, in n8n's real engine against the HeyGen sandbox. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');

const { withWaitEngine, makeVideo, waitWorkflow, statusCalls } = support;

function idsOf(call: { query: Record<string, string | undefined> }): string[] {
	return String(call.query.video_ids ?? call.query.video_id ?? '')
		.split(',')
		.filter(Boolean);
}

describe('HeyGen Wait For Video: poll mode', () => {
	let sb: any;
	let h: any;

	withWaitEngine({}, (pair: any) => ({ sb, h } = pair));
	beforeEach(() => {
		sb.reset();
		sb.setConcurrency(200);
		sb.setRender({ pendingMs: 50, processingMs: 150 });
	});

	test('a v3 video that finishes while the node polls leaves on Completed, merged over the input', async () => {
		const id = await makeVideo(sb, { name: 'Grace' });
		const r = await h.run(waitWorkflow({ maxTimeInNode: 20 }), {
			items: [{ json: { video_id: id, contact: 'Grace Hopper' } }],
		});
		expect(r.status).toBe('success');
		const [completed, failed, rendering] = r.outputs('Wait For Video');
		expect(failed).toHaveLength(0);
		expect(rendering).toHaveLength(0);
		expect(completed).toHaveLength(1);
		const json = completed[0].json;
		expect(json).toMatchObject({
			contact: 'Grace Hopper',
			video_id: id,
			status: 'completed',
			api_version: 'v3',
		});
		expect(json.video_url).toMatch(/\/videos\/.+\/video\.mp4\?Expires=\d+/);
		expect(json.thumbnail_url).toMatch(/thumbnail\.jpg\?Expires=/);
		expect(typeof json.duration).toBe('number');
		expect(json.urls_expire_at).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(json.heygen).toMatchObject({ id, status: 'completed' });
		expect(completed[0].pairedItem).toEqual({ item: 0 });
		// Details are fetched exactly once, when the video is seen completed.
		expect(statusCalls(sb).filter((c: any) => c.path === `/v3/videos/${id}`)).toHaveLength(1);
		// The downstream node got the item.
		expect(r.items('Completed')).toHaveLength(1);
	});

	test('150 items with mixed outcomes: bulk calls of ≤100 ids, every item on exactly one output', async () => {
		sb.setRender({ pendingMs: 50, processingMs: 200 });
		const items: Array<{ json: { video_id: string; row: number } }> = [];
		const expected = new Map<string, string>();
		for (let i = 0; i < 150; i++) {
			let kind = 'completed';
			let message = 'Happy birthday';
			if (i % 10 === 3) {
				kind = 'failed';
				message = '[[sandbox:fail]]';
			} else if (i % 10 === 7) {
				kind = 'rendering';
				message = '[[sandbox:stuck]]';
			}
			const family = i % 25 === 0 ? 'legacy' : 'v3';
			const id = await makeVideo(sb, { family, name: `C${i}`, message });
			expected.set(id, kind);
			items.push({ json: { video_id: id, row: i } });
		}
		// The renders that can finish have finished before the node looks, so a busy machine cannot turn a slow
		// render into Still Rendering; the stuck ones keep rendering.
		const settles = (s: any, id: string) =>
			['completed', 'failed'].includes(s.videos.get(id).status);
		await sb.waitFor(
			(s: any) => [...expected].every(([id, kind]) => kind === 'rendering' || settles(s, id)),
			{ timeoutMs: 60_000 },
		);
		const r = await h.run(waitWorkflow({ maxTimeInNode: 4 }), { items });
		expect(r.status).toBe('success');
		const [completed, failed, rendering] = r.outputs('Wait For Video');
		expect(completed.length + failed.length + rendering.length).toBe(150);
		const seen = new Set<number>();
		for (const [output, kind] of [
			[completed, 'completed'],
			[failed, 'failed'],
			[rendering, 'rendering'],
		] as const) {
			for (const item of output) {
				expect(expected.get(item.json.video_id)).toBe(kind);
				expect(item.pairedItem).toEqual({ item: item.json.row });
				seen.add(item.json.row);
			}
		}
		expect(seen.size).toBe(150);
		expect(failed).toHaveLength(15);
		for (const item of failed) {
			expect(item.json.error).toMatchObject({ code: '40119' });
			expect(item.json.error.message).toBeTruthy();
		}
		expect(rendering).toHaveLength(15);
		for (const item of rendering) expect(item.json.status).toBe('processing');
		// Legacy-generated videos were found through v1 (Auto), the rest through v3.
		expect(completed.filter((i: any) => i.json.api_version === 'legacy').length).toBeGreaterThan(0);

		const bulk = statusCalls(sb).filter((c: any) => c.path === '/v3/videos/statuses');
		for (const call of bulk) expect(idsOf(call).length).toBeLessThanOrEqual(100);
		// The first round covers all 150 ids in two calls.
		expect(idsOf(bulk[0]).length).toBe(100);
		expect(idsOf(bulk[1]).length).toBe(50);
	});

	test('every status: v1 pending/waiting/processing and v3 queued stay on Still Rendering with their status', async () => {
		sb.setConcurrency(1);
		sb.setRender({ pendingMs: 0, processingMs: 600_000 });
		const busy = await makeVideo(sb, { family: 'legacy' });
		await sb.waitFor((s: any) => s.videos.get(busy).status === 'processing');
		const waiting = await makeVideo(sb, { family: 'legacy' });
		const queued = await makeVideo(sb, { family: 'v3' });
		await sb.waitFor(
			(s: any) => s.videos.get(waiting).waiting === true && s.videos.get(queued).waiting === true,
		);
		sb.setRender({ pendingMs: 600_000 });
		const pending = await makeVideo(sb, { family: 'legacy' });

		const r = await h.run(waitWorkflow({ maxTimeInNode: 1 }), {
			items: [busy, waiting, queued, pending].map((video_id: any) => ({ json: { video_id } })),
		});
		expect(r.status).toBe('success');
		const [completed, failed, rendering] = r.outputs('Wait For Video');
		expect(completed).toHaveLength(0);
		expect(failed).toHaveLength(0);
		expect(rendering.map((i: any) => [i.json.video_id, i.json.status])).toEqual([
			[busy, 'processing'],
			[waiting, 'waiting'],
			[queued, 'queued'],
			[pending, 'pending'],
		]);
		expect(rendering[2].json.api_version).toBe('v3');
		expect(rendering[0].json.api_version).toBe('legacy');
	});

	test('bounded: a stuck video leaves on Still Rendering after Max Time in Node, with few status calls', async () => {
		const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
		// The status reported depends on the render having started: wait for that state, not for a time.
		await sb.waitFor((s: any) => s.videos.get(id).status === 'processing', { timeoutMs: 30_000 });
		const started = Date.now();
		const r = await h.run(
			waitWorkflow({ maxTimeInNode: 2, options: { initialInterval: 0.2, maxInterval: 0.5 } }),
			{
				items: [{ json: { video_id: id } }],
			},
		);
		const elapsed = Date.now() - started;
		expect(r.status).toBe('success');
		expect(r.items('Still Rendering')).toHaveLength(1);
		expect(r.items('Still Rendering')[0].json).toMatchObject({
			video_id: id,
			status: 'processing',
		});
		// 0.2 + 0.3 + 0.45 + 0.5 … within 2 s: at most 6 rounds, never more however slow the machine.
		const calls = statusCalls(sb).filter((c: any) => c.path === '/v3/videos/statuses');
		// On a busy machine one slow round can use the whole budget: at least one round, never more than the schedule allows.
		expect(calls.length).toBeGreaterThanOrEqual(1);
		expect(calls.length).toBeLessThanOrEqual(6);
		// Bounded by Max Time in Node (the video never finishes); generous for a loaded machine.
		expect(elapsed).toBeLessThan(60_000);
	}, 90_000);

	test('cancelling the execution stops polling at once: no status call after the stop', async () => {
		const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
		let cancelledAt = 0;
		const r = await h.run(
			waitWorkflow({ maxTimeInNode: 50, options: { initialInterval: 2, maxInterval: 2 } }),
			{
				items: [{ json: { video_id: id } }],
				onStart: (cancel: () => void) => {
					void sb
						.waitFor((s: any) => statusCalls(s).length >= 1)
						.then(() => {
							cancelledAt = sb.requests.length;
							cancel();
						});
				},
			},
		);
		expect(r.status).toBe('canceled');
		expect(cancelledAt).toBeGreaterThan(0);
		// Prove the node's loop is gone: a later, complete run comes and goes, and the cancelled video was
		// never asked about again (its loop would have polled every 2 s).
		const other = await makeVideo(sb, { name: 'Later' });
		sb.setRender({ pendingMs: 0, processingMs: 2500 });
		const later = await h.run(
			waitWorkflow({ maxTimeInNode: 20, options: { initialInterval: 0.5, maxInterval: 0.5 } }),
			{
				items: [{ json: { video_id: other } }],
			},
		);
		expect(later.status).toBe('success');
		const after = sb.requests
			.slice(cancelledAt)
			.filter((c: any) => c.server === 'api' && idsOf(c).includes(id));
		expect(after).toHaveLength(0);
	});

	test('429 with Retry-After and 5xx on status calls are retried within the bound', async () => {
		const id = await makeVideo(sb);
		sb.fault({ path: '/v3/videos/statuses', type: 'rate_limit', retryAfter: 1, times: 1 });
		sb.fault({ path: '/v3/videos/statuses', type: 'server_error', times: 2 });
		const r = await h.run(waitWorkflow({ maxTimeInNode: 20 }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('success');
		expect(r.items('Completed')).toHaveLength(1);
		const statuses = statusCalls(sb)
			.filter((c: any) => c.path === '/v3/videos/statuses')
			.map((c: any) => c.status);
		expect(statuses.slice(0, 4)).toEqual([429, 500, 500, 200]);
	});

	/** Runs a stuck video with a 3 s budget; once the first status check was answered, `fault` is installed. */
	async function runWithLaterFault(fault: Record<string, unknown>) {
		const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
		await sb.waitFor((s: any) => s.videos.get(id).status === 'processing');
		const started = Date.now();
		const r = await h.run(
			waitWorkflow({ maxTimeInNode: 3, options: { initialInterval: 0.2, maxInterval: 0.3 } }),
			{
				items: [{ json: { video_id: id } }],
				onStart: () => {
					void sb
						.waitFor((s: any) => statusCalls(s).some((c: any) => c.status === 200))
						.then(() => sb.fault({ path: '/v3/videos/statuses', times: Infinity, ...fault }));
				},
			},
		);
		return { id, r, elapsed: Date.now() - started };
	}

	test('a status call HeyGen answers slowly is cut at Max Time in Node: the video leaves on Still Rendering', async () => {
		const { id, r, elapsed } = await runWithLaterFault({ type: 'slow', delayMs: 120_000 });
		expect(r.status).toBe('success');
		const [completed, failed, rendering] = r.outputs('Wait For Video');
		expect(completed).toHaveLength(0);
		expect(failed).toHaveLength(0);
		// The last answer HeyGen gave, not an error: the round that was cut changes nothing.
		expect(rendering.map((i: any) => [i.json.video_id, i.json.status])).toEqual([
			[id, 'processing'],
		]);
		// Bounded by the 3 s budget, not by the 2-minute answer (or the transport's 60 s timeout and retries); the margin
		// is for a loaded machine.
		expect(elapsed).toBeLessThan(100_000);
		expect(statusCalls(sb).some((c: any) => c.fault === 'slow')).toBe(true);
	}, 150_000);

	test('a long Retry-After is not waited out past Max Time in Node', async () => {
		const { id, r, elapsed } = await runWithLaterFault({ type: 'rate_limit', retryAfter: 50 });
		expect(r.status).toBe('success');
		expect(r.items('Still Rendering').map((i: any) => [i.json.video_id, i.json.status])).toEqual([
			[id, 'processing'],
		]);
		// Below the 50 s HeyGen asked for: it was not waited out.
		expect(elapsed).toBeLessThan(48_000);
		expect(statusCalls(sb).some((c: any) => c.status === 429)).toBe(true);
	}, 90_000);

	test('a first check HeyGen never answers ends in a clear item error after at most 10 s, not minutes', async () => {
		const id = await makeVideo(sb);
		sb.fault({ path: '/v3/videos/statuses', type: 'slow', delayMs: 120_000, times: Infinity });
		const started = Date.now();
		const r = await h.run(
			waitWorkflow({ maxTimeInNode: 1 }, { onError: 'continueRegularOutput' }),
			{
				items: [{ json: { video_id: id, row: 7 } }],
			},
		);
		const elapsed = Date.now() - started;
		expect(r.status).toBe('success');
		const failed = r.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ video_id: id, row: 7, status: 'error' });
		expect(failed[0].json.error.message).toBe(`No status from HeyGen for "${id}" within 10 s`);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(elapsed).toBeGreaterThanOrEqual(9_000);
		// Not the transport's 60 s timeout and retries of a 2-minute answer; the margin is for a loaded machine.
		expect(elapsed).toBeLessThan(100_000);
	}, 150_000);

	test('explicit Legacy reads /v1/video_status.get only; explicit v3 does not fall back', async () => {
		const legacyId = await makeVideo(sb, { family: 'legacy' });
		const r = await h.run(waitWorkflow({ maxTimeInNode: 20, apiVersion: 'legacy' }), {
			items: [{ json: { video_id: legacyId } }],
		});
		expect(r.items('Completed')[0].json).toMatchObject({
			video_id: legacyId,
			api_version: 'legacy',
			status: 'completed',
		});
		expect(statusCalls(sb).every((c: any) => c.path === '/v1/video_status.get')).toBe(true);

		sb.reset();
		const v3Only = await h.run(
			waitWorkflow({ maxTimeInNode: 5, apiVersion: 'v3' }, { onError: 'continueRegularOutput' }),
			{ items: [{ json: { video_id: legacyId } }] },
		);
		const failed = v3Only.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error.message).toContain(`does not know the video ID "${legacyId}"`);
		expect(statusCalls(sb).some((c: any) => c.path === '/v1/video_status.get')).toBe(false);
	});

	test("Auto follows Generate's api_version field", async () => {
		const legacyId = await makeVideo(sb, { family: 'legacy' });
		const r = await h.run(waitWorkflow({ maxTimeInNode: 20 }), {
			items: [{ json: { video_id: legacyId, api_version: 'legacy' } }],
		});
		expect(r.items('Completed')).toHaveLength(1);
		expect(statusCalls(sb).some((c: any) => c.path === '/v3/videos/statuses')).toBe(false);
	});
});

describe('HeyGen Wait For Video: unknown video IDs and n8n error handling', () => {
	let sb: any;
	let h: any;

	withWaitEngine({}, (pair: any) => ({ sb, h } = pair), { reset: true });

	test('without continue-on-fail the node fails with a clear, item-attributed error', async () => {
		const good = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ maxTimeInNode: 10 }), {
			items: [{ json: { video_id: good } }, { json: { video_id: 'vid_does_not_exist' } }],
		});
		expect(r.status).toBe('error');
		const error = r.nodeError('Wait For Video');
		expect(error.message).toContain('HeyGen does not know the video ID "vid_does_not_exist"');
		expect(error.description).toContain('legacy status endpoint');
		// Auto asked v3 first, then the legacy endpoint.
		const asked = statusCalls(sb).map((c: any) => c.path);
		expect(asked).toContain('/v3/videos/statuses');
		expect(asked).toContain('/v1/video_status.get');
	});

	test('continue (regular output): the error item leaves on Failed with pairedItem, the rest carry on', async () => {
		const good = await makeVideo(sb);
		const r = await h.run(
			waitWorkflow({ maxTimeInNode: 10 }, { onError: 'continueRegularOutput' }),
			{
				items: [
					{ json: { video_id: 'nope', who: 'x' } },
					{ json: { video_id: good } },
					{ json: { video_id: '' } },
				],
			},
		);
		expect(r.status).toBe('success');
		const [completed, failed] = r.outputs('Wait For Video');
		expect(completed.map((i: any) => i.pairedItem)).toEqual([{ item: 1 }]);
		expect(failed.map((i: any) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed[0].json).toMatchObject({ video_id: 'nope', who: 'x', status: 'error' });
		expect(failed[0].json.error.code).toBe('404');
		expect(failed[1].json.error.message).toContain('No video ID');
	});

	test('continue (error output): error items go to the error output', async () => {
		const good = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ maxTimeInNode: 10 }, { onError: 'continueErrorOutput' }), {
			items: [{ json: { video_id: good } }, { json: { video_id: 'nope' } }],
		});
		expect(r.status).toBe('success');
		const outputs = r.outputs('Wait For Video');
		expect(outputs).toHaveLength(4);
		expect(outputs[0]).toHaveLength(1);
		expect(outputs[1]).toHaveLength(0);
		expect(outputs[3]).toHaveLength(1);
		// n8n merges the error over the input item.
		expect(outputs[3][0].json).toMatchObject({
			video_id: 'nope',
			details: { video_id: 'nope', code: '404' },
		});
		expect(outputs[3][0].json.error).toContain('HeyGen does not know the video ID "nope"');
		expect(outputs[3][0].pairedItem).toEqual({ item: 1 });
	});

	test('a persistent 500 on the status API becomes an error after the bounded retries', async () => {
		const id = await makeVideo(sb);
		sb.fault({ path: '/v3/videos/statuses', type: 'server_error', times: Infinity });
		// A budget long enough for the transport's retries (1 + 2 + 4 + 8 s, ±20 %).
		const r = await h.run(
			waitWorkflow({ maxTimeInNode: 30 }, { onError: 'continueRegularOutput' }),
			{
				items: [{ json: { video_id: id } }],
			},
		);
		const failed = r.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error.message).toMatch(/HeyGen/);
		expect(failed[0].json.error.code).toBe('500');
		const calls = statusCalls(sb).filter((c: any) => c.path === '/v3/videos/statuses');
		expect(calls.length).toBe(5); // the transport's attempt bound
	}, 60_000);
});

export {};
