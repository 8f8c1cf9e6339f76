import { createHmac } from 'crypto';

import {
	claimedSignature,
	signatureMatches,
	signatureOf,
	verifyHeyGenSignature,
} from '../../nodes/shared/signature';
import {
	deliveryKey,
	isVideoEvent,
	matchesCallbackPrefix,
	normalizeEvents,
	readDelivery,
} from '../../nodes/HeyGenTrigger/events';
import {
	allRegistrations,
	alreadySeen,
	claimDelivery,
	forgetRegistration,
	prunedSeen,
	registrationFor,
	releaseDelivery,
	rememberSeen,
	saveRegistration,
	SEEN_TTL_MS,
} from '../../nodes/HeyGenTrigger/state';
import { deliveryItem } from '../../nodes/HeyGenTrigger/delivery';
import { fromV3Detail } from '../../nodes/shared/videoRecord';

const SECRET = 'whsec_abc123';
const BODY = '{"event_type":"avatar_video.success","event_data":{"video_id":"v1"}}';

describe('webhook signature (nodes/shared/signature)', () => {
	const good = createHmac('sha256', SECRET).update(BODY).digest('hex');

	test('hex HMAC-SHA256 of the raw body, the secret taken literally with its whsec_ prefix', () => {
		expect(signatureOf(SECRET, BODY)).toBe(good);
		expect(signatureOf(SECRET, Buffer.from(BODY))).toBe(good);
		expect(signatureOf('abc123', BODY)).not.toBe(good);
	});

	test('Heygen-Signature in any case, Signature as the older name, upper-case hex accepted', () => {
		expect(verifyHeyGenSignature(SECRET, BODY, { 'heygen-signature': good })).toBe(true);
		expect(verifyHeyGenSignature(SECRET, BODY, { 'Heygen-Signature': good.toUpperCase() })).toBe(
			true,
		);
		expect(verifyHeyGenSignature(SECRET, BODY, { signature: good })).toBe(true);
		expect(verifyHeyGenSignature(SECRET, BODY, { 'heygen-signature': [good] })).toBe(true);
		expect(claimedSignature({ 'x-other': good })).toBeUndefined();
	});

	test('missing, malformed, wrong-length, wrong secret, changed body: false', () => {
		expect(verifyHeyGenSignature(SECRET, BODY, {})).toBe(false);
		expect(verifyHeyGenSignature(SECRET, BODY, { 'heygen-signature': 'zz' + good.slice(2) })).toBe(
			false,
		);
		expect(verifyHeyGenSignature(SECRET, BODY, { 'heygen-signature': good.slice(0, 62) })).toBe(
			false,
		);
		expect(verifyHeyGenSignature('whsec_other', BODY, { 'heygen-signature': good })).toBe(false);
		expect(verifyHeyGenSignature(SECRET, BODY + ' ', { 'heygen-signature': good })).toBe(false);
		expect(signatureMatches('', BODY, good)).toBe(false);
	});
});

describe('HeyGen events (nodes/HeyGenTrigger/events)', () => {
	test('success payload: event_type/event_data, url → video_url, gif_download_url → gif_url', () => {
		const d = readDelivery(
			{
				event_type: 'avatar_video.success',
				event_data: {
					video_id: 'v1',
					url: 'https://x/v.mp4',
					gif_download_url: 'https://x/g.gif',
					callback_id: 'row-1',
				},
			},
			'evt_1',
		);
		expect(d).toEqual(
			expect.objectContaining({
				event_type: 'avatar_video.success',
				event_id: 'evt_1',
				video_id: 'v1',
				status: 'completed',
				callback_id: 'row-1',
				video_url: 'https://x/v.mp4',
				gif_url: 'https://x/g.gif',
				code: null,
				message: null,
			}),
		);
	});

	test('failure text is msg for video events and message for translations', () => {
		expect(
			readDelivery(
				{ event_type: 'avatar_video.fail', event_data: { video_id: 'v1', msg: 'Too long' } },
				undefined,
			),
		).toEqual(expect.objectContaining({ status: 'failed', message: 'Too long', event_id: null }));
		expect(
			readDelivery(
				{
					event_type: 'video_translate.fail',
					event_data: { video_translate_id: 't1', message: 'Bad audio' },
				},
				undefined,
			),
		).toEqual(expect.objectContaining({ video_id: 't1', status: 'failed', message: 'Bad audio' }));
	});

	test('non-events are undefined; an event id from the body is used when the header is missing', () => {
		expect(readDelivery('text', undefined)).toBeUndefined();
		expect(readDelivery({ hello: 1 }, undefined)).toBeUndefined();
		expect(
			readDelivery(
				{ event_type: 'avatar_video.success', event_id: 'e9', event_data: {} },
				undefined,
			)?.event_id,
		).toBe('e9');
	});

	test('dedupe key: event id, else event type + video id, else none', () => {
		const base = readDelivery(
			{ event_type: 'avatar_video.success', event_data: { video_id: 'v1' } },
			undefined,
		)!;
		expect(deliveryKey(base)).toBe('ev:avatar_video.success:v1');
		expect(deliveryKey({ ...base, event_id: 'e1' })).toBe('id:e1');
		expect(deliveryKey({ ...base, video_id: null })).toBeUndefined();
	});

	test('callback ID prefixes: empty matches all, comma-separated list, no callback ID never matches a prefix', () => {
		expect(matchesCallbackPrefix(null, '')).toBe(true);
		expect(matchesCallbackPrefix('crm-1', ' crm- , shop-')).toBe(true);
		expect(matchesCallbackPrefix('shop-2', 'crm-,shop-')).toBe(true);
		expect(matchesCallbackPrefix('other', 'crm-')).toBe(false);
		expect(matchesCallbackPrefix(null, 'crm-')).toBe(false);
	});

	test('event lists are normalised; video events are the ones the status API can confirm', () => {
		expect(normalizeEvents(['b', 'a', 'a', ' ', 3])).toEqual(['a', 'b']);
		expect(isVideoEvent('avatar_video_gif.success')).toBe(true);
		expect(isVideoEvent('video_translate.success')).toBe(false);
	});

	test('the item prefers the fresh status read, keeps the event data', () => {
		const delivery = readDelivery(
			{
				event_type: 'avatar_video.fail',
				event_data: { video_id: 'v1', msg: 'x', callback_id: 'r' },
			},
			'e',
		)!;
		const details = fromV3Detail(
			{
				data: {
					id: 'v1',
					status: 'failed',
					failure_code: '40119',
					failure_message: 'Video is too long',
				},
			},
			'v1',
		);
		const item = deliveryItem(delivery, details, { received_at: 't' });
		expect(item).toEqual(
			expect.objectContaining({
				status: 'failed',
				code: '40119',
				message: 'Video is too long',
				callback_id: 'r',
				received_at: 't',
				api_version: 'v3',
			}),
		);
		expect(item.event_data).toEqual({ video_id: 'v1', msg: 'x', callback_id: 'r' });
	});
});

