/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/* HeyGen Trigger in n8n-core's engine: registration at the sandbox, signed deliveries over real HTTP. */
import { createHmac } from 'crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require('../support/trigger');

const {
	setupTrigger,
	triggerWorkflow,
	webhookCalls,
	endpointDeliveries,
	resultItems,
	makeVideo,
	makeVideos,
	statusCalls,
} = support;

const ENDPOINTS_V3 = /^\/v3\/webhooks\/endpoints/;
const ENDPOINTS_V1 = /^\/v1\/webhook\/endpoint\./;

describe('HeyGen Trigger', () => {
	let sb: any;
	let server: any;

	beforeAll(async () => {
		({ sb, server } = await setupTrigger());
	});
	afterAll(async () => {
		await server.close();
		await sb.close();
	});
	beforeEach(() => {
		sb.reset();
		sb._core.options.webhookDuplicates = 0;
		sb._core.options.companionEvents = false;
		server.workflows.length = 0;
	});

	async function deliveriesSettled(count: number) {
		await sb.waitFor(
			() =>
				endpointDeliveries(sb).filter((c: any) => c.status !== undefined || c.error).length >=
				count,
			{
				timeoutMs: 15_000,
			},
		);
	}

	test("publishing registers exactly one v3 endpoint for the webhook URL (HeyGen's OPTIONS probe answered)", async () => {
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		expect(sb.webhooks).toHaveLength(1);
		const [endpoint] = sb.webhooks;
		expect(endpoint.url).toBe(wf.url());
		expect(endpoint.url).toMatch(/\/webhook\/0b9c3f51-[^/]+\/webhook$/);
		expect([...endpoint.events].sort()).toEqual(['avatar_video.fail', 'avatar_video.success']);
		expect(webhookCalls(sb, 'POST', ENDPOINTS_V3)).toHaveLength(1);
		expect(sb.probes).toEqual([expect.objectContaining({ url: wf.url(), status: 204 })]);
		const saved = wf.savedStaticData['node:HeyGen Trigger'].registrations[wf.url()];
		expect(saved).toEqual(
			expect.objectContaining({
				endpointId: endpoint.endpoint_id,
				secret: endpoint.secret,
				api: 'v3',
			}),
		);
	});

	test('a finished render starts one execution with flat fields and fresh links from one status read', async () => {
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		const id = await makeVideo(sb, { callbackId: 'row-17', includeGif: true });
		await deliveriesSettled(1);
		const [delivery] = endpointDeliveries(sb);
		expect(delivery.status).toBe(200);
		expect(JSON.parse(delivery.responseBody)).toEqual({ received: true, started: true });
		const items = await resultItems(wf);
		expect(items).toHaveLength(1);
		const item = items[0];
		expect(item).toEqual(
			expect.objectContaining({
				event_type: 'avatar_video.success',
				event_id: delivery.eventId,
				video_id: id,
				status: 'completed',
				callback_id: 'row-17',
				api_version: 'v3',
				code: null,
				message: null,
			}),
		);
		expect(item.video_url).toMatch(new RegExp(`^${sb.cdnUrl}/videos/${id}/video\\.mp4\\?Expires=`));
		expect(item.video_url).not.toBe(delivery.body.event_data.url); // re-signed by the status read
		expect(item.gif_url).toMatch(/preview\.gif/);
		expect(item.thumbnail_url).toMatch(/thumbnail\.jpg/);
		expect(item.duration).toBe(sb.videos.get(id).duration);
		expect(item.urls_expire_at).toEqual(expect.any(String));
		expect(item.event_data).toEqual(delivery.body.event_data);
		const reads = statusCalls(sb).filter((r: any) => r.path.includes(id));
		expect(reads.map((r: any) => r.path)).toEqual([`/v3/videos/${id}`]);
	});

	test("a failed render carries HeyGen's failure code and message", async () => {
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		const id = await makeVideo(sb, { message: '[[sandbox:fail]]', callbackId: 'row-3' });
		await deliveriesSettled(1);
		const [item] = await resultItems(wf);
		expect(item).toEqual(
			expect.objectContaining({
				event_type: 'avatar_video.fail',
				video_id: id,
				status: 'failed',
				callback_id: 'row-3',
			}),
		);
		expect(item.code).toBe('40119');
		expect(item.message).toMatch(/too long/i);
		expect(item.video_url).toBeNull();
	});

	test("HeyGen's duplicate deliveries of one event start one execution; each duplicate is answered 200", async () => {
		sb._core.options.webhookDuplicates = 2;
		sb._core.options.webhookDuplicateDelayMs = 60;
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		const ids = await makeVideos(sb, 5);
		await deliveriesSettled(15);
		const deliveries = endpointDeliveries(sb);
		expect(deliveries).toHaveLength(15);
		expect(new Set(deliveries.map((d: any) => d.eventId)).size).toBe(5);
		expect(deliveries.every((d: any) => d.status === 200)).toBe(true);
		const items = await resultItems(wf);
		expect(items.map((i: any) => i.video_id).sort()).toEqual([...ids].sort());
		expect(wf.executions).toHaveLength(5);
		const started = deliveries.filter((d: any) => JSON.parse(d.responseBody).started === true);
		expect(started).toHaveLength(5);
	});

	test('the same event without an event id is recognised by event type + video id', async () => {
		const wf = server.add(triggerWorkflow({ fetchDetails: false }));
		await wf.publish();
		const [endpoint] = sb.webhooks;
		const payload = {
			event_type: 'avatar_video.success',
			event_data: { video_id: 'v-1', url: 'https://cdn/x.mp4', callback_id: 'a' },
		};
		const first = await sb.sendDelivery(wf.url(), payload, {
			secret: endpoint.secret,
			eventId: '',
		});
		const second = await sb.sendDelivery(wf.url(), payload, {
			secret: endpoint.secret,
			eventId: '',
		});
		expect([first.status, second.status]).toEqual([200, 200]);
		expect(JSON.parse(second.responseBody)).toEqual(
			expect.objectContaining({ started: false, reason: 'Duplicate delivery' }),
		);
		expect(await resultItems(wf)).toHaveLength(1);
	});

	test('forged, unsigned, tampered and wrongly signed deliveries get 401 and start nothing', async () => {
		const wf = server.add(triggerWorkflow({ fetchDetails: false }));
		await wf.publish();
		const [endpoint] = sb.webhooks;
		const payload = {
			event_type: 'avatar_video.success',
			event_data: { video_id: 'v-2', url: 'https://evil/x.mp4', callback_id: 'a' },
		};
		const answers = [
			await sb.sendDelivery(wf.url(), payload, {}),
			await sb.sendDelivery(wf.url(), payload, { secret: 'whsec_guess' }),
			await sb.sendDelivery(wf.url(), payload, { signature: 'f'.repeat(64) }),
			await sb.sendDelivery(wf.url(), payload, { signature: 'not-hex' }),
			await sb.sendDelivery(wf.url(), payload, {
				secret: endpoint.secret,
				rawBody: JSON.stringify(payload),
				signature: createHmac('sha256', endpoint.secret).update('{"other":1}').digest('hex'),
			}),
		];
		expect(answers.map((a: any) => a.status)).toEqual([401, 401, 401, 401, 401]);
		expect(wf.executions).toHaveLength(0);
		// The genuine one still passes afterwards.
		const genuine = await sb.sendDelivery(wf.url(), payload, { secret: endpoint.secret });
		expect(genuine.status).toBe(200);
		expect(await resultItems(wf)).toHaveLength(1);
	});

	test('unselected events and other callback ID prefixes are answered 200 and start nothing', async () => {
		const wf = server.add(
			triggerWorkflow({
				events: ['avatar_video.success'],
				fetchDetails: false,
				options: { callbackIdPrefix: 'crm-, shop-' },
			}),
		);
		await wf.publish();
		const [endpoint] = sb.webhooks;
		expect(endpoint.events).toEqual(['avatar_video.success']);
		const send = async (eventType: string, callbackId: string | null) =>
			await sb.sendDelivery(
				wf.url(),
				{
					event_type: eventType,
					event_data: { video_id: `v-${eventType}-${callbackId}`, callback_id: callbackId },
				},
				{ secret: endpoint.secret },
			);
		const gif = await send('avatar_video_gif.success', 'crm-1');
		const other = await send('avatar_video.success', 'other-2');
		const none = await send('avatar_video.success', null);
		const crm = await send('avatar_video.success', 'crm-3');
		const shop = await send('avatar_video.success', 'shop-4');
		expect([gif, other, none, crm, shop].map((a: any) => a.status)).toEqual([
			200, 200, 200, 200, 200,
		]);
		expect(JSON.parse(gif.responseBody).reason).toMatch(/not selected/);
		expect(JSON.parse(other.responseBody).reason).toMatch(/prefix/);
		const items = await resultItems(wf);
		expect(items.map((i: any) => i.callback_id).sort()).toEqual(['crm-3', 'shop-4']);
	});

	test('GIF and caption events when selected (same payload shape)', async () => {
		sb._core.options.companionEvents = true;
		const wf = server.add(
			triggerWorkflow({
				events: [
					'avatar_video.success',
					'avatar_video_gif.success',
					'avatar_video_caption.success',
				],
			}),
		);
		await wf.publish();
		const id = await makeVideo(sb, { includeGif: true, caption: true, callbackId: 'row-9' });
		await deliveriesSettled(3);
		const items = await resultItems(wf);
		expect(items.map((i: any) => i.event_type).sort()).toEqual([
			'avatar_video.success',
			'avatar_video_caption.success',
			'avatar_video_gif.success',
		]);
		expect(items.every((i: any) => i.video_id === id && i.status === 'completed')).toBe(true);
		expect(items.every((i: any) => /video_caption\.mp4/.test(i.captioned_video_url))).toBe(true);
	});

	test('after an n8n restart the endpoint is found again: no second endpoint, old events still deduplicated', async () => {
		const wf = server.add(triggerWorkflow({ fetchDetails: false }));
		await wf.publish();
		await makeVideo(sb);
		await deliveriesSettled(1);
		const [delivery] = endpointDeliveries(sb);
		// Saved as n8n saves it (the in-process memory is gone after a restart; the static data is not).
		const seen = wf.savedStaticData['node:HeyGen Trigger'].seen;
		expect(Object.keys(seen)).toContain(`${sb.webhooks[0].endpoint_id}/id:${delivery.eventId}`);
		await wf.publish({ activation: 'init' });
		await wf.publish({ activation: 'init' });
		expect(sb.webhooks).toHaveLength(1);
		expect(webhookCalls(sb, 'POST', ENDPOINTS_V3)).toHaveLength(1);
		expect(webhookCalls(sb, 'GET', ENDPOINTS_V3)).toHaveLength(3); // first publish looked for leftovers
		const again = await sb.sendDelivery(wf.url(), delivery.body, {
			secret: sb.webhooks[0].secret,
			eventId: delivery.eventId,
		});
		expect(JSON.parse(again.responseBody)).toEqual(
			expect.objectContaining({ started: false, reason: 'Duplicate delivery' }),
		);
		expect(wf.executions).toHaveLength(1);
	});

	test('n8n starting while HeyGen fails keeps the known endpoint; a rejected key fails the activation', async () => {
		const wf = server.add(triggerWorkflow({ fetchDetails: false }));
		await wf.publish();
		sb.fault({
			method: 'GET',
			path: '/v3/webhooks/endpoints',
			type: 'server_error',
			status: 503,
			times: Infinity,
		});
		await wf.publish({ activation: 'init' });
		expect(sb.webhooks).toHaveLength(1);
		expect(webhookCalls(sb, 'POST', ENDPOINTS_V3)).toHaveLength(1);
		sb.reset();
		const again = server.add(
			triggerWorkflow({}, { id: 'wf-key', webhookId: '7f1e0f6a-3333-4c2b-8a55-6b0f6a1c0003' }),
		);
		await again.publish();
		sb.fault({
			method: 'GET',
			path: '/v3/webhooks/endpoints',
			type: 'unauthorized',
			times: Infinity,
		});
		await expect(again.publish({ activation: 'init' })).rejects.toThrow(/401|unauthori|key/i);
	});

	test('a lost secret or a vanished endpoint is registered anew, never twice', async () => {
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		const first = sb.webhooks[0].endpoint_id;
		wf.savedStaticData = {}; // static data lost: the endpoint at HeyGen is a leftover without its secret
		await wf.publish({ activation: 'init' });
		expect(sb.webhooks).toHaveLength(1);
		expect(sb.webhooks[0].endpoint_id).not.toBe(first);
		expect(webhookCalls(sb, 'DELETE', ENDPOINTS_V3).map((r: any) => r.path)).toEqual([
			`/v3/webhooks/endpoints/${first}`,
		]);

		sb._core.webhooks.clear(); // removed at HeyGen (dashboard)
		await wf.publish({ activation: 'init' });
		expect(sb.webhooks).toHaveLength(1);
		const saved = wf.savedStaticData['node:HeyGen Trigger'].registrations[wf.url()];
		expect(saved.endpointId).toBe(sb.webhooks[0].endpoint_id);
		expect(saved.secret).toBe(sb.webhooks[0].secret);
	});

	test('changing the events re-registers; unpublishing deletes the endpoint and stops deliveries', async () => {
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		wf.workflowData.nodes[0].parameters = { events: ['avatar_video.success'] };
		await wf.publish({ activation: 'update' });
		expect(sb.webhooks).toHaveLength(1);
		expect(sb.webhooks[0].events).toEqual(['avatar_video.success']);
		expect(await wf.unpublish()).toBe(true);
		expect(sb.webhooks).toHaveLength(0);
		expect(wf.savedStaticData['node:HeyGen Trigger'].registrations).toEqual({});
		const gone = await sb.sendDelivery(
			wf.url(),
			{ event_type: 'avatar_video.success', event_data: { video_id: 'x' } },
			{ secret: 'whsec_x' },
		);
		expect(gone.status).toBe(404);
	});

	test('legacy webhook API: chosen, or when v3 has no webhook endpoints; details from v1 for legacy videos', async () => {
		sb.fault({
			method: 'GET',
			path: '/v3/webhooks/endpoints',
			type: 'server_error',
			status: 404,
			code: 'not_found',
			message: 'Not found',
			times: Infinity,
		});
		sb.fault({
			method: 'POST',
			path: '/v3/webhooks/endpoints',
			type: 'server_error',
			status: 404,
			code: 'not_found',
			message: 'Not found',
			times: Infinity,
		});
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		expect(webhookCalls(sb, 'POST', ENDPOINTS_V1).map((r: any) => r.path)).toEqual([
			'/v1/webhook/endpoint.add',
		]);
		const saved = wf.savedStaticData['node:HeyGen Trigger'].registrations[wf.url()];
		expect(saved.api).toBe('legacy');
		const id = await makeVideo(sb, { family: 'legacy', callbackId: 'row-1' });
		await deliveriesSettled(1);
		const [item] = await resultItems(wf);
		expect(item).toEqual(
			expect.objectContaining({
				video_id: id,
				status: 'completed',
				api_version: 'legacy',
				callback_id: 'row-1',
			}),
		);
		expect(statusCalls(sb).map((r: any) => r.path)).toEqual([
			`/v3/videos/${id}`,
			'/v1/video_status.get',
		]);
		await wf.publish({ activation: 'init' });
		expect(webhookCalls(sb, 'GET', ENDPOINTS_V1)).toHaveLength(2); // leftover check at publish, then the restart
		expect(webhookCalls(sb, 'POST', ENDPOINTS_V1)).toHaveLength(1);
		expect(await wf.unpublish()).toBe(true);
		expect(webhookCalls(sb, 'DELETE', ENDPOINTS_V1)).toHaveLength(1);
		expect(sb.webhooks).toHaveLength(0);

		const chosen = server.add(
			triggerWorkflow(
				{ options: { webhookApi: 'legacy', statusApi: 'legacy' } },
				{ id: 'wf-legacy', webhookId: '7f1e0f6a-1111-4c2b-8a55-6b0f6a1c0001' },
			),
		);
		await chosen.publish();
		expect(webhookCalls(sb, 'POST', ENDPOINTS_V1)).toHaveLength(2);
		expect(sb.webhooks).toHaveLength(1);
	});

	test('Fetch Video Details off: no status call; a failing status read still starts the workflow', async () => {
		const off = server.add(triggerWorkflow({ fetchDetails: false }));
		await off.publish();
		const id = await makeVideo(sb, { callbackId: 'row-5' });
		await deliveriesSettled(1);
		const [item] = await resultItems(off);
		expect(item).toEqual(
			expect.objectContaining({ video_id: id, status: 'completed', callback_id: 'row-5' }),
		);
		expect(item.video_url).toBe(endpointDeliveries(sb)[0].body.event_data.url);
		expect(statusCalls(sb)).toHaveLength(0);
		await off.unpublish();

		const on = server.add(
			triggerWorkflow({}, { id: 'wf-on', webhookId: '7f1e0f6a-2222-4c2b-8a55-6b0f6a1c0002' }),
		);
		await on.publish();
		sb.fault({ path: 'regex:^/v3/videos/', type: 'server_error', status: 500, times: Infinity });
		const id2 = await makeVideo(sb, { callbackId: 'row-6' });
		await deliveriesSettled(2);
		const [item2] = await resultItems(on);
		expect(item2).toEqual(
			expect.objectContaining({ video_id: id2, status: 'completed', callback_id: 'row-6' }),
		);
		expect(item2.details_error).toEqual(expect.any(String));
	});

	test('test URL ("listen for test event") registers its own endpoint and removes it after the first event', async () => {
		const wf = server.add(triggerWorkflow());
		await wf.publish();
		await wf.listenForTestEvent();
		expect(sb.webhooks.map((e: any) => e.url).sort()).toEqual([wf.url(false), wf.url(true)].sort());
		expect(wf.url(true)).toMatch(/\/webhook-test\//);
		await makeVideo(sb, { callbackId: 'row-t' });
		await deliveriesSettled(2);
		await sb.waitFor(() => sb.webhooks.length === 1, { timeoutMs: 10_000 });
		expect(sb.webhooks[0].url).toBe(wf.url(false)); // the production endpoint is untouched
		expect(wf.executions).toHaveLength(2); // one production, one test execution
		expect(wf.savedStaticData['node:HeyGen Trigger'].registrations[wf.url(true)]).toBeUndefined();
	});
});
