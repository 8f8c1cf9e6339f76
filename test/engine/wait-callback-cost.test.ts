/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/*
 * What a HeyGen callback costs in callback mode, counted in status requests against the sandbox: the named
 * video is verified with one read, verified videos are not read again, foreign callbacks cost nothing, and
 * callbacks arriving together resume the execution once.
 */
import { forgetAllMemories } from '../../nodes/HeyGenWaitForVideo/verifiedVideos';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');

const { withWaitEngine, makeVideos, waitWorkflow, statusCalls, callbackFor, holdRendering } =
	support;

describe('HeyGen Wait For Video: the cost of a callback', () => {
	let sb: any;
	let h: any;

	withWaitEngine({}, (pair: any) => ({ sb, h } = pair));
	beforeEach(() => holdRendering(sb));

	async function parked(count: number) {
		const ids = await makeVideos(sb, count);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: ids.map((video_id: string, row: number) => ({
				json: { video_id, row, title: `Video ${row}`, callback_id: `n8n-1-${row}` },
			})),
		});
		expect(r.status).toBe('waiting');
		return { ids, r };
	}

	/** The status requests made while `action` ran. */
	async function counted(action: () => Promise<any>) {
		const before = statusCalls(sb).length;
		const value = await action();
		return { value, calls: statusCalls(sb).slice(before) };
	}

	test('a callback about a video the execution does not wait for, or a malformed one, costs no request', async () => {
		await parked(3);
		const { r } = await parked(2);
		for (const body of [
			callbackFor('vid_someone_else'),
			callbackFor('a,b'),
			{ hello: 'world' },
			'not json at all',
		]) {
			const { value, calls } = await counted(
				async () =>
					await h.resumeWithWebhook(r, {
						body: typeof body === 'string' ? JSON.stringify(body) : body,
					}),
			);
			expect(value.result).toBeUndefined();
			expect(calls).toHaveLength(0);
		}
	});

	test('each finished video costs one detail read; verified videos are not read again; resume reads nothing more', async () => {
		const { ids, r } = await parked(5);
		const costs: number[] = [];
		let resumed: any;
		for (const id of ids) {
			sb.complete(id);
			const { value, calls } = await counted(
				async () => await h.resumeWithWebhook(r, { body: callbackFor(id) }),
			);
			costs.push(calls.length);
			// The named video's own read, plus at most one status-only bulk read of the rest (stopped at a rendering one).
			expect(calls.filter((c: any) => c.path === `/v3/videos/${id}`)).toHaveLength(1);
			expect(
				calls.filter(
					(c: any) => /^\/v3\/videos\/(?!statuses)/.test(c.path) && c.path !== `/v3/videos/${id}`,
				),
			).toHaveLength(0);
			expect(calls.length).toBeLessThanOrEqual(2);
			resumed = value.result;
		}
		expect(resumed.status).toBe('success');
		const completed = resumed.items('Completed');
		expect(completed.map((i: any) => i.json.row)).toEqual([0, 1, 2, 3, 4]);
		// Fields the input came with are not overwritten by HeyGen's nulls.
		expect(completed.map((i: any) => i.json.callback_id)).toEqual(
			ids.map((_: string, row: number) => `n8n-1-${row}`),
		);
		for (const item of completed) expect(item.json.video_url).toContain('/video.mp4?');
		// A redelivered callback for an already verified video, before the end, costs no detail read.
		expect(costs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * ids.length);
	});

	test('a redelivered callback for a verified video does not read that video again', async () => {
		const { ids, r } = await parked(3);
		sb.complete(ids[0]);
		await h.resumeWithWebhook(r, { body: callbackFor(ids[0]) });
		const { value, calls } = await counted(
			async () => await h.resumeWithWebhook(r, { body: callbackFor(ids[0]) }),
		);
		expect(value.result).toBeUndefined();
		expect(calls.filter((c: any) => c.path === `/v3/videos/${ids[0]}`)).toHaveLength(0);
		expect(calls.length).toBeLessThanOrEqual(1);
	});

	test('the last two callbacks arriving together resume the execution exactly once', async () => {
		const { ids, r } = await parked(4);
		for (const id of ids.slice(0, 2)) {
			sb.complete(id);
			await h.resumeWithWebhook(r, { body: callbackFor(id) });
		}
		sb.complete(ids[2]);
		sb.complete(ids[3]);
		const answers = await Promise.all(
			ids
				.slice(2)
				.map(async (id: string) => await h.resumeWithWebhook(r, { body: callbackFor(id) })),
		);
		const resumed = answers.filter((a: any) => a.result !== undefined);
		expect(resumed).toHaveLength(1);
		expect(resumed[0].result.items('Completed')).toHaveLength(4);
		for (const answer of answers) expect(answer.webhookResponse.statusCode).toBe(200);
	});

	test('a video verified while a bulk check covering it is under way keeps its details: no second read at resume', async () => {
		const { ids, r } = await parked(3);
		// A process that did not park the execution (queue mode's webhook process) checks the rest at every callback.
		forgetAllMemories();
		const [a, b, c] = ids;
		sb.complete(a);
		sb.complete(b);
		// Callback A's bulk check of the unverified videos (B and C) is answered slowly; B's callback is verified meanwhile.
		sb.fault({ path: '/v3/videos/statuses', type: 'slow', delayMs: 1500 });
		const { calls } = await counted(async () => {
			const bulks = () =>
				statusCalls(sb).filter((call: any) => call.path === '/v3/videos/statuses').length;
			const bulksBefore = bulks();
			const first = h.resumeWithWebhook(r, { body: callbackFor(a) });
			await sb.waitFor(() => bulks() > bulksBefore, { timeoutMs: 30_000 });
			await h.resumeWithWebhook(r, { body: callbackFor(b) });
			await first;
			sb.complete(c);
			const last = await h.resumeWithWebhook(r, { body: callbackFor(c) });
			expect(last.result.items('Completed')).toHaveLength(3);
			for (const item of last.result.items('Completed'))
				expect(item.json.video_url).toContain('/video.mp4?');
		});
		for (const id of ids)
			expect(calls.filter((call: any) => call.path === `/v3/videos/${id}`)).toHaveLength(1);
	});

	test('videos that finished without a callback reaching this process are found by the status-only check', async () => {
		// As after a restart, or with callbacks spread over several webhook processes: nothing was verified here.
		const { ids, r } = await parked(3);
		forgetAllMemories();
		for (const id of ids) sb.complete(id);
		const { value, calls } = await counted(
			async () => await h.resumeWithWebhook(r, { body: callbackFor(ids[2]) }),
		);
		expect(value.result.items('Completed')).toHaveLength(3);
		// One read of the named video, one bulk status call for the other two, their two detail reads at resume.
		expect(calls.filter((c: any) => c.path === '/v3/videos/statuses')).toHaveLength(1);
		expect(calls).toHaveLength(4);
	});
});

// A module, so its top-level names do not clash with other test files' in the type check.
export {};
