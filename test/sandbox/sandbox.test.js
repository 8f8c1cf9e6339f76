'use strict';
/**
 * The HeyGen sandbox: auth, envelopes, templates, generate (both routes), validation, idempotency, statuses,
 * render model, list endpoints and webhook endpoint registration.
 * Behaviour marked SIM CHOICE is invented by the sandbox (see README.md), not confirmed HeyGen behaviour.
 */

const { startSandbox, fixtures, videoDuration } = require('../../tools/heygen-sandbox');
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
beforeAll(async () => {
	sb = await startSandbox({ render: { pendingMs: 20, processingMs: 40 } });
});
afterEach(() => {
	sb.reset();
	sb.setRender({ pendingMs: 20, processingMs: 40 });
	sb.setConcurrency(3);
});
afterAll(() => sb.close());

const waitStatus = (id, status) =>
	sb.waitFor((s) => s.videos.get(id)?.status === status, { timeoutMs: 10000 });

describe('auth and envelopes', () => {
	test('v3: missing key → 401 {error:{code,message,doc_url}}', async () => {
		const r = await api(sb, 'GET', '/v3/templates', { key: false });
		expect(r.status).toBe(401);
		expect(r.json.error.code).toBe('unauthorized');
		expect(typeof r.json.error.message).toBe('string');
		expect(r.json.error.doc_url).toMatch(/^https:\/\/developers\.heygen\.com\//);
		expect(r.json.data).toBeUndefined();
	});

	test('v2: wrong key → 401 {data:null,error:{code,message}}', async () => {
		const r = await api(sb, 'GET', '/v2/templates', { key: 'nope' });
		expect(r.status).toBe(401);
		expect(r.json).toEqual({
			data: null,
			error: { code: 'unauthorized', message: 'Unauthorized' },
		});
	});

	test('v1: wrong key → 401 exactly {code:400112,message:"Unauthorized"}', async () => {
		const r = await api(sb, 'GET', '/v1/video_status.get?video_id=x', { key: 'nope' });
		expect(r.status).toBe(401);
		expect(r.json).toEqual({ code: 400112, message: 'Unauthorized' });
	});

	test('the header name is case-insensitive and logged as received', async () => {
		const r = await rawRequest(`${sb.url}/v2/user/remaining_quota`, {
			headers: { 'X-API-KEY': sb.apiKey },
		});
		expect(r.status).toBe(200);
		const entry = sb.requests.find((e) => e.path === '/v2/user/remaining_quota');
		expect(entry).toMatchObject({
			server: 'api',
			method: 'GET',
			status: 200,
			body: null,
			query: {},
		});
		expect(entry.headers['x-api-key']).toBe(sb.apiKey);
		expect(typeof entry.time).toBe('number');
	});

	test('success envelopes: v1 {code:100,...}, v2 {error:null,data}, v3 {data}; X-Request-Id on every answer', async () => {
		const v3 = await api(sb, 'GET', '/v3/templates/tpl_birthday');
		expect(Object.keys(v3.json)).toEqual(['data']);
		expect(v3.headers.get('x-request-id')).toMatch(/^req_/);
		const v2 = await api(sb, 'GET', '/v2/user/remaining_quota');
		expect(v2.json.error).toBeNull();
		const v1 = await api(sb, 'GET', '/v1/user/me');
		expect(v1.json).toMatchObject({ code: 100, msg: null, message: null });
	});

	test('restricted key: 403 on user endpoints, but quota, templates and generate work', async () => {
		const key = sb.restrictedApiKey;
		const u3 = await api(sb, 'GET', '/v3/users/me', { key });
		expect(u3.status).toBe(403);
		expect(u3.json.error).toMatchObject({
			code: 'forbidden',
			message: expect.stringMatching(/user-read/),
		});
		const u1 = await api(sb, 'GET', '/v1/user/me', { key });
		expect(u1.status).toBe(403);
		expect(u1.json).toEqual({ code: 400573, message: expect.stringMatching(/user-read/) });
		expect((await api(sb, 'GET', '/v2/user/remaining_quota', { key })).status).toBe(200);
		expect((await api(sb, 'GET', '/v3/templates', { key })).status).toBe(200);
		expect((await api(sb, 'GET', '/v2/templates', { key })).status).toBe(200);
		const g = await api(sb, 'POST', '/v3/templates/tpl_birthday', { key, body: birthdayBody() });
		expect(g.status).toBe(200);
		expect(sb.charges).toBe(1);
	});

	test('unknown routes → 404 in the family envelope', async () => {
		expect((await api(sb, 'GET', '/v3/nothing')).json.error.code).toBe('not_found');
		const v2 = await api(sb, 'GET', '/v2/nothing');
		expect(v2.status).toBe(404);
		expect(v2.json.data).toBeNull();
		const v1 = await api(sb, 'GET', '/v1/nothing');
		expect(v1.status).toBe(404);
		expect(typeof v1.json.code).toBe('number');
	});

	test('POST /v2/template/generate (template_id in the body) → 405', async () => {
		const r = await api(sb, 'POST', '/v2/template/generate', {
			body: { template_id: 'tpl_birthday', variables: {} },
		});
		expect(r.status).toBe(405);
		expect(r.json.error.code).toBe('method_not_allowed');
		expect(sb.charges).toBe(0);
	});
});

describe('templates', () => {
	const v3WithVars = fixtures.TEMPLATES.filter(
		(t) => t.family === 'v3' && Object.keys(t.variables).length,
	);

	test('fixtures: fixed ids and at least 30 generated templates', () => {
		const ids = fixtures.TEMPLATES.map((t) => t.id);
		for (const id of [
			'tpl_birthday',
			'tpl_all_types',
			'tpl_sales_outreach',
			'tpl_legacy_promo',
			'tpl_square_no_vars',
		]) {
			expect(ids).toContain(id);
		}
		expect(ids.filter((i) => i.startsWith('tpl_gen_')).length).toBeGreaterThanOrEqual(30);
		for (const t of fixtures.TEMPLATES) {
			expect(['landscape', 'portrait', 'square', '9:16']).toContain(t.aspect_ratio);
			expect(t.dimension.width).toBeGreaterThan(0);
		}
	});

	test('GET /v3/templates paginates over v3 templates with variables only', async () => {
		const first = await api(sb, 'GET', '/v3/templates');
		expect(first.json.data).toHaveLength(10); // default limit
		const seen = [];
		let token = null;
		let pages = 0;
		do {
			const r = await api(
				sb,
				'GET',
				`/v3/templates?limit=7${token ? `&token=${encodeURIComponent(token)}` : ''}`,
			);
			expect(r.status).toBe(200);
			expect(typeof r.json.has_more).toBe('boolean');
			seen.push(...r.json.data);
			token = r.json.next_token;
			expect(Boolean(token)).toBe(r.json.has_more);
			pages++;
		} while (token);
		expect(pages).toBe(Math.ceil(v3WithVars.length / 7));
		expect(seen.map((t) => t.id)).toEqual(v3WithVars.map((t) => t.id));
		expect(seen.map((t) => t.id)).not.toContain('tpl_legacy_promo');
		expect(seen.map((t) => t.id)).not.toContain('tpl_square_no_vars');
		expect(Object.keys(seen[0]).sort()).toEqual([
			'aspect_ratio',
			'created_at',
			'id',
			'name',
			'thumbnail_url',
			'updated_at',
		]);
	});

	test.each([['0'], ['101'], ['abc']])(
		'GET /v3/templates?limit=%s → 400 invalid_parameter',
		async (limit) => {
			const r = await api(sb, 'GET', `/v3/templates?limit=${limit}`);
			expect(r.status).toBe(400);
			expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'limit' });
		},
	);

	test('a garbled pagination token → 400', async () => {
		const r = await api(sb, 'GET', '/v3/templates?token=garbage');
		expect(r.status).toBe(400);
		expect(r.json.error.param).toBe('token');
	});

	test('GET /v3/templates/{id}: scenes, scene_ids and variables with defaults of all six types', async () => {
		const r = await api(sb, 'GET', '/v3/templates/tpl_all_types');
		expect(r.status).toBe(200);
		const d = r.json.data;
		expect(d).toMatchObject({
			id: 'tpl_all_types',
			aspect_ratio: 'portrait',
			name: expect.any(String),
		});
		expect(d.scene_ids).toEqual(['scn_all_intro', 'scn_all_main']);
		expect(d.scenes[0]).toEqual({
			scene_id: 'scn_all_intro',
			script: '{{headline}}',
			variables: expect.arrayContaining([{ name: 'headline', variable_type: 'text' }]),
		});
		const types = Object.fromEntries(Object.entries(d.variables).map(([k, v]) => [k, v.type]));
		expect(types).toEqual({
			headline: 'text',
			script: 'text',
			logo: 'image',
			background: 'video',
			music: 'audio',
			presenter: 'character',
			narrator: 'voice',
		});
		for (const [k, v] of Object.entries(d.variables)) expect(v.name).toBe(k);
		expect(d.variables.logo.properties).toEqual({
			url: expect.stringMatching(/^https:\/\//),
			asset_id: null,
			fit: 'contain',
		});
		expect(d.variables.background.properties).toMatchObject({ play_style: 'loop', fit: 'cover' });
		expect(d.variables.presenter.properties).toEqual({
			type: 'avatar',
			character_id: fixtures.ids.avatars.briana,
		});
		expect(d.variables.narrator.properties).toEqual({ voice_id: fixtures.ids.voices.ava });
	});

	test('GET /v3/templates/{id}: legacy-only and unknown templates → 404; no-variable template → 200', async () => {
		const legacy = await api(sb, 'GET', '/v3/templates/tpl_legacy_promo');
		expect(legacy.status).toBe(404);
		expect(legacy.json.error.code).toBe('not_found');
		expect((await api(sb, 'GET', '/v3/templates/tpl_missing')).status).toBe(404);
		const sq = await api(sb, 'GET', '/v3/templates/tpl_square_no_vars');
		expect(sq.status).toBe(200);
		expect(sq.json.data).toMatchObject({ aspect_ratio: 'square', variables: {} });
	});

	test('GET /v2/templates lists every template in the legacy shape', async () => {
		const r = await api(sb, 'GET', '/v2/templates');
		expect(r.json.error).toBeNull();
		const list = r.json.data.templates;
		expect(list).toHaveLength(fixtures.TEMPLATES.length);
		expect(list.find((t) => t.template_id === 'tpl_legacy_promo')).toEqual({
			template_id: 'tpl_legacy_promo',
			name: 'Legacy Product Promo',
			thumbnail_image_url: expect.any(String),
			aspect_ratio: 'landscape',
		});
		expect(list.map((t) => t.template_id)).toContain('tpl_square_no_vars');
	});

	test('GET /v2/template/{id}: variables map for legacy and v3 templates; unknown → 404 v2 envelope', async () => {
		const legacy = await api(sb, 'GET', '/v2/template/tpl_legacy_promo');
		expect(legacy.json).toEqual({
			error: null,
			data: {
				variables: {
					title_text: {
						name: 'title_text',
						type: 'text',
						properties: { content: 'Big Summer Sale' },
					},
					product_image: {
						name: 'product_image',
						type: 'image',
						properties: { url: expect.any(String), asset_id: null, fit: 'cover' },
					},
				},
			},
		});
		const v3 = await api(sb, 'GET', '/v2/template/tpl_birthday');
		expect(v3.json.data.variables.name.properties.content).toBe('Friend');
		const missing = await api(sb, 'GET', '/v2/template/tpl_missing');
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({
			data: null,
			error: { code: 'not_found', message: 'Template not found' },
		});
	});

	test('GET /v3/template/{id} (New AI Studio legacy detail): version "4", scenes with ids; 404 for legacy', async () => {
		const r = await api(sb, 'GET', '/v3/template/tpl_birthday');
		expect(r.json.error).toBeNull();
		expect(r.json.data.version).toBe('4');
		expect(r.json.data.variables.message.properties.content).toBe('Happy birthday!');
		expect(r.json.data.scenes[0]).toEqual({
			id: 'scn_birthday_intro',
			script: 'Happy birthday, {{name}}!',
			variables: { name: { name: 'name', type: 'text' } },
		});
		const legacy = await api(sb, 'GET', '/v3/template/tpl_legacy_promo');
		expect(legacy.status).toBe(404);
		expect(legacy.json).toEqual({
			data: null,
			error: { code: 'not_found', message: 'Template not found' },
		});
	});
});

