'use strict';
/**
 * The sandbox's media host: signed URLs (re-signed on every status call, SIM CHOICE signature scheme),
 * 403 on bad/expired signatures, 404 on missing files, deterministic streamed MP4 bytes, ranges, captions,
 * thumbnails and GIFs, and constant memory for large files.
 */

const http = require('node:http');
const crypto = require('node:crypto');
const { startSandbox, expectedVideoBytes, videoSha256 } = require('../../tools/heygen-sandbox');
const {
	api,
	rawRequest,
	birthdayBody,
	generateV3,
	generateLegacy,
} = require('../../tools/heygen-sandbox/helpers');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ render: { pendingMs: 10, processingMs: 20 }, videoBytes: 150_000 });
});
afterEach(() => {
	sb.reset();
	sb.setVideoBytes(150_000);
});
afterAll(() => sb.close());

async function completedV3(body = birthdayBody()) {
	const id = await generateV3(sb, 'tpl_birthday', body);
	await sb.waitFor((s) => s.videos.get(id).status === 'completed');
	return id;
}
async function detail(id) {
	return (await api(sb, 'GET', `/v3/videos/${id}`)).json.data;
}

describe('signed URLs', () => {
	test('each status call re-signs: URLs differ, every one downloads while unexpired', async () => {
		const id = await completedV3();
		const a = (await detail(id)).video_url;
		const b = (await detail(id)).video_url;
		const c = (await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`)).json.data.video_url;
		expect(new Set([a, b, c]).size).toBe(3);
		for (const u of [a, b, c]) {
			expect(u.startsWith(`${sb.cdnUrl}/videos/${id}/video.mp4?`)).toBe(true);
			const q = new URL(u).searchParams;
			expect(Number(q.get('Expires'))).toBeGreaterThan(Date.now() / 1000 + 3000);
			expect(q.get('Signature')).toMatch(/^[0-9a-f]{64}$/);
			const r = await rawRequest(u);
			expect(r.status).toBe(200);
		}
	});

	test('tampered signature, tampered path, missing signature → 403', async () => {
		const id = await completedV3();
		const other = await completedV3();
		const u = new URL((await detail(id)).video_url);
		const sig = u.searchParams.get('Signature');
		const flipped = new URL(u);
		flipped.searchParams.set('Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
		const r1 = await rawRequest(flipped.toString());
		expect(r1.status).toBe(403);
		expect(r1.body.toString()).toContain('<Code>AccessDenied</Code>');
		const moved = new URL(u);
		moved.pathname = `/videos/${other}/video.mp4`;
		expect((await rawRequest(moved.toString())).status).toBe(403);
		const later = new URL(u);
		later.searchParams.set('Expires', String(Number(u.searchParams.get('Expires')) + 3600));
		expect((await rawRequest(later.toString())).status).toBe(403);
		expect((await rawRequest(`${sb.cdnUrl}/videos/${id}/video.mp4`)).status).toBe(403);
	});

	test('an expired signature → 403 "Request has expired"', async () => {
		const expired = await startSandbox({
			urlTtlSeconds: -5,
			render: { pendingMs: 1, processingMs: 1 },
		});
		try {
			const id = await generateV3(expired);
			await expired.waitFor((s) => s.videos.get(id).status === 'completed');
			const url = (await api(expired, 'GET', `/v3/videos/${id}`)).json.data.video_url;
			const r = await rawRequest(url);
			expect(r.status).toBe(403);
			expect(r.body.toString()).toContain('Request has expired');
		} finally {
			await expired.close();
		}
	});

	test('a valid signature of a file that does not exist → 404', async () => {
		const id = await completedV3(); // no gif, no captions requested
		for (const f of [
			'preview.gif',
			'video_caption.mp4',
			'subtitle.srt',
			'caption.ass',
			'nope.bin',
		]) {
			const r = await rawRequest(sb.signUrl(`/videos/${id}/${f}`));
			expect(r.status).toBe(404);
			expect(r.body.toString()).toContain('NoSuchKey');
		}
		expect(
			(await rawRequest(sb.signUrl('/videos/0123456789abcdef0123456789abcdef/video.mp4'))).status,
		).toBe(404);
		sb.setRender({ pendingMs: 60000 });
		const pending = await generateV3(sb);
		expect((await rawRequest(sb.signUrl(`/videos/${pending}/video.mp4`))).status).toBe(404);
		sb.setRender({ pendingMs: 10, processingMs: 20 });
	});

	test('the CDN needs no API key, logs its requests, and never saw one', async () => {
		const id = await completedV3();
		await rawRequest((await detail(id)).video_url);
		const cdn = sb.requests.filter((e) => e.server === 'cdn');
		expect(cdn.length).toBe(1);
		expect(cdn[0]).toMatchObject({ method: 'GET', path: `/videos/${id}/video.mp4`, status: 200 });
		expect(cdn[0].query.Signature).toMatch(/^[0-9a-f]{64}$/);
		expect(cdn.every((e) => !('x-api-key' in e.headers))).toBe(true);
		// ...and a client that wrongly forwards the key is visible in the log.
		await rawRequest((await detail(id)).video_url, { headers: { 'X-Api-Key': sb.apiKey } });
		expect(
			sb.requests.filter((e) => e.server === 'cdn' && e.headers['x-api-key'] === sb.apiKey),
		).toHaveLength(1);
	});
});

describe('media bytes', () => {
	test('MP4: streamed, Content-Length/Type, starts with ftyp, equals expectedVideoBytes', async () => {
		const id = await completedV3();
		const r = await rawRequest((await detail(id)).video_url);
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toBe('video/mp4');
		expect(r.headers['content-length']).toBe('150000');
		expect(r.headers['accept-ranges']).toBe('bytes');
		expect(r.body.length).toBe(150000);
		expect(r.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(r.body.subarray(36, 40).toString('latin1')).toBe('mdat');
		const expected = expectedVideoBytes(id, 150000);
		expect(r.body.equals(expected)).toBe(true);
		expect(crypto.createHash('sha256').update(r.body).digest('hex')).toBe(videoSha256(id, 150000));
		// deterministic per id, different between ids
		expect(expectedVideoBytes(id, 1000).equals(expected.subarray(0, 1000))).toBe(false); // mdat size differs
		expect(expectedVideoBytes(id, 1000).subarray(48).equals(expected.subarray(48, 1000))).toBe(
			true,
		);
	});

	test('videos of the legacy route download the same way', async () => {
		const id = await generateLegacy(sb);
		await sb.waitFor((s) => s.videos.get(id).status === 'completed');
		const url = (await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`)).json.data.video_url;
		const r = await rawRequest(url);
		expect(r.body.equals(expectedVideoBytes(id, 150000))).toBe(true);
	});

	test('Range requests (206/416) and HEAD', async () => {
		const id = await completedV3();
		const url = (await detail(id)).video_url;
		const full = expectedVideoBytes(id, 150000);
		const part = await rawRequest(url, { headers: { Range: 'bytes=100-70099' } });
		expect(part.status).toBe(206);
		expect(part.headers['content-range']).toBe('bytes 100-70099/150000');
		expect(part.body.equals(full.subarray(100, 70100))).toBe(true);
		const odd = await rawRequest(url, { headers: { Range: 'bytes=17-' } });
		expect(odd.body.equals(full.subarray(17))).toBe(true);
		const suffix = await rawRequest(url, { headers: { Range: 'bytes=-10' } });
		expect(suffix.body.equals(full.subarray(-10))).toBe(true);
		const bad = await rawRequest(url, { headers: { Range: 'bytes=200000-' } });
		expect(bad.status).toBe(416);
		expect(bad.headers['content-range']).toBe('bytes */150000');
		const head = await rawRequest(url, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers['content-length']).toBe('150000');
		expect(head.body.length).toBe(0);
	});

	test('captioned MP4, SRT (v3), ASS (v1), JPEG thumbnail and GIF', async () => {
		const id = await completedV3(birthdayBody({ caption: true, include_gif: true }));
		const d = await detail(id);
		const cap = await rawRequest(d.captioned_video_url);
		expect(cap.body.equals(expectedVideoBytes(id, 150000, 'caption'))).toBe(true);
		expect(cap.body.equals(expectedVideoBytes(id, 150000))).toBe(false);
		const srt = await rawRequest(d.subtitle_url);
		expect(srt.headers['content-type']).toMatch(/subrip/);
		expect(srt.body.toString()).toMatch(/^1\n00:00:00,000 --> \d\d:\d\d:\d\d,\d{3}\nAda\n/);
		const ass = await rawRequest(
			(await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`)).json.data.caption_url,
		);
		expect(ass.body.toString()).toMatch(/^\[Script Info\]/);
		expect(ass.body.toString()).toContain('Dialogue: 0,0:00:00.00');
		const thumb = await rawRequest(d.thumbnail_url);
		expect(thumb.headers['content-type']).toBe('image/jpeg');
		expect([...thumb.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
		expect([...thumb.body.subarray(-2)]).toEqual([0xff, 0xd9]);
		const gif = await rawRequest(d.gif_url);
		expect(gif.headers['content-type']).toBe('image/gif');
		expect(gif.body.subarray(0, 6).toString('latin1')).toBe('GIF89a');
	});

	test('setVideoBytes changes the size of later renders; tiny sizes stay consistent', async () => {
		sb.setVideoBytes(40);
		const id = await completedV3();
		const r = await rawRequest((await detail(id)).video_url);
		expect(r.body.length).toBe(40);
		expect(r.body.equals(expectedVideoBytes(id, 40))).toBe(true);
	});

	// Memory is measured by test/bench/sandbox-stream-memory.js (npm run bench), not here: RSS is noisy.
	test('a large file streams whole and byte-exact (32 MB, hash checked)', async () => {
		const size = 32 * 1024 * 1024;
		sb.setVideoBytes(size);
		const id = await completedV3();
		const url = (await detail(id)).video_url;
		const { bytes, hash, contentLength } = await new Promise((resolve, reject) => {
			http
				.get(url, { agent: false }, (res) => {
					const h = crypto.createHash('sha256');
					let n = 0;
					res.on('data', (c) => {
						h.update(c);
						n += c.length;
					});
					res.on('end', () =>
						resolve({
							bytes: n,
							hash: h.digest('hex'),
							contentLength: res.headers['content-length'],
						}),
					);
					res.on('error', reject);
				})
				.on('error', reject);
		});
		expect(contentLength).toBe(String(size));
		expect(bytes).toBe(size);
		expect(hash).toBe(videoSha256(id, size));
	});
});
