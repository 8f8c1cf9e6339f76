/* Sandbox: webhook endpoint deliveries, duplicates, manual (forged/unsigned) deliveries, the OPTIONS probe. */
const { startSandbox, verifyBodySignature } = require('../../tools/heygen-sandbox');
const {
	api,
	generateV3,
	birthdayBody,
	startReceiver,
} = require('../../tools/heygen-sandbox/helpers');

describe('sandbox webhook endpoints and deliveries', () => {
	let sb;
	let receiver;
	beforeAll(async () => {
		sb = await startSandbox({
			render: { pendingMs: 10, processingMs: 30 },
			webhookProbe: true,
			callbackRetry: { attempts: 2, delaysMs: [20] },
		});
		receiver = await startReceiver([200]);
	});
	afterAll(async () => {
		await receiver.close();
		await sb.close();
	});
	beforeEach(() => {
		sb.reset();
		receiver.received.length = 0;
		sb._core.options.webhookDuplicates = 0;
	});

	test('v3 create probes the URL with OPTIONS, returns the secret once; list hides it; legacy list shows it', async () => {
		const created = await api(sb, 'POST', '/v3/webhooks/endpoints', {
			body: { url: receiver.url, events: ['avatar_video.success'] },
		});
		expect(created.status).toBe(200);
		expect(created.json.data.secret).toMatch(/^whsec_/);
		expect(sb.probes).toEqual([expect.objectContaining({ url: receiver.url })]);
		const listed = await api(sb, 'GET', '/v3/webhooks/endpoints');
		expect(listed.json.data[0]).toEqual(
			expect.objectContaining({ endpoint_id: created.json.data.endpoint_id, secret: null }),
		);
		const legacy = await api(sb, 'GET', '/v1/webhook/endpoint.list');
		expect(legacy.json.data[0].secret).toBe(created.json.data.secret);
	});

	test('a URL that does not answer the OPTIONS probe is refused (v3 and legacy)', async () => {
		const dead = 'http://127.0.0.1:9/hook';
		expect((await api(sb, 'POST', '/v3/webhooks/endpoints', { body: { url: dead } })).status).toBe(
			400,
		);
		expect(
			(await api(sb, 'POST', '/v1/webhook/endpoint.add', { body: { url: dead } })).status,
		).toBe(400);
		expect(sb.webhooks).toHaveLength(0);
	});

	test('duplicates: the same event id and body, signed with the endpoint secret, after a 2xx', async () => {
		sb._core.options.webhookDuplicates = 2;
		sb._core.options.webhookDuplicateDelayMs = 30;
		const { secret } = sb.registerWebhook(receiver.url, { events: ['avatar_video.success'] });
		await generateV3(sb, 'tpl_birthday', birthdayBody());
		// The receiver can have the third delivery before the sandbox has logged it: wait for both.
		await sb.waitFor(
			(state) =>
				receiver.received.length >= 3 && state.callbacks.filter((c) => c.duplicate).length >= 2,
			{ timeoutMs: 10_000 },
		);
		const ids = new Set(receiver.received.map((r) => r.headers['heygen-event-id']));
		expect(ids.size).toBe(1);
		expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
		expect(
			receiver.received.every((r) =>
				verifyBodySignature(secret, r.body, r.headers['heygen-signature']),
			),
		).toBe(true);
		expect(sb.callbacks.filter((c) => c.duplicate).map((c) => c.duplicate)).toEqual([1, 2]);
	});

	test('sendDelivery: signed, unsigned, or with a given signature; recorded as manual', async () => {
		const payload = { event_type: 'avatar_video.success', event_data: { video_id: 'v' } };
		await sb.sendDelivery(receiver.url, payload, { secret: 'whsec_x', eventId: 'evt_1' });
		await sb.sendDelivery(receiver.url, payload, {});
		await sb.sendDelivery(receiver.url, payload, { signature: 'abc' });
		const [signed, unsigned, given] = receiver.received;
		expect(verifyBodySignature('whsec_x', signed.body, signed.headers['heygen-signature'])).toBe(
			true,
		);
		expect(signed.headers['heygen-event-id']).toBe('evt_1');
		expect(unsigned.headers['heygen-signature']).toBeUndefined();
		expect(given.headers['heygen-signature']).toBe('abc');
		expect(sb.callbacks.filter((c) => c.kind === 'manual').map((c) => c.status)).toEqual([
			200, 200, 200,
		]);
	});
});
