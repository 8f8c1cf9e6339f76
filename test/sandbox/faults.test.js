'use strict';
/**
 * Fault injection: every fault type, in the envelope of the path's family (v1 / v2 / v3), consumed once per
 * matching request, with method / exact / prefix / RegExp matching, and on the media host.
 */

const { startSandbox } = require('../../tools/heygen-sandbox');
const { api, rawRequest, birthdayBody, generateV3 } = require('../../tools/heygen-sandbox/helpers');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ render: { pendingMs: 10, processingMs: 20 } });
});
afterEach(() => sb.reset());
afterAll(() => sb.close());

const V3_GEN = '/v3/templates/tpl_birthday';
const V2_GEN = '/v2/template/tpl_birthday/generate';
const V1_STATUS = '/v1/video_status.get?video_id=x';

describe('error faults use the family envelope and charge nothing', () => {
	test('rate_limit: 429 rate_limit_exceeded + Retry-After (default 1, or spec.retryAfter)', async () => {
		sb.fault({ path: V3_GEN, type: 'rate_limit' });
		const v3 = await api(sb, 'POST', V3_GEN, { body: birthdayBody() });
		expect(v3.status).toBe(429);
		expect(v3.headers.get('retry-after')).toBe('1');
		expect(v3.json.error).toMatchObject({
			code: 'rate_limit_exceeded',
			message: expect.any(String),
			doc_url: expect.any(String),
		});
		sb.fault({ path: V2_GEN, type: 'rate_limit', retryAfter: 7 });
		const v2 = await api(sb, 'POST', V2_GEN, { body: birthdayBody() });
		expect(v2.status).toBe(429);
		expect(v2.headers.get('retry-after')).toBe('7');
		expect(v2.json).toEqual({
			data: null,
			error: { code: 'rate_limit_exceeded', message: expect.any(String) },
		});
		sb.fault({ path: '/v1/video_status.get', type: 'rate_limit' });
		const v1 = await api(sb, 'GET', V1_STATUS);
		expect(v1.status).toBe(429);
		expect(v1.json).toEqual({ code: expect.any(Number), message: expect.any(String) });
		expect(sb.charges).toBe(0);
		// consumed: the next call goes through
		expect((await api(sb, 'POST', V3_GEN, { body: birthdayBody() })).status).toBe(200);
	});

	test('trial_limit: 429 trial_video_limit_exceeded without Retry-After', async () => {
		sb.fault({ path: V2_GEN, type: 'trial_limit' });
		const r = await api(sb, 'POST', V2_GEN, { body: birthdayBody() });
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBeNull();
		expect(r.json).toEqual({
			data: null,
			error: {
				code: 'trial_video_limit_exceeded',
				message: "It seems you've reached your daily api trial limit 5.",
			},
		});
		sb.fault({ path: V3_GEN, type: 'trial_limit' });
		expect((await api(sb, 'POST', V3_GEN, { body: birthdayBody() })).json.error.code).toBe(
			'trial_video_limit_exceeded',
		);
		expect(sb.charges).toBe(0);
	});

	test('insufficient_credit: 402', async () => {
		sb.fault({ path: V3_GEN, type: 'insufficient_credit' });
		const r = await api(sb, 'POST', V3_GEN, { body: birthdayBody() });
		expect(r.status).toBe(402);
		expect(r.json.error.code).toBe('insufficient_credit');
		sb.fault({ path: '/v1/*', type: 'insufficient_credit' });
		expect((await api(sb, 'GET', V1_STATUS)).status).toBe(402);
		expect(sb.charges).toBe(0);
	});

	test.each([
		[undefined, 500],
		[500, 500],
		[502, 502],
		[503, 503],
	])('server_error status %s → %s', async (status, expected) => {
		sb.fault({ path: '/v3/videos/*', type: 'server_error', status });
		const r = await api(sb, 'GET', '/v3/videos/abc');
		expect(r.status).toBe(expected);
		expect(r.json.error.code).toEqual(expect.any(String));
		sb.fault({ path: '/v2/templates', type: 'server_error', status });
		const v2 = await api(sb, 'GET', '/v2/templates');
		expect(v2.status).toBe(expected);
		expect(v2.json.data).toBeNull();
	});

	test('unauthorized: 401 even with a valid key', async () => {
		sb.fault({ path: '/v2/user/remaining_quota', type: 'unauthorized' });
		const r = await api(sb, 'GET', '/v2/user/remaining_quota');
		expect(r.status).toBe(401);
		expect(r.json.error.code).toBe('unauthorized');
		sb.fault({ path: '/v1/user/me', type: 'unauthorized' });
		expect((await api(sb, 'GET', '/v1/user/me')).json).toEqual({
			code: 400112,
			message: 'Unauthorized',
		});
	});

	test('envelope_error: HTTP 200 carrying the family error envelope', async () => {
		sb.fault({ path: V2_GEN, type: 'envelope_error', code: 'internal_error', message: 'Oops' });
		const v2 = await api(sb, 'POST', V2_GEN, { body: birthdayBody() });
		expect(v2.status).toBe(200);
		expect(v2.json).toEqual({ data: null, error: { code: 'internal_error', message: 'Oops' } });
		sb.fault({ path: '/v1/video_status.get', type: 'envelope_error' });
		const v1 = await api(sb, 'GET', V1_STATUS);
		expect(v1.status).toBe(200);
		expect(v1.json.code).not.toBe(100);
		sb.fault({ path: V3_GEN, type: 'envelope_error' });
		const v3 = await api(sb, 'POST', V3_GEN, { body: birthdayBody() });
		expect(v3.status).toBe(200);
		expect(v3.json.error.code).toBe('internal_error');
		expect(v3.json.data).toBeUndefined();
		expect(sb.charges).toBe(0);
	});

	test('a custom body (e.g. an HTML gateway page) can replace the envelope', async () => {
		sb.fault({
			path: '/v3/templates',
			type: 'server_error',
			status: 502,
			body: '<html>Bad Gateway</html>',
			contentType: 'text/html',
		});
		const r = await api(sb, 'GET', '/v3/templates');
		expect(r.status).toBe(502);
		expect(r.headers.get('content-type')).toBe('text/html');
		expect(r.text).toBe('<html>Bad Gateway</html>');
	});
});

