/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/* Download Video: streamed into n8n's binary store, re-signed first, never sending the API key to the CDN. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/wait-for-video');

const { withWaitEngine, makeVideo, waitWorkflow, statusCalls, expectedVideoBytes, sha256 } =
	support;

describe('HeyGen Wait For Video: download', () => {
	let sb: any;
	let h: any;

	withWaitEngine({ videoBytes: 300_000 }, (pair: any) => ({ sb, h } = pair), { reset: true });

	const cdnRequests = () => sb.requests.filter((r: any) => r.server === 'cdn');

	test('the MP4 lands in binary "data" with the bytes, size, name and type the media host served', async () => {
		const id = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ maxTimeInNode: 20, downloadVideo: true }), {
			items: [{ json: { video_id: id, contact: 'Ada' } }],
		});
		expect(r.status).toBe('success');
		const [item] = r.items('Completed');
		expect(item.json.contact).toBe('Ada');
		const binary = item.binary.data;
		expect(binary.fileName).toBe(`${id}.mp4`);
		expect(binary.mimeType).toBe('video/mp4');
		expect(binary.id).toBeTruthy(); // stored by n8n's binary store, not inline base64
		const bytes = await h.binaryBuffer(item, 'data');
		const expected = expectedVideoBytes(id, sb.videos.get(id).sizeBytes);
		expect(bytes.length).toBe(expected.length);
		expect(sha256(bytes)).toBe(sha256(expected));

		// Re-signed right before the download: a second detail call, whose URL the download used.
		const details = statusCalls(sb).filter((c: any) => c.path === `/v3/videos/${id}`);
		expect(details).toHaveLength(2);
		const videoGets = cdnRequests().filter((c: any) => c.path.endsWith('/video.mp4'));
		expect(videoGets).toHaveLength(1);
		expect(item.json.video_url).toContain(`Nonce=${videoGets[0].query.Nonce}`);
		// The API key never went to the media host.
		expect(cdnRequests().length).toBeGreaterThan(0);
		for (const request of cdnRequests()) expect(request.headers['x-api-key']).toBeUndefined();
	});

	test('a 403 from the media host is retried once with a freshly signed URL', async () => {
		const id = await makeVideo(sb, { family: 'legacy' });
		sb.fault({ server: 'cdn', path: '/videos/*', type: 'unauthorized', status: 403, times: 1 });
		const r = await h.run(waitWorkflow({ maxTimeInNode: 20, downloadVideo: true }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('success');
		const [item] = r.items('Completed');
		const bytes = await h.binaryBuffer(item, 'data');
		expect(sha256(bytes)).toBe(sha256(expectedVideoBytes(id, sb.videos.get(id).sizeBytes)));
		const gets = cdnRequests().filter((c: any) => c.path.endsWith('/video.mp4'));
		expect(gets.map((g: any) => g.status)).toEqual([403, 200]);
		expect(gets[0].query.Nonce).not.toBe(gets[1].query.Nonce);
		// Legacy: poll + re-sign + re-sign after the 403, all through v1.
		expect(
			statusCalls(sb).filter((c: any) => c.path === '/v1/video_status.get').length,
		).toBeGreaterThanOrEqual(3);
	});

	test('a media host that keeps refusing gives a clear item error', async () => {
		const id = await makeVideo(sb);
		sb.fault({ server: 'cdn', path: '/videos/*', type: 'unauthorized', status: 404, times: 2 });
		const r = await h.run(
			waitWorkflow(
				{ maxTimeInNode: 20, downloadVideo: true },
				{ onError: 'continueRegularOutput' },
			),
			{
				items: [{ json: { video_id: id } }],
			},
		);
		const failed = r.items('Failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error.message).toContain('HTTP 404');
		expect(cdnRequests()).toHaveLength(2); // one retry, not more
	});

	test('captioned video, thumbnail, GIF and captions into their own binary fields', async () => {
		const id = await makeVideo(sb, { caption: true, includeGif: true });
		const r = await h.run(
			waitWorkflow({
				maxTimeInNode: 20,
				downloadVideo: true,
				downloadOptions: {
					binaryPropertyName: 'video',
					captionedVideo: true,
					thumbnail: true,
					gif: true,
					captions: true,
				},
			}),
			{ items: [{ json: { video_id: id } }] },
		);
		const [item] = r.items('Completed');
		expect(Object.keys(item.binary).sort()).toEqual(['captions', 'gif', 'thumbnail', 'video']);
		expect(item.binary.video).toMatchObject({
			fileName: `${id}_captioned.mp4`,
			mimeType: 'video/mp4',
		});
		expect(item.binary.thumbnail.mimeType).toBe('image/jpeg');
		expect(item.binary.gif.mimeType).toBe('image/gif');
		expect(item.binary.captions.fileName).toBe(`${id}.srt`);
		const captioned = await h.binaryBuffer(item, 'video');
		expect(sha256(captioned)).toBe(
			sha256(expectedVideoBytes(id, sb.videos.get(id).sizeBytes, 'caption')),
		);
		const srt = (await h.binaryBuffer(item, 'captions')).toString('utf8');
		expect(srt).toMatch(/-->/);
	});

	test('callback mode downloads when the callback resumes the execution', async () => {
		sb.setRender({ pendingMs: 20, processingMs: 600_000 });
		const id = await makeVideo(sb);
		const r = await h.run(waitWorkflow({ waitMode: 'callback', downloadVideo: true }), {
			items: [{ json: { video_id: id } }],
		});
		expect(r.status).toBe('waiting');
		expect(cdnRequests()).toHaveLength(0);
		sb.complete(id);
		const { result } = await h.resumeWithWebhook(r, {
			body: { event_type: 'avatar_video.success', event_data: { video_id: id } },
		});
		const [item] = result.items('Completed');
		const bytes = await h.binaryBuffer(item, 'data');
		expect(sha256(bytes)).toBe(sha256(expectedVideoBytes(id, sb.videos.get(id).sizeBytes)));
		for (const request of cdnRequests()) expect(request.headers['x-api-key']).toBeUndefined();
		sb.setRender({ pendingMs: 50, processingMs: 150 });
	});
});

export {};
