/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/* Callback mode of HeyGen Wait For Video: the execution parks, HeyGen's callback resumes it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');

import { CALLBACK_GUARD, resetCallbackGuard } from '../../nodes/HeyGenWaitForVideo/callbackGuard';

const {
	withWaitEngine,
	makeVideo,
	waitWorkflow,
	startReceiver,
	statusCalls,
	sha256,
	expectedVideoBytes,
	callbackFor,
} = support;

describe('HeyGen Wait For Video: resume on HeyGen callback', () => {
	let sb: any;
	let h: any;
	let receiver: any;

	withWaitEngine({}, (pair: any) => ({ sb, h } = pair));
	beforeAll(async () => {
		receiver = await startReceiver([200]);
	});
	afterAll(async () => {
		await receiver.close();
	});
	beforeEach(() => {
		sb.reset();
		// These tests send several unsigned callbacks per video on purpose; the flood bound has its own tests.
		resetCallbackGuard();
		CALLBACK_GUARD.unsignedIntervalMs = 0;
		receiver.received.length = 0;
		sb.setConcurrency(50);
		sb.setRender({ pendingMs: 20, processingMs: 600_000 });
	});

	async function delivered(count: number) {
		await sb.waitFor(() => receiver.received.length >= count, { timeoutMs: 10_000 });
		const delivery = receiver.received[count - 1];
		return { body: JSON.parse(delivery.body), headers: delivery.headers };
	}

	test('parks while rendering (no worker held), then the real HeyGen callback resumes it on Completed', async () => {
		const id = await makeVideo(sb, { callbackUrl: receiver.url });
		const r = await h.run(waitWorkflow({ waitMode: 'callback', maxWaitMinutes: 30 }), {
			items: [{ json: { video_id: id, contact: 'Ada' } }],
		});
		expect(r.status).toBe('waiting');
		expect(new Date(r.waitTill).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
		const entry = r.waitingEntry;
		expect(entry.node.name).toBe('Wait For Video');
		expect(entry.metadata.forwardAllOutputs).toBe(true);
		expect(entry.metadata.resumeUrl).toBe(r.resumeUrl);
		expect(entry.data.main[2]).toHaveLength(1);
		expect(r.items('Completed')).toHaveLength(0); // nothing downstream ran yet

		sb.complete(id);
		const callback = await delivered(1);
		expect(callback.body.event_type).toBe('avatar_video.success');
		const before = statusCalls(sb).length;
		const { result, webhookResponse } = await h.resumeWithWebhook(r, callback);
		expect(webhookResponse.statusCode).toBe(200);
		expect(result.status).toBe('success');
		const completed = result.items('Completed');
		expect(completed).toHaveLength(1);
		expect(completed[0].json).toMatchObject({
			video_id: id,
			contact: 'Ada',
			status: 'completed',
			api_version: 'v3',
		});
		expect(completed[0].json.video_url).toContain('/video.mp4?');
		// The callback was only a wake-up: the status came from the API.
		expect(statusCalls(sb).length).toBeGreaterThan(before);
	});

	describe('with On Error: Continue (using error output)', () => {
		/** waitWorkflow plus a node on the error output (n8n's fourth output of the node). */
		function withErrorOutput(parameters: Record<string, unknown>) {
			const workflow = waitWorkflow(parameters, { onError: 'continueErrorOutput' });
			workflow.nodes.push({ name: 'Errors', type: 'n8n-nodes-base.noOp' });
			workflow.connections['Wait For Video'].main.push([
				{ node: 'Errors', type: 'main', index: 0 },
			]);
			return workflow;
		}

		// n8n cannot route a resumed node's items to its error output (it renumbers pairedItem on resume and its
		// error routing then fails), so after the wait an item error leaves on Failed, as with regular output.
		test('a callback resume sends an unknown video to Failed with status "error" and its input fields', async () => {
			const id = await makeVideo(sb);
			const r = await h.run(withErrorOutput({ waitMode: 'callback' }), {
				items: [
					{ json: { video_id: id, contact: 'Ada' } },
					{ json: { video_id: 'vid_does_not_exist', contact: 'Bob' } },
				],
			});
			expect(r.status).toBe('waiting');
			sb.complete(id);
			const { result } = await h.resumeWithWebhook(r, { body: callbackFor(id) });
			expect(result.status).toBe('success');
			expect(result.items('Completed').map((item: any) => item.json.contact)).toEqual(['Ada']);
			const failed = result.items('Failed');
			expect(failed).toHaveLength(1);
			expect(failed[0].json).toMatchObject({
				contact: 'Bob',
				video_id: 'vid_does_not_exist',
				status: 'error',
			});
			expect(failed[0].json.error.message).toMatch(/vid_does_not_exist/);
			expect(result.items('Errors')).toHaveLength(0);
		});

		test('a Max Wait timeout releases the error item on Failed and the video on Still Rendering', async () => {
			const id = await makeVideo(sb);
			const r = await h.run(withErrorOutput({ waitMode: 'callback' }), {
				items: [
					{ json: { video_id: id, contact: 'Ada' } },
					{ json: { video_id: 'vid_does_not_exist', contact: 'Bob' } },
				],
			});
			expect(r.status).toBe('waiting');
			const resumed = await h.resumeAfterTime(r);
			expect(resumed.status).toBe('success');
			expect(resumed.items('Still Rendering').map((item: any) => item.json.contact)).toEqual([
				'Ada',
			]);
			expect(
				resumed.items('Failed').map((item: any) => [item.json.contact, item.json.status]),
			).toEqual([['Bob', 'error']]);
		});
	});

	test('a forged callback claiming completion for a still-rendering video does not produce a Completed item', async () => {
		const id = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('waiting');
		const forged = await h.resumeWithWebhook(r, { body: callbackFor(id) });
		expect(forged.result).toBeUndefined(); // the execution keeps waiting
		expect(forged.webhookResponse.statusCode).toBe(200);
		expect(forged.webhookResponse.webhookResponse).toMatchObject({
			resumed: false,
			reason: 'The video is still rendering',
		});
		// A later genuine completion still resumes the same waiting execution.
		sb.complete(id);
		const real = await h.resumeWithWebhook(r, { body: callbackFor(id) });
		expect(real.result.items('Completed').map((i: any) => i.json.video_id)).toEqual([id]);
		expect(real.result.items('Completed')[0].json.video_url).not.toContain('evil');
	});

	test("a status API too slow for HeyGen's delivery timeout: 503 in time (HeyGen redelivers), the execution keeps waiting", async () => {
		const id = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('waiting');
		sb.complete(id);
		sb.fault({ path: /^\/v3\/videos\/(?!statuses)/, type: 'slow', delayMs: 120_000, times: 1 });
		const started = Date.now();
		const slow = await h.resumeWithWebhook(r, { body: callbackFor(id) });
		const elapsed = Date.now() - started;
		expect(slow.result).toBeUndefined();
		expect(slow.webhookResponse.statusCode).toBe(503);
		expect(elapsed).toBeLessThan(100_000); // cut at 8 s, not after the 2-minute answer (margin for a loaded machine)
		// HeyGen's redelivery, once the API answers again, resumes the same execution.
		const again = await h.resumeWithWebhook(r, { body: callbackFor(id) });
		expect(again.result.items('Completed').map((i: any) => i.json.video_id)).toEqual([id]);
	}, 150_000);

	describe('with Download Video on: HeyGen gets its 200 before the downloads', () => {
		const cdnFor = (id: string) =>
			sb.requests.filter((q: any) => q.server === 'cdn' && q.path.startsWith(`/videos/${id}/`));
		const download = { waitMode: 'callback', downloadVideo: true };

		test('the answer is sent before the (slow) download starts; the execution resumes with the file', async () => {
			const id = await makeVideo(sb);
			const r = await h.run(waitWorkflow(download), { items: [{ json: { video_id: id } }] });
			expect(r.status).toBe('waiting');
			sb.complete(id);
			sb.fault({ server: 'cdn', path: `/videos/${id}/*`, type: 'slow', delayMs: 1500, times: 1 });
			const { webhookResponse, result } = await h.resumeWithWebhook(r, { body: callbackFor(id) });
			expect(webhookResponse.statusCode).toBe(200);
			expect(webhookResponse.body).toEqual({ received: true, resumed: true });
			expect(webhookResponse.noWebhookResponse).toBe(true); // n8n must not answer a second time
			const cdn = cdnFor(id);
			expect(cdn).toHaveLength(1);
			expect(cdn[0].fault).toBeTruthy(); // the slow one
			expect(webhookResponse.respondedAt).toBeLessThanOrEqual(cdn[0].time); // answered before the download began
			const [item] = result.items('Completed');
			expect(sha256(await h.binaryBuffer(item, 'data'))).toBe(
				sha256(expectedVideoBytes(id, sb.videos.get(id).sizeBytes)),
			);
		});

		test('a download failing after the 200 (no continue on fail): that item leaves on Failed, the rest on Completed', async () => {
			const good = await makeVideo(sb, { name: 'Good' });
			const bad = await makeVideo(sb, { name: 'Bad' });
			const r = await h.run(waitWorkflow(download), {
				items: [{ json: { video_id: good, row: 0 } }, { json: { video_id: bad, row: 1 } }],
			});
			expect(r.status).toBe('waiting');
			sb.complete(good);
			sb.complete(bad);
			sb.fault({
				server: 'cdn',
				path: `/videos/${bad}/*`,
				type: 'server_error',
				status: 500,
				times: Infinity,
			});
			const { webhookResponse, result } = await h.resumeWithWebhook(r, { body: callbackFor(bad) });
			expect(webhookResponse.statusCode).toBe(200);
			expect(webhookResponse.body).toMatchObject({ resumed: true });
			expect(result.status).toBe('success');
			const [completed, failed, rendering] = result.outputs('Wait For Video');
			expect(completed.map((i: any) => i.json.video_id)).toEqual([good]);
			expect(completed[0].binary.data.fileName).toBe(`${good}.mp4`);
			expect(failed).toHaveLength(1);
			expect(failed[0].json).toMatchObject({ video_id: bad, row: 1, status: 'error' });
			expect(failed[0].json.error.message).toContain(`HTTP 500 for the video file of ${bad}`);
			expect(failed[0].binary).toBeUndefined();
			expect(rendering).toHaveLength(0);
			expect(result.items('Failed')).toHaveLength(1); // the Failed branch ran with it
		});

		test('a second callback while the first one downloads: answered 200 without resuming or downloading again', async () => {
			const a = await makeVideo(sb, { name: 'A' });
			const b = await makeVideo(sb, { name: 'B' });
			const r = await h.run(waitWorkflow(download), {
				items: [{ json: { video_id: a } }, { json: { video_id: b } }],
			});
			expect(r.status).toBe('waiting');
			sb.complete(a);
			sb.complete(b);
			sb.fault({ server: 'cdn', path: `/videos/${a}/*`, type: 'slow', delayMs: 3000, times: 1 });
			const first = h.resumeWithWebhook(r, { body: callbackFor(a) });
			await sb.waitFor(() => cdnFor(a).length === 1, { timeoutMs: 20_000 }); // the first one is downloading
			const second = await h.resumeWithWebhook(r, { body: callbackFor(b) });
			expect(second.result).toBeUndefined();
			expect(second.webhookResponse.statusCode).toBe(200); // HeyGen must not deliver again
			expect(second.webhookResponse.webhookResponse).toMatchObject({ resumed: false });
			const { result } = await first;
			expect(result.items('Completed').map((i: any) => i.json.video_id)).toEqual([a, b]);
			expect(cdnFor(a)).toHaveLength(1);
			expect(cdnFor(b)).toHaveLength(1);
		});

		test('with On Error: Continue (regular output), a failed download leaves on Failed as before', async () => {
			const id = await makeVideo(sb);
			const r = await h.run(waitWorkflow(download, { onError: 'continueRegularOutput' }), {
				items: [{ json: { video_id: id } }],
			});
			expect(r.status).toBe('waiting');
			sb.complete(id);
			sb.fault({
				server: 'cdn',
				path: `/videos/${id}/*`,
				type: 'server_error',
				status: 500,
				times: Infinity,
			});
			const { webhookResponse, result } = await h.resumeWithWebhook(r, { body: callbackFor(id) });
			expect(webhookResponse.statusCode).toBe(200);
			expect(result.status).toBe('success');
			const [completed, failed] = result.outputs('Wait For Video');
			expect(completed).toHaveLength(0);
			expect(failed.map((i: any) => [i.json.video_id, i.json.status])).toEqual([[id, 'error']]);
			expect(failed[0].json.error.message).toContain('HTTP 500');
		});
	});

	test('a callback about a foreign video is ignored without any API call', async () => {
		const id = await makeVideo(sb);
		const other = await makeVideo(sb);
		sb.complete(other);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: id } }],
		});
		const before = statusCalls(sb).length;
		const foreign = await h.resumeWithWebhook(r, { body: callbackFor(other) });
		expect(foreign.result).toBeUndefined();
		expect(foreign.webhookResponse.webhookResponse).toMatchObject({ resumed: false });
		const empty = await h.resumeWithWebhook(r, { body: { hello: 'world' } });
		expect(empty.result).toBeUndefined();
		expect(statusCalls(sb).length).toBe(before);
	});

	test('a request without the execution signature is refused', async () => {
		const id = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: id } }],
		});
		sb.complete(id);
		const url = new URL(r.resumeUrl);
		url.searchParams.set('signature', 'forged');
		const refused = await h.resumeWithWebhook(r, { body: callbackFor(id), url: url.toString() });
		expect(refused.result).toBeUndefined();
		expect(refused.webhookResponse.statusCode).toBe(401);
	});

	test('several videos per execution: resumes only when all are final, each on its output', async () => {
		const a = await makeVideo(sb, { callbackUrl: receiver.url, name: 'A' });
		const b = await makeVideo(sb, { callbackUrl: receiver.url, name: 'B' });
		const c = await makeVideo(sb, { callbackUrl: receiver.url, name: 'C' });
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [a, b, c].map((video_id, row) => ({ json: { video_id, row } })),
		});
		expect(r.status).toBe('waiting');
		expect(r.waitingEntry.data.main[2]).toHaveLength(3);

		sb.complete(a);
		const first = await h.resumeWithWebhook(r, await delivered(1));
		expect(first.result).toBeUndefined();
		expect(first.webhookResponse.webhookResponse).toMatchObject({
			resumed: false,
			reason: 'Other videos have not called back yet',
		});

		sb.fail(b, { code: 40119, message: 'Video is too long', detail: 'Too long for the plan' });
		const second = await h.resumeWithWebhook(r, await delivered(2));
		expect(second.result).toBeUndefined();

		sb.complete(c);
		const third = await h.resumeWithWebhook(r, await delivered(3));
		expect(third.result.status).toBe('success');
		const [completed, failed, rendering] = third.result.outputs('Wait For Video');
		// Input fields travel with each item. (n8n renumbers pairedItem of a resumed node's output by position
		// in each output list: WorkflowExecute.addPairedItemLineage; see the README's note.)
		expect(completed.map((i: any) => [i.json.video_id, i.json.row])).toEqual([
			[a, 0],
			[c, 2],
		]);
		expect(failed.map((i: any) => i.json.video_id)).toEqual([b]);
		expect(failed[0].json.error).toMatchObject({ code: '40119' });
		expect(rendering).toHaveLength(0);
	});

	test('a video already final at the first check: its late callback is ignored, the rest resume with it', async () => {
		const early = await makeVideo(sb, { name: 'Early' });
		sb.complete(early); // finished before the node looked: its callback may still be redelivered after parking
		const late = await makeVideo(sb, { name: 'Late' });
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: early, row: 0 } }, { json: { video_id: late, row: 1 } }],
		});
		expect(r.status).toBe('waiting');
		const before = statusCalls(sb).length;
		const redelivered = await h.resumeWithWebhook(r, { body: callbackFor(early) });
		expect(redelivered.result).toBeUndefined();
		expect(statusCalls(sb).length).toBe(before); // nothing to re-check: that item was decided before parking

		sb.complete(late);
		const { result } = await h.resumeWithWebhook(r, { body: callbackFor(late) });
		const [completed, failed, rendering] = result.outputs('Wait For Video');
		expect(completed.map((i: any) => [i.json.video_id, i.json.row])).toEqual([
			[early, 0],
			[late, 1],
		]);
		expect(failed).toHaveLength(0);
		expect(rendering).toHaveLength(0);
		// Only the awaited video was re-read on resume.
		const reread = statusCalls(sb).slice(before);
		expect(
			reread.some(
				(c: any) =>
					c.path === `/v3/videos/${early}` || String(c.query.video_ids ?? '').includes(early),
			),
		).toBe(false);
	});

	test('Max Wait passes: finished items on their outputs, unfinished on Still Rendering with their status', async () => {
		const done = await makeVideo(sb);
		sb.complete(done);
		const stuck = await makeVideo(sb);
		await sb.waitFor((s: any) => s.videos.get(stuck).status === 'processing');
		const r = await h.run(waitWorkflow({ waitMode: 'callback', maxWaitMinutes: 5 }), {
			items: [{ json: { video_id: done, row: 0 } }, { json: { video_id: stuck, row: 1 } }],
		});
		expect(r.status).toBe('waiting');
		const before = statusCalls(sb).length;
		const resumed = await h.resumeAfterTime(r);
		expect(resumed.status).toBe('success');
		const [completed, failed, rendering] = resumed.outputs('Wait For Video');
		expect(completed.map((i: any) => i.json.video_id)).toEqual([done]);
		expect(failed).toHaveLength(0);
		expect(rendering.map((i: any) => [i.json.video_id, i.json.status, i.json.row])).toEqual([
			[stuck, 'processing', 1],
		]);
		expect(resumed.items('Still Rendering')).toHaveLength(1);
		expect(resumed.items('Completed')).toHaveLength(1);
		// n8n did not run the node again: no status call on resume.
		expect(statusCalls(sb).length).toBe(before);
	});

	test('all videos already final at the first check: no wait at all', async () => {
		const id = await makeVideo(sb);
		sb.complete(id);
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('success');
		expect(r.items('Completed')).toHaveLength(1);
	});

	test('legacy videos: the callback resumes through the v1 status', async () => {
		const id = await makeVideo(sb, { family: 'legacy', callbackUrl: receiver.url });
		const r = await h.run(waitWorkflow({ waitMode: 'callback' }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('waiting');
		sb.fail(id, {
			code: 40119,
			message: 'Video is too long',
			detail: 'Video is too long (> 3600.0s)',
		});
		const { result } = await h.resumeWithWebhook(r, await delivered(1));
		const failed = result.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({
			video_id: id,
			api_version: 'legacy',
			status: 'failed',
			error: {
				code: '40119',
				message: 'Video is too long',
				detail: 'Video is too long (> 3600.0s)',
			},
		});
	});

	test('with a Callback Secret, only correctly signed callbacks are accepted', async () => {
		const id = await makeVideo(sb, { callbackUrl: receiver.url });
		const r = await h.run(
			waitWorkflow({ waitMode: 'callback', callbackSecret: sb.callbackSecret }),
			{
				items: [{ json: { video_id: id } }],
			},
		);
		sb.complete(id);
		const genuine = await delivered(1);
		const unsigned = await h.resumeWithWebhook(r, { body: genuine.body });
		expect(unsigned.result).toBeUndefined();
		expect(unsigned.webhookResponse.statusCode).toBe(401);
		const tampered = await h.resumeWithWebhook(r, {
			body: { ...genuine.body, event_type: 'avatar_video.fail' },
			headers: genuine.headers,
		});
		expect(tampered.webhookResponse.statusCode).toBe(401);
		// The sandbox signs the exact bytes it sent: replay them.
		const signed = await h.resumeWithWebhook(r, {
			body: receiver.received[0].body,
			headers: genuine.headers,
		});
		expect(signed.webhookResponse.statusCode).toBe(200);
		expect(signed.result.items('Completed')).toHaveLength(1);
	});
});

export {};