describe('connection faults', () => {
	test('drop: the socket is destroyed without an answer, nothing is performed', async () => {
		sb.fault({ path: V2_GEN, type: 'drop' });
		const r = await rawRequest(sb.url + V2_GEN, {
			method: 'POST',
			headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify(birthdayBody()),
		});
		expect(r.error).toBeDefined();
		expect(sb.charges).toBe(0);
		const entry = sb.requests.find((e) => e.path === V2_GEN);
		expect(entry).toMatchObject({ status: null, dropped: true, fault: 'drop' });
		await expect(
			fetch(sb.url + '/v3/templates', { headers: { 'x-api-key': sb.apiKey } }).then(
				(x) => x.status,
			),
		).resolves.toBe(200);
	});

	test('drop_after_processing: the v2 video is created and charged, the answer is lost', async () => {
		sb.fault({ method: 'POST', path: V2_GEN, type: 'drop_after_processing' });
		const r = await rawRequest(sb.url + V2_GEN, {
			method: 'POST',
			headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify(birthdayBody()),
		});
		expect(r.error).toBeDefined();
		expect(sb.charges).toBe(1);
		const [video] = sb.videos.values();
		await sb.waitFor((s) => s.videos.get(video.id).status === 'completed');
	});

	test('slow: the answer is delayed (client timeouts fire), then arrives intact', async () => {
		const id = await generateV3(sb);
		sb.fault({ path: `/v1/video_status.get`, type: 'slow', delayMs: 1500 });
		const timedOut = await rawRequest(`${sb.url}/v1/video_status.get?video_id=${id}`, {
			headers: { 'x-api-key': sb.apiKey },
			timeoutMs: 100,
		});
		expect(timedOut.error).toBe('ETIMEDOUT');
		sb.fault({ path: `/v3/videos/${id}`, type: 'slow', delayMs: 300 });
		const started = Date.now();
		const r = await api(sb, 'GET', `/v3/videos/${id}`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);
		expect(r.status).toBe(200);
		expect(r.json.data.id).toBe(id);
	});
});

