/**
 * HeyGen Generate From Template in n8n-core's real engine, over real HTTP to the HeyGen sandbox:
 * variable types, options, expressions, Map Automatically, pre-flight validation, API families, caching.
 */
import { PACKAGE } from '../harness/engine';
import { generateWorkflow } from '../support/generate-workflows';
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';

const GEN = `${PACKAGE}.heyGenGenerateFromTemplate`;

type Json = Record<string, Loose>;
let sb: Loose;
let h: Loose;
const schemas = new Map<string, Loose[]>();

withSandboxEngine({}, (pair) => ({ sb, h } = pair));

function locator(value: string, mode = 'id') {
	return { __rl: true, mode, value };
}

/** The schema the editor stores with the node: the node's own resourceMapping method, run in n8n's LoadOptionsContext. */
async function schemaFor(templateId: string, apiVersion = 'auto'): Promise<Loose[]> {
	const key = `${apiVersion}:${templateId}`;
	if (!schemas.has(key)) {
		const result = await h.loadOptions(GEN, 'resourceMapping', 'getTemplateVariables', {
			parameters: { apiVersion, templateId: locator(templateId) },
		});
		schemas.set(key, result.fields);
	}
	return schemas.get(key)!;
}

interface Setup {
	templateId?: string;
	templateMode?: string;
	apiVersion?: string;
	values?: Json | null;
	mappingMode?: string;
	options?: Json;
	onError?: string;
	schema?: Loose[];
}

async function workflow(setup: Setup) {
	const templateId = setup.templateId ?? 'tpl_birthday';
	const apiVersion = setup.apiVersion ?? 'auto';
	sb.reset();
	const schema =
		setup.schema ?? (setup.templateMode ? [] : await schemaFor(templateId, apiVersion));
	sb.reset();
	return generateWorkflow({
		templateId,
		locator: locator(templateId, setup.templateMode ?? 'id'),
		apiVersion,
		mappingMode: setup.mappingMode ?? 'defineBelow',
		values: setup.values === undefined ? {} : setup.values,
		schema,
		options: setup.options ?? {},
		onError: setup.onError,
	});
}

async function run(setup: Setup, items: Json[] = [{}], runOptions: Json = {}) {
	const wf = await workflow(setup);
	return await h.run(wf, { items: items.map((json) => ({ json })), ...runOptions });
}

const api = () => sb.requests.filter((r: Loose) => r.server === 'api');
const posts = () => api().filter((r: Loose) => r.method === 'POST');
const gets = (path: string) => api().filter((r: Loose) => r.method === 'GET' && r.path === path);
const calls = () => api().map((r: Loose) => `${r.method} ${r.path} ${r.status}`);

describe('input fields', () => {
	it("keeps the input item's fields under the video fields by default, and only the video fields when turned off", async () => {
		const input = { contact_id: 'c-42', first_name: 'Ada', video_id: 'stale-id-from-input' };
		const kept = await run({ values: { name: '={{ $json.first_name }}' } }, [input]);
		expect(kept.status).toBe('success');
		const keptJson = kept.items('Generate')[0].json;
		expect(keptJson).toMatchObject({
			contact_id: 'c-42',
			first_name: 'Ada',
			template_id: 'tpl_birthday',
		});
		// the video's own fields win over input fields of the same name
		expect(keptJson.video_id).not.toBe('stale-id-from-input');
		expect(sb.videos.has(keptJson.video_id)).toBe(true);

		const bare = await run(
			{ values: { name: '={{ $json.first_name }}' }, options: { keepInputFields: false } },
			[input],
		);
		expect(Object.keys(bare.items('Generate')[0].json).sort()).toEqual([
			'api_version',
			'callback_id',
			'idempotency_key',
			'request',
			'status',
			'template_id',
			'template_name',
			'title',
			'video_id',
		]);
	});
});

describe('input fields (continued)', () => {
	it("replaces every field this node writes, so an earlier attempt's status and error do not travel with a new video", async () => {
		// e.g. a contact sent back from Wait For Video's Failed output: a legacy video has no status of its own
		const input = {
			contact_id: 'c-9',
			name: 'Sale',
			status: 'failed',
			error: { code: 40119, message: 'Video is too long' },
			idempotency_key: 'n8n:old',
			details: 'old failure',
		};
		const r = await run(
			{ templateId: 'tpl_legacy_promo', values: { title_text: '={{ $json.name }}' } },
			[input],
		);
		expect(r.status).toBe('success');
		const out = r.items('Generate')[0].json;
		expect(out).toMatchObject({ contact_id: 'c-9', name: 'Sale', api_version: 'legacy' });
		for (const stale of ['status', 'error', 'idempotency_key', 'details'])
			expect(out).not.toHaveProperty(stale);
	});
});

