'use strict';
/**
 * Outgoing events: avatar_video.success / avatar_video.fail to callback_url and registered endpoints,
 * signed with HMAC-SHA256 of the raw body (Heygen-Signature), retried on connection errors, 5xx, 409 and 429.
 * SIM CHOICE: callback_url deliveries are signed with the sandbox's callbackSecret.
 */

const crypto = require('node:crypto');
const { startSandbox, verifyBodySignature } = require('../../tools/heygen-sandbox');
const {
	api,
	rawRequest,
	textVar,
	birthdayBody,
	generateV3,
	generateLegacy,
	startReceiver,
} = require('../../tools/heygen-sandbox/helpers');

let sb;
const receivers = [];
beforeAll(async () => {
	sb = await startSandbox({
		render: { pendingMs: 10, processingMs: 20 },
		callbackRetry: { attempts: 4, delaysMs: [30, 60, 90] },
	});
});
afterEach(async () => {
	sb.reset();
	while (receivers.length) await receivers.pop().close();
});
afterAll(() => sb.close());

async function receiver(script) {
	const r = await startReceiver(script);
	receivers.push(r);
	return r;
}
const hmac = (secret, body) => crypto.createHmac('sha256', secret).update(body).digest('hex');

describe('callback_url', () => {
	test('success event: payload, headers and a verifiable signature; the url downloads', async () => {
		const rx = await receiver([200]);
		const id = await generateV3(
			sb,
			'tpl_birthday',
			birthdayBody({ callback_url: `${rx.url}/hook?x=1`, callback_id: 'row-7', include_gif: true }),
		);
		await sb.waitFor((s) => s.callbacks.some((c) => c.videoId === id && c.status === 200));
		expect(rx.received).toHaveLength(1);
		const got = rx.received[0];
		expect(got.method).toBe('POST');
		expect(got.url).toBe('/hook?x=1');
		expect(got.headers['content-type']).toBe('application/json');
		expect(got.headers['heygen-signature']).toBe(hmac(sb.callbackSecret, got.body));
		expect(verifyBodySignature(sb.callbackSecret, got.body, got.headers['heygen-signature'])).toBe(
			true,
		);
		expect(sb.verifySignature(got.body, got.headers['heygen-signature'])).toBe(true);
		expect(sb.verifySignature(`${got.body} `, got.headers['heygen-signature'])).toBe(false);
		expect(Math.abs(Number(got.headers['heygen-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
		expect(got.headers['heygen-event-id']).toMatch(/^evt_/);
		const body = JSON.parse(got.body);
		expect(body).toEqual({
			event_type: 'avatar_video.success',
			event_data: {
				video_id: id,
				url: expect.stringContaining(`${sb.cdnUrl}/videos/${id}/video.mp4?`),
				callback_id: 'row-7',
				gif_download_url: expect.stringContaining('/preview.gif?'),
				video_page_url: `https://app.heygen.com/videos/${id}`,
			},
		});
		expect((await rawRequest(body.event_data.url)).status).toBe(200);
		expect(sb.callbacks[0]).toMatchObject({
			url: `${rx.url}/hook?x=1`,
			status: 200,
			attempt: 1,
			kind: 'callback_url',
			body,
			rawBody: got.body,
			eventType: 'avatar_video.success',
		});
		expect(sb.callbacks[0].headers['heygen-signature']).toBe(got.headers['heygen-signature']);
	});

	test('no gif_download_url without include_gif; fail event carries msg and callback_id (legacy route too)', async () => {
		const rx = await receiver([200]);
		const ok = await generateLegacy(sb, 'tpl_birthday', birthdayBody({ callback_url: rx.url }));
		const bad = await generateLegacy(sb, 'tpl_birthday', {
			variables: { name: textVar('name', '[[sandbox:fail]]') },
			callback_url: rx.url,
			callback_id: 'cb-fail',
		});
		await sb.waitFor(() => rx.received.length === 2);
		const bodies = rx.received.map((r) => JSON.parse(r.body));
		const success = bodies.find((b) => b.event_type === 'avatar_video.success');
		expect(success.event_data.video_id).toBe(ok);
		expect(success.event_data).not.toHaveProperty('gif_download_url');
		expect(success.event_data.callback_id).toBeNull();
		expect(bodies.find((b) => b.event_type === 'avatar_video.fail')).toEqual({
			event_type: 'avatar_video.fail',
			event_data: { video_id: bad, msg: expect.stringMatching(/too long/), callback_id: 'cb-fail' },
		});
	});

	test('sb.fail sends the fail event with the forced message', async () => {
		sb.setRender({ pendingMs: 60000 });
		const rx = await receiver([200]);
		const id = await generateV3(sb, 'tpl_birthday', birthdayBody({ callback_url: rx.url }));
		sb.fail(id, { code: 400144, message: 'Avatar not found' });
		await sb.waitFor(() => rx.received.length === 1);
		expect(JSON.parse(rx.received[0].body).event_data.msg).toBe('Avatar not found');
		sb.setRender({ pendingMs: 10, processingMs: 20 });
	});
});

describe('retries', () => {
	test.each([
		['5xx', [500, 502, 200]],
		['409 (n8n: execution still running)', [409, 409, 200]],
		['429', [429, 200]],
		['a dropped connection', ['drop', 200]],
	])('retried after %s, same event id and signature each time', async (_label, script) => {
		const rx = await receiver(script);
		const id = await generateV3(sb, 'tpl_birthday', birthdayBody({ callback_url: rx.url }));
		await sb.waitFor((s) => s.callbacks.some((c) => c.videoId === id && c.status === 200));
		expect(rx.received).toHaveLength(script.length);
		expect(new Set(rx.received.map((r) => r.headers['heygen-event-id'])).size).toBe(1);
		expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
		expect(sb.callbacks.map((c) => c.attempt)).toEqual(script.map((_, i) => i + 1));
		if (script[0] === 'drop') expect(sb.callbacks[0].error).toBeDefined();
		else expect(sb.callbacks[0].status).toBe(script[0]);
	});

	test('4xx other than 409/429 is final', async () => {
		const rx = await receiver([404, 200]);
		const id = await generateV3(sb, 'tpl_birthday', birthdayBody({ callback_url: rx.url }));
		await sb.waitFor((s) => s.callbacks.some((c) => c.videoId === id));
		// give a retry the chance to (wrongly) happen: wait for a later, unrelated render to finish
		const later = await generateV3(sb);
		await sb.waitFor((s) => s.videos.get(later).status === 'completed');
		await new Promise((r) => setTimeout(r, 150));
		expect(rx.received).toHaveLength(1);
		expect(sb.callbacks).toHaveLength(1);
		expect(sb.callbacks[0].status).toBe(404);
	});

	test('an unreachable URL: every attempt is recorded with its error, then it gives up', async () => {
		const rx = await receiver([200]);
		const deadUrl = rx.url;
		await receivers.pop().close();
		const id = await generateV3(
			sb,
			'tpl_birthday',
			birthdayBody({ callback_url: `${deadUrl}/gone` }),
		);
		await sb.waitFor((s) => s.callbacks.filter((c) => c.videoId === id).length === 4, {
			timeoutMs: 10000,
		});
		expect(sb.callbacks.every((c) => c.error && c.status === undefined)).toBe(true);
		expect(sb.callbacks.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
	});
});

describe('registered webhook endpoints', () => {
	test('endpoints get events signed with their own secret; event filters apply; callback_url gets it too', async () => {
		const all = await receiver([200]);
		const onlyFail = await receiver([200]);
		const cb = await receiver([200]);
		const created = await api(sb, 'POST', '/v3/webhooks/endpoints', {
			body: { url: `${all.url}/all` },
		});
		const secret = created.json.data.secret;
		sb.registerWebhook(`${onlyFail.url}/fail`, { events: ['avatar_video.fail'] });
		const id = await generateV3(sb, 'tpl_birthday', birthdayBody({ callback_url: cb.url }));
		await sb.waitFor((s) => s.callbacks.filter((c) => c.status === 200).length === 2);
		const [got] = all.received;
		expect(got.headers['heygen-signature']).toBe(hmac(secret, got.body));
		expect(cb.received[0].headers['heygen-signature']).toBe(
			hmac(sb.callbackSecret, cb.received[0].body),
		);
		expect(got.headers['heygen-event-id']).toBe(cb.received[0].headers['heygen-event-id']);
		expect(JSON.parse(got.body).event_data.video_id).toBe(id);
		expect(sb.callbacks.find((c) => c.kind === 'webhook')).toMatchObject({
			endpointId: created.json.data.endpoint_id,
			status: 200,
		});
		// the fail-only endpoint got nothing for a success…
		const bad = await generateV3(sb, 'tpl_birthday', {
			variables: { name: textVar('name', '[[sandbox:fail]]') },
		});
		await sb.waitFor(() => onlyFail.received.length === 1 && all.received.length === 2);
		expect(JSON.parse(onlyFail.received[0].body)).toMatchObject({
			event_type: 'avatar_video.fail',
			event_data: { video_id: bad },
		});
	});

	test('v1-registered endpoints receive events too; deleted ones stop receiving', async () => {
		const rx = await receiver([200]);
		const add = await api(sb, 'POST', '/v1/webhook/endpoint.add', { body: { url: rx.url } });
		const first = await generateLegacy(sb);
		await sb.waitFor(() => rx.received.length === 1);
		expect(rx.received[0].headers['heygen-signature']).toBe(
			hmac(add.json.data.secret, rx.received[0].body),
		);
		expect(JSON.parse(rx.received[0].body).event_data.video_id).toBe(first);
		await api(sb, 'DELETE', `/v1/webhook/endpoint.delete?endpoint_id=${add.json.data.endpoint_id}`);
		const second = await generateLegacy(sb);
		await sb.waitFor((s) => s.videos.get(second).status === 'completed');
		await new Promise((r) => setTimeout(r, 100));
		expect(rx.received).toHaveLength(1);
	});
});