describe('generate', () => {
	test('v3: returns the video object, charges one render', async () => {
		const r = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody({ title: 'For Ada', callback_id: 'row-1' }),
		});
		expect(r.status).toBe(200);
		expect(r.json.data).toMatchObject({
			id: expect.stringMatching(/^[0-9a-f]{32}$/),
			status: 'pending',
			title: 'For Ada',
			created_at: expect.any(Number),
			video_url: null,
			thumbnail_url: null,
			duration: null,
			callback_id: 'row-1',
		});
		expect(sb.charges).toBe(1);
		const q = await api(sb, 'GET', '/v2/user/remaining_quota');
		expect(q.json.data.remaining_quota).toBe(100000 - 60);
		const rec = sb.videos.get(r.json.data.id);
		expect(rec).toMatchObject({
			templateId: 'tpl_birthday',
			apiFamily: 'v3',
			callbackId: 'row-1',
			title: 'For Ada',
		});
	});

	test('legacy: {error:null,data:{video_id}}; v1 status works; v3 detail and bulk do not see it (pitfall)', async () => {
		const r = await api(sb, 'POST', '/v2/template/tpl_birthday/generate', {
			body: birthdayBody({ callback_id: 'c-9' }),
		});
		expect(r.json).toEqual({
			error: null,
			data: { video_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
		});
		const id = r.json.data.video_id;
		const s1 = await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`);
		expect(s1.json).toMatchObject({
			code: 100,
			message: 'Success',
			data: { id, callback_id: 'c-9' },
		});
		expect((await api(sb, 'GET', `/v3/videos/${id}`)).status).toBe(404);
		const bulk = await api(sb, 'GET', `/v3/videos/statuses?video_ids=${id}`);
		expect(bulk.json.data[0]).toMatchObject({ video_id: id, status: 'not_found' });
		expect(sb.videos.get(id).apiFamily).toBe('legacy');
	});

	test('legacy-only templates generate on v2, but 404 on POST /v3/templates/{id}', async () => {
		const body = { variables: { title_text: textVar('title_text', 'Winter Sale') } };
		const id = await generateLegacy(sb, 'tpl_legacy_promo', body);
		expect(sb.videos.get(id).variables.product_image.properties.fit).toBe('cover');
		const v3 = await api(sb, 'POST', '/v3/templates/tpl_legacy_promo', { body });
		expect(v3.status).toBe(404);
		expect(sb.charges).toBe(1);
	});

	test('v3: an omitted text variable stays a literal {{name}}; other omitted variables keep the template value', async () => {
		const id = await generateV3(sb, 'tpl_birthday', {
			variables: { name: textVar('name', 'Bob') },
		});
		const video = sb.videos.get(id);
		expect(video.variables.name.properties.content).toBe('Bob');
		expect(video.variables.message.properties.content).toBe('{{message}}');
		expect(video.renderedTexts).toEqual(['Happy birthday, Bob!', '{{message}}']);
		expect(video.unfilledPlaceholders).toEqual(['message']);
		const all = sb.videos.get(await generateV3(sb, 'tpl_all_types', { variables: {} }));
		expect(all.variables.logo.properties.url).toMatch(/logo\.png$/);
		expect(all.unfilledPlaceholders).toEqual(['headline', 'script']);
	});

	test('legacy route: omitted text variables keep the template text (SIM CHOICE)', async () => {
		const id = await generateLegacy(sb, 'tpl_birthday', {
			variables: { name: textVar('name', 'Bob') },
		});
		expect(sb.videos.get(id).renderedTexts).toEqual(['Happy birthday, Bob!', 'Happy birthday!']);
		expect(sb.videos.get(id).unfilledPlaceholders).toEqual([]);
	});

	test('a template without variables generates with variables: {}', async () => {
		const id = await generateV3(sb, 'tpl_square_no_vars', { variables: {} });
		await waitStatus(id, 'completed');
	});

	test('every variable type is accepted in its documented shape', async () => {
		const body = {
			variables: {
				headline: textVar('headline', 'Hi'),
				script: textVar('script', 'x'.repeat(5000)),
				logo: {
					name: 'logo',
					type: 'image',
					properties: { url: 'https://example.com/l.png', asset_id: null, fit: 'none' },
				},
				background: {
					name: 'background',
					type: 'video',
					properties: { asset_id: 'asset_1', play_style: 'full_video', fit: 'contain' },
				},
				music: { name: 'music', type: 'audio', properties: { url: 'https://example.com/m.mp3' } },
				presenter: {
					name: 'presenter',
					type: 'character',
					properties: { type: 'talking_photo', character_id: fixtures.ids.talkingPhotos.maya },
				},
				narrator: {
					name: 'narrator',
					type: 'voice',
					properties: { voice_id: fixtures.ids.voices.hans },
				},
			},
			dimension: { width: 720, height: 1280 },
			fps: 30,
			caption: true,
			include_gif: true,
			enable_sharing: true,
			folder_id: 'fld_marketing',
			scene_ids: ['scn_all_main', 'scn_all_intro', 'scn_all_main'],
			subtitles: { preset_name: 'classic' },
			test: false,
		};
		const r = await api(sb, 'POST', '/v3/templates/tpl_all_types', { body });
		expect(r.status).toBe(200);
		const legacy = await api(sb, 'POST', '/v2/template/tpl_all_types/generate', { body });
		expect(legacy.status).toBe(200);
		expect(sb.charges).toBe(2);
	});
});

describe('validation (400 invalid_parameter naming the variable, nothing charged)', () => {
	const T = (name, content) => textVar(name, content);
	const cases = [
		['variables missing', {}, /variables/],
		[
			'variables as an array (v1 style)',
			{ variables: [T('name', 'A')] },
			/object keyed by variable name/,
		],
		['a flat string value', { variables: { name: 'Ada' } }, /'name' must be an object/],
		[
			'name differing from its key',
			{ variables: { name: T('nom', 'A') } },
			/'name'.*name must equal/,
		],
		[
			'an unknown variable',
			{ variables: { nickname: T('nickname', 'A') } },
			/Unknown variable 'nickname'/,
		],
		[
			'a wrongly cased name',
			{ variables: { Name: T('Name', 'A') } },
			/Unknown variable 'Name'.*case-sensitive/,
		],
		[
			'a type mismatch',
			{
				variables: {
					name: { name: 'name', type: 'image', properties: { url: 'https://x.y/z.png' } },
				},
			},
			/'name' has type 'text'/,
		],
		[
			'text without content',
			{ variables: { name: { name: 'name', type: 'text', properties: {} } } },
			/'name'.*content/,
		],
		[
			'text over 5000 characters',
			{ variables: { message: T('message', 'y'.repeat(5001)) } },
			/'message'.*5001.*5000/,
		],
		[
			'dimension with an odd width',
			{ variables: {}, dimension: { width: 1279, height: 720 } },
			/dimension.width.*even/,
		],
		[
			'dimension out of range',
			{ variables: {}, dimension: { width: 8192, height: 4608 } },
			/between 128 and 4096/,
		],
		[
			'dimension not matching the aspect ratio',
			{ variables: {}, dimension: { width: 720, height: 1280 } },
			/aspect ratio/,
		],
		['fps not in 25/30/60', { variables: {}, fps: 24 }, /fps/],
		['template_id in the body', { template_id: 'tpl_birthday', variables: {} }, /template_id/],
		[
			'a callback_url that is not a URL',
			{ variables: {}, callback_url: 'not a url' },
			/callback_url/,
		],
		['an unknown scene id', { variables: {}, scene_ids: ['scn_nope'] }, /scn_nope/],
		['subtitles without preset_name', { variables: {}, subtitles: {} }, /preset_name/],
	];
	const allTypes = [
		[
			'image without url or asset_id',
			{ logo: { name: 'logo', type: 'image', properties: { fit: 'cover' } } },
			/'logo'.*url or properties.asset_id/,
		],
		[
			'image with a bad fit',
			{
				logo: {
					name: 'logo',
					type: 'image',
					properties: { url: 'https://a.b/c.png', fit: 'stretch' },
				},
			},
			/'logo'.*fit/,
		],
		[
			'image with a non-http url',
			{ logo: { name: 'logo', type: 'image', properties: { url: 'file:///etc/passwd' } } },
			/'logo'.*http/,
		],
		[
			'video with a bad play_style',
			{
				background: {
					name: 'background',
					type: 'video',
					properties: { url: 'https://a.b/c.mp4', play_style: 'bounce' },
				},
			},
			/'background'.*play_style/,
		],
		['audio without url', { music: { name: 'music', type: 'audio', properties: {} } }, /'music'/],
		[
			'character with a bad type',
			{
				presenter: {
					name: 'presenter',
					type: 'character',
					properties: { type: 'robot', character_id: 'x' },
				},
			},
			/'presenter'.*avatar or talking_photo/,
		],
		[
			'character without character_id',
			{ presenter: { name: 'presenter', type: 'character', properties: { type: 'avatar' } } },
			/'presenter'.*character_id/,
		],
		[
			'voice without voice_id',
			{ narrator: { name: 'narrator', type: 'voice', properties: {} } },
			/'narrator'.*voice_id/,
		],
	];

	test.each(cases)('v3 and v2 reject %s', async (_label, body, message) => {
		const v3 = await api(sb, 'POST', '/v3/templates/tpl_birthday', { body });
		expect(v3.status).toBe(400);
		expect(v3.json.error).toMatchObject({ code: 'invalid_parameter', param: expect.any(String) });
		expect(v3.json.error.message).toMatch(message);
		const v2 = await api(sb, 'POST', '/v2/template/tpl_birthday/generate', { body });
		expect(v2.status).toBe(400);
		expect(v2.json).toEqual({
			data: null,
			error: { code: 'invalid_parameter', message: expect.stringMatching(message) },
		});
		expect(sb.charges).toBe(0);
		expect(sb.videos.size).toBe(0);
	});

	test.each(allTypes)('v3 and v2 reject %s', async (_label, variables, message) => {
		for (const path of ['/v3/templates/tpl_all_types', '/v2/template/tpl_all_types/generate']) {
			const r = await api(sb, 'POST', path, { body: { variables } });
			expect(r.status).toBe(400);
			expect((r.json.error || {}).message).toMatch(message);
		}
		expect(sb.charges).toBe(0);
	});

	test('v3 names the offending field in `param`', async () => {
		const r = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: { variables: { name: { name: 'name', type: 'text', properties: {} } } },
		});
		expect(r.json.error.param).toBe('variables.name.properties.content');
	});

	test('a body that is not JSON → 400 on both routes', async () => {
		const v3 = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			raw: '{nope',
			headers: { 'Content-Type': 'application/json' },
		});
		expect(v3.status).toBe(400);
		const v2 = await api(sb, 'POST', '/v2/template/tpl_birthday/generate', {
			raw: '{nope',
			headers: { 'Content-Type': 'application/json' },
		});
		expect(v2.status).toBe(400);
		expect(sb.charges).toBe(0);
	});

	test('402 insufficient_credit once the quota is used up (SIM CHOICE: 60 quota units per render)', async () => {
		const small = await startSandbox({ quota: 100, render: { pendingMs: 5, processingMs: 5 } });
		try {
			expect(
				(await api(small, 'POST', '/v3/templates/tpl_birthday', { body: birthdayBody() })).status,
			).toBe(200);
			const v3 = await api(small, 'POST', '/v3/templates/tpl_birthday', { body: birthdayBody() });
			expect(v3.status).toBe(402);
			expect(v3.json.error.code).toBe('insufficient_credit');
			const v2 = await api(small, 'POST', '/v2/template/tpl_birthday/generate', {
				body: birthdayBody(),
			});
			expect(v2.status).toBe(402);
			expect(v2.json.error.code).toBe('insufficient_credit');
			expect(small.charges).toBe(1);
			expect((await api(small, 'GET', '/v2/user/remaining_quota')).json.data.remaining_quota).toBe(
				40,
			);
		} finally {
			await small.close();
		}
	});
});

describe('idempotency (v3 only)', () => {
	test('same key + same body → the same video object, charged once, creation-time snapshot', async () => {
		const h = { 'Idempotency-Key': 'order-42:row.7_a-b' };
		const a = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody(),
			headers: h,
		});
		await waitStatus(a.json.data.id, 'completed');
		const b = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody(),
			headers: h,
		});
		expect(b.status).toBe(200);
		expect(b.json).toEqual(a.json);
		expect(b.json.data.status).toBe('pending');
		expect(b.headers.get('idempotent-replayed')).toBe('true');
		expect(sb.charges).toBe(1);
		expect(sb.videos.get(a.json.data.id).idempotencyKey).toBe('order-42:row.7_a-b');
	});

	test('same key + different body → 422 idempotency_key_reused (SIM CHOICE), no charge', async () => {
		const h = { 'Idempotency-Key': 'k-1' };
		await api(sb, 'POST', '/v3/templates/tpl_birthday', { body: birthdayBody(), headers: h });
		const r = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: { variables: { name: textVar('name', 'Someone else') } },
			headers: h,
		});
		expect(r.status).toBe(422);
		expect(r.json.error.code).toBe('idempotency_key_reused');
		expect(sb.charges).toBe(1);
	});

	test('the key is scoped to the template: same key on another template → a new video', async () => {
		const h = { 'Idempotency-Key': 'shared-key' };
		await generateV3(sb, 'tpl_birthday', birthdayBody(), h);
		await generateV3(sb, 'tpl_square_no_vars', { variables: {} }, h);
		expect(sb.charges).toBe(2);
	});

	test.each([[''], ['has space'], ['x'.repeat(256)], ['ünïcode']])(
		'malformed key %j → 400 invalid_parameter',
		async (key) => {
			const r = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
				body: birthdayBody(),
				headers: { 'Idempotency-Key': key },
			});
			expect(r.status).toBe(400);
			expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'Idempotency-Key' });
			expect(sb.charges).toBe(0);
		},
	);

	test('a retry while the first request is in flight → 409 request_in_progress', async () => {
		sb.fault({ method: 'POST', path: '/v3/templates/tpl_birthday', type: 'slow', delayMs: 400 });
		const h = { 'Idempotency-Key': 'in-flight' };
		const first = api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody(),
			headers: h,
		});
		await sb.waitFor((s) => s.charges === 1);
		const second = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody(),
			headers: h,
		});
		expect(second.status).toBe(409);
		expect(second.json.error.code).toBe('request_in_progress');
		const a = await first;
		expect(a.status).toBe(200);
		const third = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody(),
			headers: h,
		});
		expect(third.json.data.id).toBe(a.json.data.id);
		expect(sb.charges).toBe(1);
	});

	test('answer lost after processing, retried with the same key → the same video, one charge', async () => {
		sb.fault({ method: 'POST', path: '/v3/templates/*', type: 'drop_after_processing' });
		const h = { 'Idempotency-Key': 'lost-answer' };
		const lost = await rawRequest(`${sb.url}/v3/templates/tpl_birthday`, {
			method: 'POST',
			headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json', ...h },
			body: JSON.stringify(birthdayBody()),
		});
		expect(lost.error).toBeDefined();
		expect(sb.charges).toBe(1);
		const retry = await api(sb, 'POST', '/v3/templates/tpl_birthday', {
			body: birthdayBody(),
			headers: h,
		});
		expect(retry.status).toBe(200);
		expect([...sb.videos.keys()]).toEqual([retry.json.data.id]);
		expect(sb.charges).toBe(1);
	});

	test('the legacy route has no idempotency: every call charges', async () => {
		const h = { 'Idempotency-Key': 'ignored' };
		for (let i = 0; i < 2; i++) {
			const r = await api(sb, 'POST', '/v2/template/tpl_birthday/generate', {
				body: birthdayBody(),
				headers: h,
			});
			expect(r.status).toBe(200);
		}
		expect(sb.charges).toBe(2);
	});
});

describe('statuses and the render model', () => {
	test('v1 status: pending → processing → completed with every documented field', async () => {
		sb.setRender({ pendingMs: 60000 });
		const id = await generateLegacy(sb);
		const p = await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`);
		expect(p.json.data).toEqual({
			id,
			status: 'pending',
			video_url: null,
			video_url_caption: null,
			caption_url: null,
			thumbnail_url: null,
			gif_url: null,
			duration: null,
			created_at: expect.any(Number),
			callback_id: null,
			error: null,
		});
		sb.complete(id);
		const c = await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`);
		expect(c.json.data).toMatchObject({
			status: 'completed',
			video_url: expect.stringContaining(`${sb.cdnUrl}/videos/${id}/video.mp4?Expires=`),
			thumbnail_url: expect.stringContaining('/thumbnail.jpg?'),
			caption_url: '', // documented empty-string case (no captions requested)
			video_url_caption: null,
			gif_url: null,
			duration: videoDuration(id),
			error: null,
		});
	});

	test('v3 detail: every field of §4.2 once completed', async () => {
		const id = await generateV3(
			sb,
			'tpl_birthday',
			birthdayBody({ caption: true, include_gif: true, folder_id: 'fld_sales' }),
		);
		await waitStatus(id, 'completed');
		const d = (await api(sb, 'GET', `/v3/videos/${id}`)).json.data;
		expect(d).toEqual({
			id,
			title: expect.any(String),
			status: 'completed',
			created_at: expect.any(Number),
			completed_at: expect.any(Number),
			video_url: expect.stringContaining('/video.mp4?'),
			captioned_video_url: expect.stringContaining('/video_caption.mp4?'),
			subtitle_url: expect.stringContaining('/subtitle.srt?'),
			thumbnail_url: expect.stringContaining('/thumbnail.jpg?'),
			gif_url: expect.stringContaining('/preview.gif?'),
			duration: videoDuration(id),
			folder_id: 'fld_sales',
			failure_code: null,
			failure_message: null,
			video_page_url: `https://app.heygen.com/videos/${id}`,
			callback_id: null,
		});
		expect(d.completed_at).toBeGreaterThanOrEqual(d.created_at);
		const v1 = (await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`)).json.data;
		expect(v1.caption_url).toContain('/caption.ass?');
		expect(v1.video_url_caption).toContain('/video_caption.mp4?');
	});

	test('concurrency cap: extra jobs wait (v1 "waiting", v3 "pending", bulk "queued")', async () => {
		sb.setConcurrency(2);
		sb.setRender({ pendingMs: 10, processingMs: 60000 });
		const ids = [];
		for (let i = 0; i < 3; i++) ids.push(await generateV3(sb));
		await sb.waitFor(
			(s) =>
				[...s.videos.values()].filter((v) => v.status === 'processing').length === 2 &&
				[...s.videos.values()].some((v) => v.waiting),
		);
		const waitingId = ids.find((id) => sb.videos.get(id).waiting);
		expect(sb.videos.get(waitingId).status).toBe('pending');
		expect(
			(await api(sb, 'GET', `/v1/video_status.get?video_id=${waitingId}`)).json.data.status,
		).toBe('waiting');
		expect((await api(sb, 'GET', `/v3/videos/${waitingId}`)).json.data.status).toBe('pending');
		const bulk = await api(sb, 'GET', `/v3/videos/statuses?video_ids=${ids.join(',')}`);
		expect(bulk.json.data.map((e) => e.status).sort()).toEqual([
			'processing',
			'processing',
			'queued',
		]);
		sb.complete(ids.find((id) => sb.videos.get(id).status === 'processing'));
		await waitStatus(waitingId, 'processing');
	});

	test('during its pending phase a job is "pending" (not "waiting") in v1', async () => {
		sb.setRender({ pendingMs: 60000 });
		const id = await generateLegacy(sb);
		expect((await api(sb, 'GET', `/v1/video_status.get?video_id=${id}`)).json.data.status).toBe(
			'pending',
		);
		expect((await api(sb, 'GET', `/v3/videos/statuses?video_ids=${id}`)).json.data[0].status).toBe(
			'not_found',
		);
	});

	test('bulk statuses: shape, not_found, failed with error, 100-id limit', async () => {
		const ok = await generateV3(sb);
		const bad = await generateV3(sb, 'tpl_birthday', {
			variables: { message: textVar('message', 'boom [[sandbox:fail]]') },
		});
		await waitStatus(ok, 'completed');
		await waitStatus(bad, 'failed');
		const r = await api(sb, 'GET', `/v3/videos/statuses?video_ids=${ok},nope,${bad}`);
		expect(r.json).toEqual({
			data: [
				{ video_id: ok, status: 'completed', error: null },
				{ video_id: 'nope', status: 'not_found', error: null },
				{
					video_id: bad,
					status: 'failed',
					error: { code: '40119', message: expect.stringMatching(/too long/) },
				},
			],
			has_more: false,
			next_token: null,
		});
		const many = Array.from({ length: 101 }, (_, i) => `v${i}`).join(',');
		expect((await api(sb, 'GET', `/v3/videos/statuses?video_ids=${many}`)).status).toBe(400);
		const none = await api(sb, 'GET', '/v3/videos/statuses');
		expect(none.status).toBe(400);
		expect(none.json.error.code).toBe('invalid_parameter');
	});

	test('v1 status: missing video_id → 400, unknown → 404 "Video doesn\'t exist..."', async () => {
		const missing = await api(sb, 'GET', '/v1/video_status.get');
		expect(missing.status).toBe(400);
		expect(missing.json.code).toBe(40001);
		const unknown = await api(sb, 'GET', '/v1/video_status.get?video_id=deadbeef');
		expect(unknown.status).toBe(404);
		expect(unknown.json.message).toBe("Video doesn't exist or you don't have access");
		expect((await api(sb, 'GET', '/v3/videos/deadbeef')).json.error.code).toBe('not_found');
	});

	test('magic [[sandbox:fail]] → failed with 40119 in both families', async () => {
		const body = { variables: { name: textVar('name', '[[sandbox:fail]]') }, callback_id: 'f-1' };
		const v3id = await generateV3(sb, 'tpl_birthday', body);
		const v2id = await generateLegacy(sb, 'tpl_birthday', body);
		await waitStatus(v3id, 'failed');
		await waitStatus(v2id, 'failed');
		const v1 = (await api(sb, 'GET', `/v1/video_status.get?video_id=${v2id}`)).json.data;
		expect(v1).toMatchObject({
			status: 'failed',
			video_url: null,
			callback_id: 'f-1',
			error: {
				code: 40119,
				message: 'Video is too long',
				detail: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos',
			},
		});
		const v3 = (await api(sb, 'GET', `/v3/videos/${v3id}`)).json.data;
		expect(v3).toMatchObject({
			status: 'failed',
			failure_code: '40119',
			failure_message: expect.stringMatching(/too long/),
			video_url: null,
		});
	});

	test('magic [[sandbox:stuck]] stays processing while later renders complete', async () => {
		const stuck = await generateV3(sb, 'tpl_birthday', {
			variables: { message: textVar('message', '[[sandbox:stuck]]') },
		});
		await waitStatus(stuck, 'processing');
		const later = await generateV3(sb);
		await waitStatus(later, 'completed');
		expect(sb.videos.get(stuck).status).toBe('processing');
	});

	test('sb.complete / sb.fail / sb.stick force outcomes', async () => {
		sb.setRender({ pendingMs: 60000 });
		const a = await generateV3(sb);
		const b = await generateV3(sb);
		const c = await generateV3(sb);
		expect(sb.complete(a)).toBe(true);
		expect(sb.videos.get(a).status).toBe('completed');
		expect(sb.complete(a)).toBe(false);
		expect(
			sb.fail(b, {
				code: 40039,
				message: 'Invalid text input',
				detail: 'Text contains unsupported characters',
			}),
		).toBe(true);
		const fb = (await api(sb, 'GET', `/v3/videos/${b}`)).json.data;
		expect(fb).toMatchObject({
			status: 'failed',
			failure_code: '40039',
			failure_message: 'Text contains unsupported characters',
		});
		expect(sb.stick(c)).toBe(true);
		sb.setRender({ pendingMs: 1, processingMs: 1 });
		const d = await generateV3(sb);
		await waitStatus(d, 'completed');
		expect(sb.videos.get(c).status).toBe('pending'); // still in its (long) pending phase
		expect(sb.complete(c)).toBe(true);
		expect(sb.fail('unknown')).toBe(false);
	});
});

describe('list endpoints, user and quota', () => {
	test('GET /v2/voices and paginated GET /v3/voices with filters', async () => {
		const v2 = await api(sb, 'GET', '/v2/voices');
		expect(v2.json.error).toBeNull();
		expect(v2.json.data.voices.length).toBeGreaterThanOrEqual(5);
		expect(v2.json.data.voices[0]).toMatchObject({
			voice_id: expect.any(String),
			language: expect.any(String),
			gender: expect.any(String),
			name: expect.any(String),
			preview_audio: expect.any(String),
		});
		const p1 = await api(sb, 'GET', '/v3/voices?limit=4');
		expect(p1.json.data).toHaveLength(4);
		expect(p1.json.has_more).toBe(true);
		const p2 = await api(sb, 'GET', `/v3/voices?limit=4&token=${p1.json.next_token}`);
		expect(p2.json.has_more).toBe(false);
		expect(p2.json.next_token).toBeNull();
		expect(p1.json.data.length + p2.json.data.length).toBe(fixtures.VOICES.length);
		expect(p1.json.data[0]).toEqual({
			voice_id: fixtures.ids.voices.ava,
			name: expect.any(String),
			language: 'English',
			gender: 'female',
			preview_audio_url: expect.any(String),
			support_pause: true,
			support_locale: true,
			type: 'public',
		});
		const fr = await api(sb, 'GET', '/v3/voices?language=French&gender=female');
		expect(fr.json.data.map((v) => v.voice_id)).toEqual([fixtures.ids.voices.chloe]);
		expect((await api(sb, 'GET', '/v3/voices?type=private')).json.data).toHaveLength(1);
	});

	test('GET /v2/avatars (avatars + talking_photos), /v3/avatars/looks and /v3/avatars', async () => {
		const v2 = await api(sb, 'GET', '/v2/avatars');
		expect(v2.json.data.avatars.length).toBeGreaterThanOrEqual(3);
		expect(v2.json.data.talking_photos.length).toBeGreaterThanOrEqual(2);
		expect(v2.json.data.avatars[0]).toMatchObject({
			avatar_id: expect.any(String),
			avatar_name: expect.any(String),
			preview_image_url: expect.any(String),
		});
		expect(v2.json.data.talking_photos[0]).toMatchObject({
			talking_photo_id: expect.any(String),
			talking_photo_name: expect.any(String),
		});
		const looks = await api(sb, 'GET', '/v3/avatars/looks?limit=50');
		const ids = looks.json.data.map((l) => l.id);
		expect(ids).toEqual(
			expect.arrayContaining([fixtures.ids.avatars.briana, fixtures.ids.talkingPhotos.leo]),
		);
		expect(looks.json.data[0]).toMatchObject({
			id: expect.any(String),
			name: expect.any(String),
			avatar_type: 'studio_avatar',
			group_id: expect.any(String),
		});
		const photos = await api(sb, 'GET', '/v3/avatars/looks?avatar_type=photo_avatar');
		expect(photos.json.data.every((l) => l.avatar_type === 'photo_avatar')).toBe(true);
		expect((await api(sb, 'GET', '/v3/avatars/looks?limit=51')).status).toBe(400);
		const groups = await api(sb, 'GET', '/v3/avatars');
		expect(groups.json.data[0]).toMatchObject({
			id: expect.any(String),
			name: expect.any(String),
			looks_count: expect.any(Number),
		});
	});

	test('GET /v1/folders, /v1/brand_voice/list and /v3/brand-glossaries', async () => {
		const f = await api(sb, 'GET', '/v1/folders');
		expect(f.json).toMatchObject({ code: 100, data: { folders: expect.any(Array), total: 3 } });
		expect(f.json.data.folders.map((x) => x.id)).toContain('fld_marketing');
		expect(
			(await api(sb, 'GET', '/v1/folders?parent_id=fld_sales')).json.data.folders.map((x) => x.id),
		).toEqual(['fld_sales_q3']);
		const bv = await api(sb, 'GET', '/v1/brand_voice/list');
		expect(bv.json).toMatchObject({
			error: null,
			data: { list: [{ id: 'bv_acme_pronunciation', name: 'ACME Pronunciation' }] },
		});
		const g = await api(sb, 'GET', '/v3/brand-glossaries');
		expect(g.json).toEqual({
			data: [
				{
					brand_glossary_id: 'bv_acme_pronunciation',
					name: 'ACME Pronunciation',
					created_at: expect.any(String),
					updated_at: expect.any(String),
				},
			],
			has_more: false,
			next_token: null,
		});
	});

	test('GET /v2/user/remaining_quota, /v1/user/me, /v3/users/me', async () => {
		expect((await api(sb, 'GET', '/v2/user/remaining_quota')).json).toEqual({
			error: null,
			data: { remaining_quota: 100000, details: { api: 100000 } },
		});
		expect((await api(sb, 'GET', '/v1/user/me')).json).toEqual({
			code: 100,
			data: {
				username: 'sandbox_user',
				email: 'sandbox@example.com',
				first_name: 'Sandy',
				last_name: 'Box',
			},
			msg: null,
			message: null,
		});
		const me = (await api(sb, 'GET', '/v3/users/me')).json.data;
		expect(me).toMatchObject({
			username: 'sandbox_user',
			email: expect.any(String),
			billing_type: 'subscription',
		});
		expect(me.subscription.credits.premium_credits.remaining).toBe(Math.floor(100000 / 60));
		expect((await api(sb, 'GET', '/v3/user/me')).status).toBe(200);
	});
});

describe('webhook endpoint registration', () => {
	test('v3: create (secret shown once) / list / patch / rotate-secret / delete / event-types', async () => {
		const c = await api(sb, 'POST', '/v3/webhooks/endpoints', {
			body: { url: 'https://hooks.example.com/heygen', events: ['avatar_video.success'] },
		});
		expect(c.status).toBe(200);
		expect(c.json.data).toEqual({
			endpoint_id: expect.any(String),
			url: 'https://hooks.example.com/heygen',
			events: ['avatar_video.success'],
			status: 'enabled',
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			secret: expect.stringMatching(/^whsec_/),
		});
		const id = c.json.data.endpoint_id;
		const list = await api(sb, 'GET', '/v3/webhooks/endpoints');
		expect(list.json).toMatchObject({
			data: [{ endpoint_id: id, secret: null }],
			has_more: false,
			next_token: null,
		});
		const p = await api(sb, 'PATCH', `/v3/webhooks/endpoints/${id}`, {
			body: { events: ['avatar_video.fail'] },
		});
		expect(p.json.data.events).toEqual(['avatar_video.fail']);
		const rot = await api(sb, 'POST', `/v3/webhooks/endpoints/${id}/rotate-secret`);
		expect(rot.json.data.secret).not.toBe(c.json.data.secret);
		const del = await api(sb, 'DELETE', `/v3/webhooks/endpoints/${id}`);
		expect(del.json).toEqual({ data: {}, error: null });
		expect((await api(sb, 'DELETE', `/v3/webhooks/endpoints/${id}`)).status).toBe(404);
		const bad = await api(sb, 'POST', '/v3/webhooks/endpoints', { body: { url: 'ftp://x' } });
		expect(bad.status).toBe(400);
		expect(bad.json.error.param).toBe('url');
		expect(
			(
				await api(sb, 'POST', '/v3/webhooks/endpoints', {
					body: { url: 'https://a.b', events: ['nope'] },
				})
			).status,
		).toBe(400);
		const types = await api(sb, 'GET', '/v3/webhooks/event-types');
		expect(types.json.data.map((t) => t.event_type)).toEqual(
			expect.arrayContaining(['avatar_video.success', 'avatar_video.fail']),
		);
	});

	test('v1: endpoint.add / endpoint.list / endpoint.update / endpoint.delete / webhook.list', async () => {
		const add = await api(sb, 'POST', '/v1/webhook/endpoint.add', {
			body: { url: 'https://hooks.example.com/v1' },
		});
		expect(add.json).toMatchObject({
			code: 100,
			data: {
				endpoint_id: expect.any(String),
				url: 'https://hooks.example.com/v1',
				secret: expect.stringMatching(/^whsec_/),
				status: 'enabled',
				events: null,
				username: expect.any(String),
				created_at: expect.any(String),
			},
			msg: null,
			message: null,
		});
		const id = add.json.data.endpoint_id;
		const list = await api(sb, 'GET', '/v1/webhook/endpoint.list');
		expect(list.json.data).toEqual([
			expect.objectContaining({ endpoint_id: id, secret: add.json.data.secret }),
		]);
		const up = await api(sb, 'PATCH', '/v1/webhook/endpoint.update', {
			body: { endpoint_id: id, events: ['avatar_video.fail'] },
		});
		expect(up.json.data.events).toEqual(['avatar_video.fail']);
		const del = await api(sb, 'DELETE', `/v1/webhook/endpoint.delete?endpoint_id=${id}`);
		expect(del.json).toEqual({ code: 100, data: null, msg: null, message: null });
		const again = await api(sb, 'DELETE', `/v1/webhook/endpoint.delete?endpoint_id=${id}`);
		expect(again.status).toBe(404);
		expect(typeof again.json.code).toBe('number');
		expect((await api(sb, 'POST', '/v1/webhook/endpoint.add', { body: {} })).status).toBe(400);
		expect((await api(sb, 'GET', '/v1/webhook/webhook.list')).json.data).toContain(
			'avatar_video.success',
		);
	});

	test('sb.registerWebhook is the same store as the API', async () => {
		const { endpoint_id, secret } = sb.registerWebhook('http://127.0.0.1:9/hook', {
			events: ['avatar_video.fail'],
			secret: 'whsec_fixed',
		});
		expect(secret).toBe('whsec_fixed');
		const list = await api(sb, 'GET', '/v1/webhook/endpoint.list');
		expect(list.json.data.map((e) => e.endpoint_id)).toEqual([endpoint_id]);
	});

	test('optional OPTIONS probe on registration (webhookProbe: true)', async () => {
		const probing = await startSandbox({ webhookProbe: true });
		const receiver = await startReceiver([200]);
		try {
			const dead = await api(probing, 'POST', '/v3/webhooks/endpoints', {
				body: { url: 'http://127.0.0.1:9/hook' },
			});
			expect(dead.status).toBe(400);
			expect(dead.json.error.message).toMatch(/OPTIONS/);
			const alive = await api(probing, 'POST', '/v1/webhook/endpoint.add', {
				body: { url: `${receiver.url}/hook` },
			});
			expect(alive.status).toBe(200);
			expect(receiver.received[0].method).toBe('OPTIONS');
		} finally {
			await receiver.close();
			await probing.close();
		}
	});
});
