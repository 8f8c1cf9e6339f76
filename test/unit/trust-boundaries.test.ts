/** The pure parts of the trust boundaries: media hosts, IDs, private hosts, bounded answers, callback guard. */
import {
	admitCallback,
	CALLBACK_GUARD,
	callbackFacts,
	resetCallbackGuard,
} from '../../nodes/HeyGenWaitForVideo/callbackGuard';
import { idRefusal, showId } from '../../nodes/shared/ids';
import { boundedRaw, MAX_RAW_FIELD_CHARS } from '../../nodes/shared/json';
import { mediaUrlRefusal } from '../../nodes/HeyGenWaitForVideo/mediaHosts';
import { privateHostReason } from '../../nodes/HeyGenGenerateFromTemplate/mapping/publicUrl';
import { parseBody, readBoundedText } from '../../nodes/shared/exchange';

describe('mediaUrlRefusal', () => {
	const heygen = 'https://api.heygen.com';
	it.each([
		'https://files2.heygen.ai/aws_pacific/video.mp4?Expires=1',
		'https://resource.heygen.ai/x.jpg',
		'https://heygen.ai/x',
	])('allows HeyGen media over https: %s', (url) =>
		expect(mediaUrlRefusal(url, heygen)).toBeUndefined(),
	);
	it.each([
		['http://files2.heygen.ai/video.mp4', /http, not https/],
		['https://evil.example/video.mp4', /not one of HeyGen's media hosts/],
		['https://heygen.ai.evil.example/v.mp4', /not one of/],
		['https://evilheygen.ai/v.mp4', /not one of/],
		['https://user:pw@files.heygen.ai/v.mp4', /user name or password/],
		['file:///etc/passwd', /file, not https/],
		['http://169.254.169.254/latest/meta-data/', /http, not https/],
		['https://127.0.0.1/x', /not one of/],
		['not a url', /not a valid URL/],
	])('refuses %s', (url, reason) => expect(mediaUrlRefusal(url, heygen)).toMatch(reason));
	it("allows the Base URL's own host (sandbox, proxy) with its scheme, and nothing else there", () => {
		expect(
			mediaUrlRefusal('http://127.0.0.1:4010/videos/a/video.mp4', 'http://127.0.0.1:4000'),
		).toBeUndefined();
		expect(
			mediaUrlRefusal('https://proxy.corp/videos/a.mp4', 'https://proxy.corp/heygen'),
		).toBeUndefined();
		expect(mediaUrlRefusal('http://proxy.corp/videos/a.mp4', 'https://proxy.corp/heygen')).toMatch(
			/not https/,
		);
		expect(mediaUrlRefusal('http://10.0.0.1/a.mp4', 'http://127.0.0.1:4000')).toMatch(/not https/);
	});
});

describe('idRefusal', () => {
	it.each(['tpl_birthday', '3b8c2f0e9d7a4c51b6e2a1f0c9d8e7b6', 'a-b_C9'])('accepts %s', (id) =>
		expect(idRefusal(id)).toBeUndefined(),
	);
	it.each(['..', 'a/b', 'a%2Fb', 'a?b', 'a,b', 'a#b', 'a b', 'a\u0000', 'é', 'x'.repeat(129)])(
		'refuses %j',
		(id) => expect(idRefusal(id)).toBeDefined(),
	);
	it('shows control characters and bounds the length', () => {
		expect(showId('a\u0000b\u2028')).toBe('a\\u0000b\\u2028');
		expect(showId('x'.repeat(500)).length).toBe(80);
	});
});

describe('privateHostReason', () => {
	it.each([
		'localhost',
		'a.localhost',
		'127.0.0.1',
		'10.1.2.3',
		'172.16.0.1',
		'192.168.0.1',
		'169.254.169.254',
		'::1',
		'fd00::1',
		'printer.local',
		'100.64.0.1',
	])('flags %s', (host) => expect(privateHostReason(host)).toBeDefined());
	it.each(['files.heygen.ai', '8.8.8.8', '172.32.0.1', 'example.com'])('lets %s through', (host) =>
		expect(privateHostReason(host)).toBeUndefined(),
	);
});

describe('bounded answers', () => {
	it('reads up to the limit and refuses beyond it', async () => {
		expect(await readBoundedText('{"a":1}', 10)).toEqual({ ok: true, text: '{"a":1}' });
		expect(await readBoundedText('x'.repeat(11), 10)).toEqual({ ok: false, tooLarge: 11 });
	});
	it('keeps text that is not JSON as text', () => {
		expect(parseBody('{"a":1}')).toEqual({ a: 1 });
		expect(parseBody('<html>')).toBe('<html>');
		expect(parseBody('')).toBe('');
	});
	it('cuts the raw heygen field', () => {
		const small = { id: 'v', status: 'completed' };
		expect(boundedRaw(small)).toBe(small);
		const big = boundedRaw({
			id: 'v',
			status: 'completed',
			padding: 'x'.repeat(10 * MAX_RAW_FIELD_CHARS),
		});
		expect(big).toMatchObject({ _truncated: true, id: 'v', status: 'completed' });
		expect(big.padding).toBeUndefined();
		expect(JSON.stringify(big).length).toBeLessThanOrEqual(MAX_RAW_FIELD_CHARS);
	});
});

describe('callback guard', () => {
	beforeEach(() => {
		resetCallbackGuard();
		CALLBACK_GUARD.unsignedIntervalMs = 30_000;
	});
	const facts = (signed: boolean, eventId?: string, videoId = 'v1') =>
		callbackFacts(
			'exec-1',
			signed,
			videoId,
			{ event_type: 'avatar_video.success' },
			eventId ? { 'heygen-event-id': eventId } : {},
		);

	it('admits a signed event once per execution, and again after a release', () => {
		const first = admitCallback(facts(true, 'evt_1'));
		expect(first.admitted).toBe(true);
		expect(admitCallback(facts(true, 'evt_1'))).toMatchObject({ admitted: false, statusCode: 200 });
		expect(admitCallback(facts(true, 'evt_2')).admitted).toBe(true);
		if (first.admitted) first.release();
		expect(admitCallback(facts(true, 'evt_1')).admitted).toBe(true);
		expect(
			admitCallback(callbackFacts('exec-2', true, 'v1', {}, { 'heygen-event-id': 'evt_1' }))
				.admitted,
		).toBe(true);
	});

	it('without an event ID, dedupes on video ID + event type', () => {
		expect(admitCallback(facts(true)).admitted).toBe(true);
		expect(admitCallback(facts(true)).admitted).toBe(false);
		expect(
			admitCallback(callbackFacts('exec-1', true, 'v1', { event_type: 'avatar_video.fail' }, {}))
				.admitted,
		).toBe(true);
	});

	it('admits unsigned callbacks once per video per interval, with Retry-After', () => {
		const now = 1_000_000;
		expect(admitCallback(facts(false), now).admitted).toBe(true);
		expect(admitCallback(facts(false, undefined, 'v2'), now).admitted).toBe(true);
		expect(admitCallback(facts(false), now + 1000)).toMatchObject({
			admitted: false,
			statusCode: 429,
			retryAfterSeconds: 29,
		});
		expect(admitCallback(facts(false), now + 30_001).admitted).toBe(true);
	});
});