describe('trigger state (nodes/HeyGenTrigger/state)', () => {
	test('one registration per URL; forgetting one keeps the other', () => {
		const data: Record<string, unknown> = {};
		saveRegistration(data as never, 'https://n/webhook/a', {
			endpointId: 'e1',
			secret: 's1',
			events: ['x'],
			api: 'v3',
			createdAt: '',
		});
		saveRegistration(data as never, 'https://n/webhook-test/a', {
			endpointId: 'e2',
			secret: 's2',
			events: ['x'],
			api: 'legacy',
			createdAt: '',
		});
		expect(registrationFor(data as never, 'https://n/webhook/a')?.endpointId).toBe('e1');
		expect(allRegistrations(data as never).map((r) => r.api)).toEqual(['v3', 'legacy']);
		forgetRegistration(data as never, 'https://n/webhook-test/a');
		expect(allRegistrations(data as never).map((r) => r.endpointId)).toEqual(['e1']);
	});

	test('seen deliveries: remembered, expire after the TTL, bounded to the newest', () => {
		const data: Record<string, unknown> = {};
		rememberSeen(data as never, 'scope-a', 'k1', 1000);
		expect(alreadySeen(data as never, 'k1', 2000)).toBe(true);
		expect(alreadySeen(data as never, 'k1', 1000 + SEEN_TTL_MS)).toBe(false);
		const many: Record<string, number> = {};
		for (let i = 0; i < 50; i++) many[`k${i}`] = 10_000 + i;
		const kept = prunedSeen(many, 20_000, 10);
		expect(Object.keys(kept)).toHaveLength(10);
		expect(kept.k49).toBe(10_049);
		expect(kept.k0).toBeUndefined();
		for (let i = 0; i < 30; i++) rememberSeen(data as never, 'scope-a', `n${i}`, 5000 + i, 20);
		expect(Object.keys(data.seen as object)).toHaveLength(20);
	});

	test('claims: one per key and trigger until released; saves carry every key this process handled', () => {
		expect(claimDelivery('wf/node', 'k', 1)).toBe(true);
		expect(claimDelivery('wf/node', 'k', 2)).toBe(false);
		expect(claimDelivery('wf/other', 'k', 2)).toBe(true);
		releaseDelivery('wf/node', 'k');
		expect(claimDelivery('wf/node', 'k', 3)).toBe(true);
		// Two deliveries handled at the same time each loaded the static data before the other saved.
		expect(claimDelivery('wf/x', 'a', 10)).toBe(true);
		expect(claimDelivery('wf/x', 'b', 11)).toBe(true);
		const loadedByA: Record<string, unknown> = {};
		const loadedByB: Record<string, unknown> = {};
		rememberSeen(loadedByB as never, 'wf/x', 'b', 11);
		rememberSeen(loadedByA as never, 'wf/x', 'a', 10); // saved last: still holds b
		expect(Object.keys(loadedByA.seen as object).sort()).toEqual(['a', 'b']);
	});
});