describe('matching and consumption', () => {
	test('times: N uses, then normal; Infinity stays', async () => {
		sb.fault({ path: '/v2/templates', type: 'server_error', times: 2 });
		expect((await api(sb, 'GET', '/v2/templates')).status).toBe(500);
		expect((await api(sb, 'GET', '/v2/templates')).status).toBe(500);
		expect((await api(sb, 'GET', '/v2/templates')).status).toBe(200);
		sb.fault({ path: '/v2/voices', type: 'server_error', times: Infinity });
		for (let i = 0; i < 4; i++) expect((await api(sb, 'GET', '/v2/voices')).status).toBe(500);
	});

	test('method filter, exact path, prefix with *, RegExp; other paths untouched', async () => {
		sb.fault({ method: 'POST', path: V3_GEN, type: 'server_error' });
		expect((await api(sb, 'GET', V3_GEN)).status).toBe(200); // GET is not affected
		expect((await api(sb, 'GET', '/v3/templates/tpl_birthdayX')).status).toBe(404); // exact means exact
		expect((await api(sb, 'POST', V3_GEN, { body: birthdayBody() })).status).toBe(500);
		sb.fault({ path: '/v3/voices*', type: 'server_error', status: 503 });
		expect((await api(sb, 'GET', '/v3/voices?limit=2')).status).toBe(503);
		sb.fault({ path: /^\/v3\/avatars/, type: 'rate_limit' });
		expect((await api(sb, 'GET', '/v3/avatars/looks')).status).toBe(429);
		expect((await api(sb, 'GET', '/v3/avatars/looks')).status).toBe(200);
	});

	test('faults are checked before auth; control routes are never faulted nor logged', async () => {
		sb.fault({ type: 'server_error', times: Infinity }); // every API path
		expect((await api(sb, 'GET', '/v3/templates', { key: false })).status).toBe(500);
		const state = await fetch(`${sb.url}/__sandbox/state`).then((r) => r.json());
		expect(state.faults).toHaveLength(1);
		expect(sb.requests.every((e) => !e.path.startsWith('/__sandbox'))).toBe(true);
	});

	test('unknown fault types are refused', () => {
		expect(() => sb.fault({ type: 'gremlins' })).toThrow(/unknown fault type/);
	});
});

describe('media host faults (server: "cdn")', () => {
	async function completedUrl() {
		const id = await generateV3(sb);
		await sb.waitFor((s) => s.videos.get(id).status === 'completed');
		return (await api(sb, 'GET', `/v3/videos/${id}`)).json.data.video_url;
	}

	test('truncate: headers promise the full length, the body stops early', async () => {
		const url = await completedUrl();
		sb.fault({ server: 'cdn', path: '/videos/*', type: 'truncate', afterBytes: 1000 });
		const r = await rawRequest(url);
		expect(r.error).toBeDefined();
		const ok = await rawRequest(url);
		expect(ok.status).toBe(200);
		expect(ok.body.length).toBe(200000);
	});

	test('drop, server_error and slow on the CDN', async () => {
		const url = await completedUrl();
		sb.fault({ server: 'cdn', type: 'drop' });
		expect((await rawRequest(url)).error).toBeDefined();
		sb.fault({ server: 'cdn', type: 'server_error', status: 503 });
		const e = await rawRequest(url);
		expect(e.status).toBe(503);
		expect(e.headers['content-type']).toBe('application/xml');
		sb.fault({ server: 'cdn', type: 'slow', delayMs: 50 });
		expect((await rawRequest(url)).status).toBe(200);
		// CDN faults never hit the API and vice versa
		sb.fault({ server: 'cdn', type: 'server_error', times: Infinity });
		expect((await api(sb, 'GET', '/v3/templates')).status).toBe(200);
	});
});
