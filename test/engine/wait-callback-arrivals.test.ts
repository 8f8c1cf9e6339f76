/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/*
 * Callback mode's status requests by arrival pattern, counted against the sandbox. In the process that parked the
 * execution (n8n's regular mode) every callback arrives there: one detail read per video and a few status-only
 * calls per execution (a quarter left, a quarter of that, the last ones), whether callbacks arrive apart,
 * together or in groups; callbacks that never arrive are found by those calls, and once one is found missing every
 * callback checks. A process that did not park it (queue mode's webhook processes, a restart) checks the rest at
 * every callback, so the last callback resumes wherever it lands.
 */
import { forgetAllMemories } from '../../nodes/HeyGenWaitForVideo/verifiedVideos';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');

const { withWaitEngine, makeVideos, waitWorkflow, statusCalls, callbackFor, holdRendering } =
	support;

const BULK = '/v3/videos/statuses';

describe('HeyGen Wait For Video: status requests by callback arrival pattern', () => {
	let sb: any;
	let h: any;

	withWaitEngine({}, (pair: any) => ({ sb, h } = pair));
	beforeEach(() => holdRendering(sb));

	async function parked(count: number) {
		const ids = await makeVideos(sb, count);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: ids.map((video_id: string, row: number) => ({ json: { video_id, row } })),
		});
		expect(r.status).toBe('waiting');
		return { ids, r, mark: statusCalls(sb).length };
	}

	const callback = async (r: any, id: string) =>
		await h.resumeWithWebhook(r, { body: callbackFor(id) });

	/** Every video read with details exactly once, and how many status-only bulk calls were made. */
	function tally(ids: string[], mark: number) {
		const calls = statusCalls(sb).slice(mark);
		for (const id of ids)
			expect(calls.filter((c: any) => c.path === `/v3/videos/${id}`)).toHaveLength(1);
		const bulk = calls.filter((c: any) => c.path === BULK).length;
		expect(calls).toHaveLength(ids.length + bulk);
		return bulk;
	}

	function expectAllCompleted(answer: any, count: number) {
		expect(answer.result.status).toBe('success');
		expect(answer.result.items('Completed')).toHaveLength(count);
		for (const item of answer.result.items('Completed'))
			expect(item.json.video_url).toContain('/video.mp4?');
	}

	test('callbacks arriving apart: one read each, the allowance of bulk calls at most, resumed by the last', async () => {
		const { ids, r, mark } = await parked(30);
		const answers: any[] = [];
		for (const id of ids) {
			sb.complete(id);
			answers.push(await callback(r, id));
		}
		for (const answer of answers.slice(0, -1)) expect(answer.result).toBeUndefined();
		expectAllCompleted(answers[answers.length - 1], 30);
		// At 7 left (a quarter), then at the last one: 2 status-only calls for 30 videos.
		expect(tally(ids, mark)).toBeLessThanOrEqual(2);
	});

	test('callbacks arriving together, in groups and alone: one read each, resumed exactly once', async () => {
		const { ids, r, mark } = await parked(30);
		const groups = [
			ids.slice(0, 10),
			ids.slice(10, 11),
			ids.slice(11, 20),
			ids.slice(20, 29),
			ids.slice(29),
		];
		const answers: any[] = [];
		for (const group of groups) {
			for (const id of group) sb.complete(id);
			answers.push(...(await Promise.all(group.map(async (id: string) => await callback(r, id)))));
		}
		const resumed = answers.filter((a) => a.result !== undefined);
		expect(resumed).toHaveLength(1);
		expectAllCompleted(resumed[0], 30);
		for (const answer of answers) expect(answer.webhookResponse.statusCode).toBe(200);
		// Callbacks of one group share a call; one in flight while a call runs may add one more.
		expect(tally(ids, mark)).toBeLessThanOrEqual(4);
	});

	test('callbacks that never arrive: a status-only call finds them, then every callback checks and the last one resumes', async () => {
		const { ids, r, mark } = await parked(30);
		const lost = [ids[3], ids[7], ids[12], ids[20], ids[26]];
		const answers: any[] = [];
		for (const id of ids) {
			sb.complete(id);
			if (!lost.includes(id)) answers.push(await callback(r, id));
		}
		for (const answer of answers.slice(0, -1)) expect(answer.result).toBeUndefined();
		expectAllCompleted(answers[answers.length - 1], 30);
		// The lost videos' details are read at resume: still one detail read per video; bulk calls from the first
		// that found a callback missing (at 7 left) on, at most one per callback.
		expect(tally(ids, mark)).toBeLessThanOrEqual(8);
	});

	test('callbacks lost after the last status-only call: the execution keeps waiting, Max Wait releases it', async () => {
		const { ids, r, mark } = await parked(10);
		// 10 videos: a call at 2 left (a quarter), finding both still rendering; their callbacks never come.
		for (const id of ids.slice(0, 8)) {
			sb.complete(id);
			expect((await callback(r, id)).result).toBeUndefined();
		}
		for (const id of ids.slice(8)) sb.complete(id);
		const calls = statusCalls(sb).slice(mark);
		expect(calls.filter((c: any) => c.path === BULK)).toHaveLength(1);
		expect(calls).toHaveLength(9);
		const released = await h.resumeAfterTime(r);
		expect(released.status).toBe('success');
		// Max Wait hands on what execute() saw when it parked: every video on Still Rendering, for a Poll-mode pass.
		expect(released.items('Still Rendering').map((i: any) => i.json.video_id)).toEqual(ids);
	});

	test('a process that did not park the execution checks the rest at each callback: the last one resumes', async () => {
		const { ids, r, mark } = await parked(6);
		forgetAllMemories();
		const lost = ids[2];
		sb.complete(lost);
		const answers: any[] = [];
		for (const id of ids.filter((v: string) => v !== lost)) {
			sb.complete(id);
			const before = statusCalls(sb).length;
			answers.push(await callback(r, id));
			if (answers.length < ids.length - 1) {
				// One detail read of the named video and one status-only bulk call of the rest.
				expect(statusCalls(sb).length - before).toBe(2);
			}
		}
		for (const answer of answers.slice(0, -1)) expect(answer.result).toBeUndefined();
		expectAllCompleted(answers[answers.length - 1], 6);
		// A bulk call at every callback but the last, which finds every video known final (the lost one by the first).
		expect(
			statusCalls(sb)
				.slice(mark)
				.filter((c: any) => c.path === BULK),
		).toHaveLength(4);
	});
});
