/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/*
 * What HeyGen Wait For Video makes of odd status answers, in n8n's real engine against the HeyGen sandbox:
 * malformed IDs, a bulk call HeyGen refuses, answers without a status, failure reasons, fields Generate wrote.
 */
import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/transport';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');

const { withWaitEngine, makeVideo, makeVideos, waitWorkflow, statusCalls } = support;

describe('HeyGen Wait For Video: status answers', () => {
	let sb: any;
	let h: any;

	withWaitEngine({}, (pair: any) => ({ sb, h } = pair));
	beforeEach(() => {
		sb.reset();
		sb.setConcurrency(200);
		sb.setRender({ pendingMs: 20, processingMs: 60 });
	});

	const onErrorContinue = { onError: 'continueRegularOutput' };

	test('a comma ID beside 5 good ones: that item errors, nothing is sent for it, the 5 complete', async () => {
		const ids = await makeVideos(sb, 5);
		const bad = `${ids[0]},${ids[1]}`;
		const items = [
			...ids.map((video_id: string, row: number) => ({ json: { video_id, row } })),
			{ json: { video_id: bad, row: 5 } },
		];
		const r = await h.run(waitWorkflow({ maxTimeInNode: 30 }, onErrorContinue), { items });
		expect(r.status).toBe('success');
		const [completed, failed] = r.outputs('Wait For Video');
		expect(completed.map((i: any) => i.json.row)).toEqual([0, 1, 2, 3, 4]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ row: 5, status: 'error' });
		expect(failed[0].json.error.message).toMatch(/is not a HeyGen video ID/);
		// Only the 5 good IDs were ever sent to HeyGen.
		for (const call of statusCalls(sb)) {
			const asked = String(
				call.query.video_ids ?? call.query.video_id ?? call.path.split('/').pop(),
			).split(',');
			for (const id of asked) expect(ids).toContain(id);
			expect(asked.length).toBeLessThanOrEqual(5);
		}
	});

	test('a bulk call HeyGen refuses (400) falls back to one read per video: no good item fails', async () => {
		const ids = await makeVideos(sb, 3);
		await sb.waitFor(() => ids.every((id: string) => sb.videos.get(id).status === 'completed'), {
			timeoutMs: 20_000,
		});
		sb.fault({
			path: '/v3/videos/statuses',
			type: 'server_error',
			status: 400,
			code: 'invalid_parameter',
			message: 'Invalid video id',
		});
		const r = await h.run(waitWorkflow({ maxTimeInNode: 30 }, onErrorContinue), {
			items: [...ids, 'vid_not_there'].map((video_id: string) => ({ json: { video_id } })),
		});
		const [completed, failed] = r.outputs('Wait For Video');
		expect(completed.map((i: any) => i.json.video_id)).toEqual(ids);
		expect(failed.map((i: any) => i.json.video_id)).toEqual(['vid_not_there']);
		expect(failed[0].json.error.message).toMatch(/does not know the video ID/);
	});

	test.each([
		['an empty JSON object', { body: {} }, /empty JSON object/],
		[
			'an HTML page',
			{ body: '<html><body>Please sign in</body></html>', contentType: 'text/html' },
			/not JSON: <html>/,
		],
	])(
		'a 200 status answer with %s is an item error naming the endpoint and the HTTP status',
		async (_name, fault, found) => {
			const id = await makeVideo(sb);
			sb.fault({
				path: '/v3/videos/statuses',
				type: 'server_error',
				status: 200,
				times: Infinity,
				...fault,
			});
			const r = await h.run(
				waitWorkflow({ apiVersion: 'v3', maxTimeInNode: 30 }, onErrorContinue),
				{ items: [{ json: { video_id: id } }] },
			);
			expect(r.status).toBe('success');
			const [completed, failed, rendering] = r.outputs('Wait For Video');
			expect(completed).toHaveLength(0);
			expect(rendering).toHaveLength(0);
			expect(failed).toHaveLength(1);
			expect(failed[0].json.error.message).toMatch(/GET \/v3\/videos\/statuses answered HTTP 200/);
			expect(failed[0].json.error.message).toMatch(found);
			// Decided within the transport's bounded attempts (a non-JSON 200 may be a proxy hiccup, so a GET is
			// repeated a few times), never polled until Max Time in Node as if the video were rendering.
			const calls = statusCalls(sb).filter((c: any) => c.path === '/v3/videos/statuses').length;
			expect(calls).toBeGreaterThanOrEqual(1);
			expect(calls).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxAttempts);
			sb.reset();
		},
	);

	test('a legacy status answer without a status is an item error too', async () => {
		const id = await makeVideo(sb, { family: 'legacy' });
		sb.fault({
			path: '/v1/video_status.get',
			type: 'server_error',
			status: 200,
			body: { code: 100, data: {} },
			times: Infinity,
		});
		const r = await h.run(waitWorkflow({ maxTimeInNode: 30 }, onErrorContinue), {
			items: [{ json: { video_id: id, api_version: 'legacy' } }],
		});
		const failed = r.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error.message).toMatch(/GET \/v1\/video_status.get answered HTTP 200/);
		sb.reset();
	});

	test('a failed v3 render carries HeyGen failure_code and failure_message on Failed', async () => {
		const id = await makeVideo(sb);
		sb.fail(id, {
			code: 40119,
			message: 'Video is too long',
			detail: 'Video is too long (> 3600.0s). Please upgrade your plan',
		});
		const r = await h.run(waitWorkflow({ apiVersion: 'v3', maxTimeInNode: 30 }), {
			items: [{ json: { video_id: id } }],
		});
		const failed = r.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json.status).toBe('failed');
		expect(failed[0].json.error.code).toBe('40119');
		expect(failed[0].json.error.message).toMatch(/too long/i);
		expect(failed[0].json.error.detail).toMatch(/too long/i);
		expect(failed[0].json.heygen).toMatchObject({ failure_code: '40119' });
		// One detail read for the failed video.
		expect(statusCalls(sb).filter((c: any) => c.path === `/v3/videos/${id}`)).toHaveLength(1);
	});

	test('fields Generate wrote are never overwritten with null; Still Rendering keeps everything the item came with', async () => {
		const done = await makeVideo(sb);
		await sb.waitFor(() => sb.videos.get(done).status === 'completed', { timeoutMs: 20_000 });
		sb.setRender({ pendingMs: 20, processingMs: 600_000 });
		const slow = await makeVideo(sb);
		const fromGenerate = (video_id: string) => ({
			video_id,
			title: 'Birthday for Ada',
			callback_id: 'n8n-42-0',
			template_id: 'tpl_birthday',
			api_version: 'v3',
		});
		const r = await h.run(waitWorkflow({ maxTimeInNode: 1, options: { keepInputFields: false } }), {
			items: [{ json: fromGenerate(done) }, { json: { ...fromGenerate(slow), contact: 'Bob' } }],
		});
		const [completed, , rendering] = r.outputs('Wait For Video');
		expect(completed[0].json.callback_id).toBe(null); // Keep Input Fields off: nothing of the input is kept
		expect(rendering).toHaveLength(1);
		expect(rendering[0].json).toMatchObject({
			...fromGenerate(slow),
			contact: 'Bob',
			status: expect.any(String),
		});

		const kept = await h.run(waitWorkflow({ maxTimeInNode: 1 }), {
			items: [{ json: fromGenerate(done) }],
		});
		expect(kept.items('Completed')[0].json).toMatchObject({
			callback_id: 'n8n-42-0',
			title: expect.any(String),
			video_url: expect.any(String),
		});
		expect(kept.items('Completed')[0].json.title).not.toBeNull();
	});
});