describe('every variable type', () => {
	it("sends text, image, video, audio, character and voice in HeyGen's exact shape, IDs by expression included", async () => {
		const r = await run(
			{
				templateId: 'tpl_all_types',
				values: {
					headline: 'Spring lineup',
					script: '={{ $json.message.content.script }}',
					logo: 'https://cdn.example.com/brand/logo.png',
					'logo (fit)': 'cover',
					background: 'asset_bg_0042',
					'background (fit)': 'contain',
					'background (play style)': '={{ "once" }}',
					music: '={{ $json.music }}',
					// IDs that are not in the dropdown lists stored with the schema: accepted by expression
					presenter: '={{ $json.avatar }}',
					narrator: '={{ $json.voice }}',
				},
			},
			[
				{
					message: { role: 'assistant', content: { script: 'Hello Ada, here is what is new.' } },
					music: 'https://cdn.example.com/audio/theme.mp3',
					avatar: 'my_custom_avatar_77',
					voice: 'voice_not_in_list_9',
				},
			],
		);
		expect(r.status).toBe('success');
		const body = posts()[0].body;
		expect(posts()[0].path).toBe('/v3/templates/tpl_all_types');
		expect(body.variables).toEqual({
			headline: { name: 'headline', type: 'text', properties: { content: 'Spring lineup' } },
			script: {
				name: 'script',
				type: 'text',
				properties: { content: 'Hello Ada, here is what is new.' },
			},
			logo: {
				name: 'logo',
				type: 'image',
				properties: { url: 'https://cdn.example.com/brand/logo.png', fit: 'cover' },
			},
			background: {
				name: 'background',
				type: 'video',
				properties: { asset_id: 'asset_bg_0042', fit: 'contain', play_style: 'once' },
			},
			music: {
				name: 'music',
				type: 'audio',
				properties: { url: 'https://cdn.example.com/audio/theme.mp3' },
			},
			presenter: {
				name: 'presenter',
				type: 'character',
				properties: { type: 'avatar', character_id: 'my_custom_avatar_77' },
			},
			narrator: {
				name: 'narrator',
				type: 'voice',
				properties: { voice_id: 'voice_not_in_list_9' },
			},
		});
		expect(body.dimension).toBeUndefined();
		const out = r.items('Generate')[0];
		expect(out.json.request.variables).toEqual({
			headline: { type: 'text', characters: 13 },
			script: { type: 'text', characters: 31 },
			logo: { type: 'image', url: 'https://cdn.example.com/brand/logo.png', fit: 'cover' },
			background: { type: 'video', asset_id: 'asset_bg_0042', fit: 'contain', play_style: 'once' },
			music: { type: 'audio', url: 'https://cdn.example.com/audio/theme.mp3' },
			presenter: {
				type: 'character',
				character_type: 'avatar',
				character_id: 'my_custom_avatar_77',
			},
			narrator: { type: 'voice', voice_id: 'voice_not_in_list_9' },
		});
		expect(
			sb.videos.get(out.json.video_id).requestVariables.presenter.properties.character_id,
		).toBe('my_custom_avatar_77');
		// the input item's fields travel on (Keep Input Fields, default on) under the video fields; never the API key
		expect(Object.keys(out.json).sort()).toEqual([
			'api_version',
			'avatar',
			'callback_id',
			'idempotency_key',
			'message',
			'music',
			'request',
			'status',
			'template_id',
			'template_name',
			'title',
			'video_id',
			'voice',
		]);
		expect(JSON.stringify(out)).not.toContain(sb.apiKey);
	});

	it('takes avatars and talking photos from the dropdown values, keeping the kind', async () => {
		const r = await run({
			templateId: 'tpl_all_types',
			values: {
				presenter: 'talking_photo:tp_1b3d5f7a9c2e4b6d8f0a',
				narrator: '3f4a7c1d9b8e4a6f8c2d1e0b9a8f7c6d',
			},
		});
		expect(r.status).toBe('success');
		expect(posts()[0].body.variables).toEqual({
			headline: { name: 'headline', type: 'text', properties: { content: 'Meet the new lineup' } },
			script: {
				name: 'script',
				type: 'text',
				properties: { content: 'Hello! This is the default narration of the all-types template.' },
			},
			presenter: {
				name: 'presenter',
				type: 'character',
				properties: { type: 'talking_photo', character_id: 'tp_1b3d5f7a9c2e4b6d8f0a' },
			},
			narrator: {
				name: 'narrator',
				type: 'voice',
				properties: { voice_id: '3f4a7c1d9b8e4a6f8c2d1e0b9a8f7c6d' },
			},
		});
	});

	it("sets only a fit or play style on top of the template's own media", async () => {
		const r = await run({
			templateId: 'tpl_all_types',
			values: { 'background (play style)': 'freeze' },
		});
		expect(r.status).toBe('success');
		expect(posts()[0].body.variables).toEqual({
			headline: { name: 'headline', type: 'text', properties: { content: 'Meet the new lineup' } },
			script: {
				name: 'script',
				type: 'text',
				properties: { content: 'Hello! This is the default narration of the all-types template.' },
			},
			background: {
				name: 'background',
				type: 'video',
				properties: {
					url: 'https://files2.heygen.ai/sandbox/assets/background.mp4',
					fit: 'cover',
					play_style: 'freeze',
				},
			},
		});
	});

	it("sends the template's current text for text fields left empty or still holding the pre-filled value", async () => {
		const schema = await schemaFor('tpl_birthday');
		expect(schema.find((f) => f.id === 'name').defaultValue).toBe('Friend');
		const r = await run({ values: { name: 'Friend', message: '' } });
		expect(r.status).toBe('success');
		expect(posts()[0].body.variables).toEqual({
			name: { name: 'name', type: 'text', properties: { content: 'Friend' } },
			message: { name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		});
		expect(r.items('Generate')[0].json.request.variables).toEqual({
			name: { type: 'text', characters: 6, template_text: true },
			message: { type: 'text', characters: 15, template_text: true },
		});
		expect(sb.videos.get(r.items('Generate')[0].json.video_id).unfilledPlaceholders).toEqual([]);
	});
});

describe('Map Automatically', () => {
	it('fills variables from input fields of the same name and ignores the others', async () => {
		const r = await run({ mappingMode: 'autoMapInputData', values: null }, [
			{ name: 'Ada', message: 'Happy birthday, Ada!', email: 'ada@example.com' },
			{ name: 'Grace' },
		]);
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toMatch(
			/^Item 2: Map Automatically found no value for the text variable "message"/,
		);
		expect(posts().map((p: Loose) => p.body.variables)).toEqual([
			{
				name: { name: 'name', type: 'text', properties: { content: 'Ada' } },
				message: { name: 'message', type: 'text', properties: { content: 'Happy birthday, Ada!' } },
			},
		]);
	});

	it("reads the OpenAI node's message.content (object or JSON string) and output/text JSON strings", async () => {
		const keys = {
			first_name: 'Ada',
			company: 'Analytical Engines',
			script: 'Hi Ada! A video for you.',
		};
		const r = await run(
			{
				templateId: 'tpl_sales_outreach',
				mappingMode: 'autoMapInputData',
				values: null,
				options: { missingTextVariables: 'useTemplateText' },
			},
			[
				{ index: 0, message: { role: 'assistant', content: keys }, finish_reason: 'stop' },
				{
					index: 0,
					message: { role: 'assistant', content: JSON.stringify({ ...keys, first_name: 'Grace' }) },
				},
				{ output: '```json\n' + JSON.stringify({ ...keys, first_name: 'Linus' }) + '\n```' },
				{ text: JSON.stringify({ first_name: 'Ken' }) },
			],
		);
		expect(r.status).toBe('success');
		const sent = posts().map((p: Loose) =>
			Object.fromEntries(
				Object.entries(p.body.variables).map(([k, v]: Loose) => [k, v.properties.content]),
			),
		);
		expect(sent).toEqual([
			keys,
			{ ...keys, first_name: 'Grace' },
			{ ...keys, first_name: 'Linus' },
			{
				first_name: 'Ken',
				company: 'your company',
				script:
					'I recorded this short video to show how we can help your team save hours every week.',
			},
		]);
	});

	it('fails an item whose matching input field is empty', async () => {
		const r = await run({ mappingMode: 'autoMapInputData', values: null }, [{ name: '  ' }]);
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toBe(
			'Item 1: variable "name" is empty: the input field resolved to nothing. Fix the data, or set Options → When a Value Is Empty to keep the template\'s value',
		);
		expect(posts()).toHaveLength(0);
	});
});

describe('options', () => {
	it('sends every option it was given, and nothing it was not', async () => {
		const r = await run(
			{
				values: { name: '={{ $json.name }}' },
				options: {
					title: '={{ "Birthday for " + $json.name }}',
					caption: true,
					includeGif: true,
					enableSharing: false,
					width: 1280,
					height: 720,
					fps: 30,
					folderId: 'fld_sales_q3',
					brandVoiceId: 'bv_acme_pronunciation',
					callbackId: '={{ "crm-" + $json.id }}',
					callbackUrl: 'https://hooks.example.com/heygen',
				},
			},
			[{ name: 'Ada', id: 42 }],
		);
		expect(r.status).toBe('success');
		const { variables, ...rest } = posts()[0].body;
		expect(variables).toEqual({
			name: { name: 'name', type: 'text', properties: { content: 'Ada' } },
			message: { name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		});
		expect(rest).toEqual({
			title: 'Birthday for Ada',
			callback_id: 'crm-42',
			callback_url: 'https://hooks.example.com/heygen',
			caption: true,
			include_gif: true,
			enable_sharing: false,
			dimension: { width: 1280, height: 720 },
			fps: 30,
			folder_id: 'fld_sales_q3',
			brand_voice_id: 'bv_acme_pronunciation',
		});
		const out = r.items('Generate')[0].json;
		expect(out.title).toBe('Birthday for Ada');
		expect(out.callback_id).toBe('crm-42');
		expect(out.request.options).toEqual(rest);
		const video = sb.videos.get(out.video_id);
		expect([video.folderId, video.fps, video.caption]).toEqual(['fld_sales_q3', 30, true]);
	});

	it('defaults: title from the template name and item, callback ID from execution and item, no dimension', async () => {
		const templateTexts = {
			name: { name: 'name', type: 'text', properties: { content: 'Friend' } },
			message: { name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		};
		const r = await run({ values: {} }, [{}, {}], { executionId: 'exec-defaults' });
		expect(r.status).toBe('success');
		expect(posts().map((p: Loose) => p.body)).toEqual([
			{
				title: 'Birthday Greeting #1',
				callback_id: 'n8n-exec-defaults-0',
				variables: templateTexts,
			},
			{
				title: 'Birthday Greeting #2',
				callback_id: 'n8n-exec-defaults-1',
				variables: templateTexts,
			},
		]);
		expect(r.items('Generate').map((i: Loose) => i.json.callback_id)).toEqual([
			'n8n-exec-defaults-0',
			'n8n-exec-defaults-1',
		]);
	});

	it("points the callback URL at this execution's resume URL, and keeps its signature out of the output", async () => {
		const r = await run({ values: {}, options: { resumeOnCallback: true } });
		expect(r.status).toBe('success');
		expect(posts()[0].body.callback_url).toBe(r.resumeUrl);
		expect(r.resumeUrl).toMatch(/\?signature=[0-9a-f]{32}$/);
		expect(r.items('Generate')[0].json.request.options.callback_url).toMatch(
			/\?signature=redacted$/,
		);
	});

	it('sends test mode on the legacy API (the only route HeyGen documents it for)', async () => {
		const r = await run({
			templateId: 'tpl_legacy_promo',
			apiVersion: 'legacy',
			values: {},
			options: { test: true },
		});
		expect(r.status).toBe('success');
		expect(posts()[0].path).toBe('/v2/template/tpl_legacy_promo/generate');
		expect(posts()[0].body.test).toBe(true);
		expect(sb.videos.get(r.items('Generate')[0].json.video_id).test).toBe(true);
	});

	it('waits the configured delay between items', async () => {
		const r = await run({ values: {}, options: { delayBetweenItems: 300 } }, [{}, {}]);
		expect(r.status).toBe('success');
		const [first, second] = posts();
		expect(second.time - first.time).toBeGreaterThanOrEqual(250);
	});
});

describe('pre-flight validation: nothing is sent for a bad item', () => {
	const cases: Array<[string, Setup, Json[], string]> = [
		[
			'unknown variable (case hint)',
			{ values: { Name: 'Ada' } },
			[{}],
			'Item 1: variable "Name" is not in template "Birthday Greeting"; names are case-sensitive: did you mean "name"?',
		],
		[
			'unknown variable',
			{ values: { nickname: 'Ada' } },
			[{}],
			'Item 1: variable "nickname" is not in template "Birthday Greeting" (its variables: name, message). Refresh the variable list if the template changed',
		],
		[
			'wrong value type',
			{ values: { name: '={{ $json.person }}' } },
			[{ person: { first: 'Ada' } }],
			'Item 1: variable "name" expects text, got an object',
		],
		[
			'malformed URL',
			{ templateId: 'tpl_all_types', values: { logo: 'https://exa mple.com/logo.png' } },
			[{}],
			'Item 1: variable "logo" (image) has a malformed URL: "https://exa mple.com/logo.png"',
		],
		[
			'neither URL nor asset ID',
			{ templateId: 'tpl_all_types', values: { music: 'ftp://files.example.com/a.mp3' } },
			[{}],
			'Item 1: variable "music" (audio) must be a public http(s) URL or a HeyGen asset ID, got "ftp://files.example.com/a.mp3"',
		],
		[
			'fit outside the allowed values',
			{ templateId: 'tpl_all_types', values: { 'logo (fit)': '={{ "stretch" }}' } },
			[{}],
			'Item 1: "logo (fit)" must be one of cover, contain, crop, none, got "stretch"',
		],
		[
			'empty expression',
			{ values: { name: '={{ $json.missing }}' } },
			[{}],
			'Item 1: variable "name" is empty: the expression resolved to nothing. Fix the data, or set Options → When a Value Is Empty to keep the template\'s value',
		],
		[
			'text over the v3 limit',
			{ values: { message: '={{ $json.long }}' } },
			[{ long: 'x'.repeat(5234) }],
			'Item 1: variable "message" is 5234 characters; HeyGen accepts at most 5000',
		],
		[
			'text over the legacy limit',
			{ templateId: 'tpl_legacy_promo', values: { title_text: '={{ $json.long }}' } },
			[{ long: 'y'.repeat(1600) }],
			'Item 1: variable "title_text" is 1600 characters; HeyGen accepts at most 1500 on the legacy API',
		],
		[
			'odd dimension',
			{ values: {}, options: { width: 1281, height: 720 } },
			[{}],
			'Item 1: dimension width 1281 must be even',
		],
		[
			'dimension out of range',
			{ values: {}, options: { width: 8192, height: 4608 } },
			[{}],
			"Item 1: dimension width 8192 is outside HeyGen's range 128–4096",
		],
		[
			"dimension not matching the template's aspect ratio",
			{ templateId: 'tpl_all_types', values: {}, options: { width: 1920, height: 1080 } },
			[{}],
			"Item 1: dimension 1920x1080 does not match the template's aspect ratio (portrait); a forced size that does not fit the template distorts or fails the render",
		],
		[
			'callback URL that is not http(s)',
			{ values: {}, options: { callbackUrl: 'hooks.example.com/heygen' } },
			[{}],
			'Item 1: Callback URL "hooks.example.com/heygen" is not an http(s) URL',
		],
		[
			'frame rate HeyGen does not offer (by expression)',
			{ values: {}, options: { fps: '={{ 24 }}' } },
			[{}],
			'Item 1: frame rate must be 25, 30 or 60, got 24',
		],
		[
			'only one side of the dimension',
			{ values: {}, options: { width: 1280 } },
			[{}],
			"Item 1: set both Width and Height, or neither (the template's own size is used)",
		],
		[
			'callback URL and resume together',
			{ values: {}, options: { callbackUrl: 'https://x.example.com', resumeOnCallback: true } },
			[{}],
			'Item 1: set either Callback URL or Resume on Callback, not both',
		],
	];

	it.each(cases)('%s', async (_label, setup, items, message) => {
		const r = await run(setup, items);
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toBe(message);
		expect(posts()).toHaveLength(0);
	});

	it('names the failing item and stops before it; earlier items were sent', async () => {
		const r = await run({ values: { message: '={{ $json.m }}' } }, [
			{ m: 'ok' },
			{ m: 'fine' },
			{ m: 'z'.repeat(5001) },
			{ m: 'never' },
		]);
		expect(r.status).toBe('error');
		const error = r.nodeError('Generate');
		expect(error.message).toBe(
			'Item 3: variable "message" is 5001 characters; HeyGen accepts at most 5000',
		);
		expect(error.context.itemIndex).toBe(2);
		expect(posts().map((p: Loose) => p.body.variables.message.properties.content)).toEqual([
			'ok',
			'fine',
		]);
	});

	it('empty values: keep the template value, or send empty text, when the option says so', async () => {
		const keep = await run({
			values: { name: '={{ $json.none }}' },
			options: { emptyValues: 'keepTemplate' },
		});
		expect(keep.status).toBe('success');
		expect(posts()[0].body.variables).toEqual({
			name: { name: 'name', type: 'text', properties: { content: 'Friend' } },
			message: { name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		});
		const send = await run({
			values: { name: '={{ $json.none }}' },
			options: { emptyValues: 'sendEmpty' },
		});
		expect(send.status).toBe('success');
		expect(posts()[0].body.variables).toEqual({
			name: { name: 'name', type: 'text', properties: { content: '' } },
			message: { name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		});
	});
});

describe('template by URL', () => {
	it.each([
		['https://app.heygen.com/templates/tpl_birthday'],
		['https://app.heygen.com/create-v4/draft?template_id=tpl_birthday&private=1'],
		['https://app.heygen.com/create-v4/draft?vt=l&templateId=tpl_birthday'],
	])('%s', async (url) => {
		const wf = await workflow({ values: {} });
		wf.nodes[1].parameters.templateId = locator(url, 'url');
		const r = await h.run(wf, { items: [{ json: {} }] });
		expect(r.status).toBe('success');
		expect(posts()[0].path).toBe('/v3/templates/tpl_birthday');
	});
});

describe('API families', () => {
	it('Auto: a template v3 does not know goes legacy (details, list, generate), with no idempotency key', async () => {
		const r = await run({ templateId: 'tpl_legacy_promo', values: { title_text: 'Summer sale' } });
		expect(r.status).toBe('success');
		expect(calls()).toEqual([
			'GET /v3/templates/tpl_legacy_promo 404',
			'GET /v3/template/tpl_legacy_promo 404',
			'GET /v2/template/tpl_legacy_promo 200',
			'GET /v2/templates 200',
			'POST /v2/template/tpl_legacy_promo/generate 200',
		]);
		expect(posts()[0].headers['idempotency-key']).toBeUndefined();
		const out = r.items('Generate')[0].json;
		expect(out).toMatchObject({
			api_version: 'legacy',
			template_name: 'Legacy Product Promo',
			title: 'Legacy Product Promo #1',
		});
		expect(out.idempotency_key).toBeUndefined();
		expect(out.status).toBeUndefined();
		expect(sb.videos.get(out.video_id).apiFamily).toBe('legacy');
	});

	it('Auto: a v3 template goes v3 with an Idempotency-Key and reports the status', async () => {
		const r = await run({ values: {} });
		const out = r.items('Generate')[0].json;
		expect(out.api_version).toBe('v3');
		expect(out.status).toBe('pending');
		expect(posts()[0].headers['idempotency-key']).toBe(out.idempotency_key);
		expect(out.idempotency_key).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/);
	});

	it("V3 only: a legacy-only template fails with HeyGen's 404 and nothing is generated", async () => {
		const r = await run({
			templateId: 'tpl_legacy_promo',
			apiVersion: 'v3',
			values: {},
			schema: [],
		});
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toMatch(/not found/i);
		expect(calls()).toEqual(['GET /v3/templates/tpl_legacy_promo 404']);
	});

	it('Auto: a template v3 refuses as unsupported (400, not 404) also goes legacy', async () => {
		// heygen-cli: GET /v3/templates/{id} serves "only draft version 4 templates"; the status for the others is not documented
		const wf = await workflow({ values: { name: 'Ada' }, schema: [] });
		sb.fault({
			method: 'GET',
			path: '/v3/templates/tpl_birthday',
			type: 'server_error',
			status: 400,
			code: 'invalid_parameter',
			message: 'Only draft version 4 templates are supported',
		});
		const r = await h.run(wf, { items: [{ json: {} }] });
		expect(r.status).toBe('success');
		expect(calls()).toEqual([
			'GET /v3/templates/tpl_birthday 400',
			'GET /v3/template/tpl_birthday 200',
			'GET /v2/templates 200',
			'POST /v2/template/tpl_birthday/generate 200',
		]);
		expect(r.items('Generate')[0].json.api_version).toBe('legacy');
	});

	it("Auto: when v3 refuses a template and legacy does not know it either, v3's reason is reported", async () => {
		const wf = await workflow({ templateId: 'tpl_missing', values: {}, schema: [] });
		sb.fault({
			method: 'GET',
			path: '/v3/templates/tpl_missing',
			type: 'server_error',
			status: 400,
			code: 'invalid_parameter',
			message: 'Only draft version 4 templates are supported',
		});
		const r = await h.run(wf, { items: [{ json: {} }] });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toBe(
			'HeyGen error [invalid_parameter]: Only draft version 4 templates are supported',
		);
		expect(posts()).toHaveLength(0);
	});

	it('Auto: any other v3 failure (here 401) is not mistaken for "v3 does not know it"', async () => {
		const wf = await workflow({ values: {}, schema: [] });
		sb.fault({ method: 'GET', path: '/v3/templates/tpl_birthday', type: 'unauthorized' });
		const r = await h.run(wf, { items: [{ json: {} }] });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').httpCode).toBe('401');
		expect(calls()).toEqual(['GET /v3/templates/tpl_birthday 401']);
	});

	it('Auto: a template neither family knows fails after the three lookups, nothing is generated', async () => {
		const r = await run({ templateId: 'tpl_missing', values: {}, schema: [] });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toBe('HeyGen error [not_found]: Template not found');
		expect(calls()).toEqual([
			'GET /v3/templates/tpl_missing 404',
			'GET /v3/template/tpl_missing 404',
			'GET /v2/template/tpl_missing 404',
		]);
	});

	it('Legacy: reads a New AI Studio template through /v3/template/{id} and generates through v2', async () => {
		const r = await run({ apiVersion: 'legacy', values: { name: 'Ada' } });
		expect(r.status).toBe('success');
		expect(calls()).toEqual([
			'GET /v3/template/tpl_birthday 200',
			'GET /v2/templates 200',
			'POST /v2/template/tpl_birthday/generate 200',
		]);
		expect(r.items('Generate')[0].json).toMatchObject({
			api_version: 'legacy',
			template_name: 'Birthday Greeting',
		});
	});
});

describe('per-execution cache', () => {
	it('reads a v3 template once for many items', async () => {
		const r = await run(
			{ values: { name: '={{ $json.n }}' } },
			[1, 2, 3, 4, 5].map((n) => ({ n: `P${n}` })),
		);
		expect(r.status).toBe('success');
		expect(gets('/v3/templates/tpl_birthday')).toHaveLength(1);
		expect(posts()).toHaveLength(5);
		expect(api()).toHaveLength(6);
		expect(r.items('Generate').map((i: Loose) => i.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
	});

	it('reads a legacy template and the legacy list once for many items', async () => {
		const r = await run({ templateId: 'tpl_legacy_promo', values: {} }, [{}, {}, {}]);
		expect(r.status).toBe('success');
		expect(calls().filter((c: string) => c.startsWith('GET'))).toHaveLength(4);
		expect(posts()).toHaveLength(3);
	});

	it('reads each template once when items choose different templates by expression', async () => {
		const wf = await workflow({ values: {} });
		wf.nodes[1].parameters.templateId = locator('={{ $json.t }}');
		const r = await h.run(wf, {
			items: ['tpl_birthday', 'tpl_sales_outreach', 'tpl_birthday', 'tpl_sales_outreach'].map(
				(t) => ({ json: { t } }),
			),
		});
		expect(r.status).toBe('success');
		expect(calls().filter((c: string) => c.startsWith('GET'))).toEqual([
			'GET /v3/templates/tpl_birthday 200',
			'GET /v3/templates/tpl_sales_outreach 200',
		]);
		expect(r.items('Generate').map((i: Loose) => i.json.template_name)).toEqual([
			'Birthday Greeting',
			'Sales Outreach — Personal Intro',
			'Birthday Greeting',
			'Sales Outreach — Personal Intro',
		]);
	});
});
