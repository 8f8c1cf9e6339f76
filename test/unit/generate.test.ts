import { TEMPLATE_URL_REGEX } from '../../nodes/HeyGenGenerateFromTemplate/description';
import {
	buildGenerateBody,
	canonicalJson,
	defaultCallbackId,
	idempotencyKey,
	readGenerateResponse,
	sha256,
} from '../../nodes/HeyGenGenerateFromTemplate/generate';
import {
	normalizeLegacyDetail,
	normalizeLegacyList,
	normalizeV3Detail,
	normalizeV3List,
	readVariables,
	templateLabel,
} from '../../nodes/HeyGenGenerateFromTemplate/templates';

describe('buildGenerateBody', () => {
	it('sends only what is set; no dimension unless given', () => {
		expect(buildGenerateBody({}, { title: 'T', callbackId: 'c' })).toEqual({
			title: 'T',
			callback_id: 'c',
			variables: {},
		});
		expect(
			buildGenerateBody(
				{ a: 1 },
				{
					title: 'T',
					callbackId: 'c',
					callbackUrl: 'https://x.example.com',
					caption: false,
					includeGif: true,
					enableSharing: true,
					dimension: { width: 1080, height: 1920 },
					fps: 60,
					folderId: 'f',
					brandVoiceId: 'b',
					test: true,
				},
			),
		).toEqual({
			title: 'T',
			callback_id: 'c',
			variables: { a: 1 },
			callback_url: 'https://x.example.com',
			caption: false,
			include_gif: true,
			enable_sharing: true,
			dimension: { width: 1080, height: 1920 },
			fps: 60,
			folder_id: 'f',
			brand_voice_id: 'b',
			test: true,
		});
	});
});

describe('idempotencyKey', () => {
	const body = { title: 'T', variables: { a: { name: 'a' } } };
	const origin = { executionId: '123', nodeId: 'node-1', runIndex: 0, itemIndex: 0 };
	it('is stable, HeyGen-valid, and changes with execution, node, run, item and body', () => {
		const key = idempotencyKey({ ...origin, body });
		const scope = sha256('\n').slice(0, 16);
		expect(key).toBe(`n8n:${scope}:123:node-1:0:0:${sha256(canonicalJson(body)).slice(0, 40)}`);
		expect(idempotencyKey({ ...origin, body: { variables: body.variables, title: 'T' } })).toBe(
			key,
		);
		const others = [
			idempotencyKey({ ...origin, executionId: '124', body }),
			idempotencyKey({ ...origin, nodeId: 'node-2', body }),
			idempotencyKey({ ...origin, itemIndex: 1, body }),
			// the node's second run in a loop (e.g. a failed render sent back to Generate) is a new request
			idempotencyKey({ ...origin, runIndex: 1, body }),
			idempotencyKey({ ...origin, body: { ...body, title: 'U' } }),
		];
		expect(new Set([key, ...others]).size).toBe(6);
	});

	it('differs between n8n instances and workflows that share execution IDs', () => {
		const a = idempotencyKey({ ...origin, instanceId: 'instance-a', workflowId: 'wf-1', body });
		const b = idempotencyKey({ ...origin, instanceId: 'instance-b', workflowId: 'wf-1', body });
		const c = idempotencyKey({ ...origin, instanceId: 'instance-a', workflowId: 'wf-2', body });
		expect(new Set([a, b, c]).size).toBe(3);
		expect(a).not.toContain('instance-a');
		expect(idempotencyKey({ ...origin, instanceId: 'instance-a', workflowId: 'wf-1', body })).toBe(
			a,
		);
	});

	it('stays within 255 characters of [A-Za-z0-9_:.-] whatever the IDs look like', () => {
		const key = idempotencyKey({
			executionId: 'x'.repeat(500),
			nodeId: 'nöde with spaces/✓'.repeat(20),
			runIndex: 99999,
			itemIndex: 99999,
			instanceId: 'i'.repeat(1000),
			workflowId: 'w/../?,%2F'.repeat(100),
			body,
		});
		expect(key).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/);
		expect(
			idempotencyKey({ executionId: '', nodeId: '', runIndex: 0, itemIndex: 0, body }),
		).toMatch(/^n8n:[0-9a-f]{16}:manual:node:0:0:/);
	});

	it('canonical JSON sorts keys and drops undefined', () => {
		expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
	});
});

describe('responses', () => {
	it('reads the v3 video object and the legacy {video_id}', () => {
		expect(readGenerateResponse({ data: { id: 'v1', status: 'pending' } })).toEqual({
			videoId: 'v1',
			status: 'pending',
		});
		expect(readGenerateResponse({ error: null, data: { video_id: 'v2' } })).toEqual({
			videoId: 'v2',
			status: undefined,
		});
		expect(readGenerateResponse({ data: {} })).toBeUndefined();
		expect(readGenerateResponse('nope')).toBeUndefined();
	});

	it('callback IDs carry execution and item, and the run when a loop runs the node again', () => {
		expect(defaultCallbackId('77', 3)).toBe('n8n-77-3');
		expect(defaultCallbackId('77', 3, 0)).toBe('n8n-77-3');
		expect(defaultCallbackId('77', 3, 2)).toBe('n8n-77-3-r2');
	});
});

describe('template normalisers', () => {
	it('v3 details', () => {
		const t = normalizeV3Detail('tpl', {
			data: {
				id: 'tpl',
				name: 'Promo',
				aspect_ratio: 'portrait',
				variables: {
					t: { name: 't', type: 'text', properties: { content: 'x' } },
					odd: { name: 'odd', type: 'sticker', properties: {} },
				},
			},
		});
		expect(t).toEqual({
			id: 'tpl',
			name: 'Promo',
			aspectRatio: 'portrait',
			dimension: undefined,
			apiFamily: 'v3',
			variables: [{ name: 't', type: 'text', properties: { content: 'x' } }],
			unsupported: [{ name: 'odd', type: 'sticker' }],
		});
	});

	it('legacy details take name and ratio from the list entry', () => {
		const t = normalizeLegacyDetail(
			'old',
			{
				error: null,
				data: { variables: { i: { name: 'i', type: 'image', properties: { url: 'u' } } } },
			},
			{
				id: 'old',
				name: 'Old one',
				aspectRatio: 'landscape',
			},
		);
		expect(t).toMatchObject({
			id: 'old',
			name: 'Old one',
			aspectRatio: 'landscape',
			apiFamily: 'legacy',
		});
		expect(normalizeLegacyDetail('old', { data: {} }).name).toBe('old');
	});

	it('variables as an array are tolerated (variable_type too)', () => {
		expect(readVariables([{ name: 'a', variable_type: 'voice' }]).variables).toEqual([
			{ name: 'a', type: 'voice', properties: {} },
		]);
	});

	it('lists', () => {
		expect(
			normalizeV3List({
				data: [{ id: 'a', name: 'A', aspect_ratio: 'square' }],
				has_more: true,
				next_token: 'tok',
			}),
		).toEqual({
			templates: [{ id: 'a', name: 'A', aspectRatio: 'square', thumbnailUrl: undefined }],
			nextToken: 'tok',
		});
		expect(
			normalizeV3List({ data: [], has_more: false, next_token: 'stale' }).nextToken,
		).toBeUndefined();
		expect(
			normalizeLegacyList({
				data: { templates: [{ template_id: 'b', name: 'B', thumbnail_image_url: null }] },
			}),
		).toEqual([{ id: 'b', name: 'B', aspectRatio: undefined, thumbnailUrl: undefined }]);
		expect(
			normalizeLegacyList({ data: [{ template_id: 'c', name: 'C' }] }).map((t) => t.id),
		).toEqual(['c']);
		expect(templateLabel({ id: 'a', name: 'A', aspectRatio: 'landscape' })).toBe('A (landscape)');
		expect(templateLabel({ id: 'a', name: 'A' })).toBe('A');
	});
});

describe('template URL', () => {
	const extract = (url: string) => new RegExp(TEMPLATE_URL_REGEX).exec(url)?.[1];
	// How the editor validates the By URL mode (n8n-workflow validateResourceLocatorParameter anchors the regex).
	const accepted = (url: string) => new RegExp(`^${TEMPLATE_URL_REGEX}$`).test(url);
	it.each([
		['https://app.heygen.com/templates/3b8c2f0e9d7a4c51', '3b8c2f0e9d7a4c51'],
		['https://app.heygen.com/templates/3b8c2f0e9d7a4c51/', '3b8c2f0e9d7a4c51'],
		['app.heygen.com/templates/3b8c2f0e9d7a4c51', '3b8c2f0e9d7a4c51'],
		['https://www.heygen.com/templates/3b8c2f0e9d7a4c51', '3b8c2f0e9d7a4c51'],
		[
			'https://app.heygen.com/create-v4/draft?template_id=0344d8614d484b16a7ab0531560bae91&private=1',
			'0344d8614d484b16a7ab0531560bae91',
		],
		['https://app.heygen.com/templates/3b8c2f0e9d7a4c51?tab=edit', '3b8c2f0e9d7a4c51'],
		[
			'https://app.heygen.com/create-v4/draft?template_id=0344d8614d484b16&private=1',
			'0344d8614d484b16',
		],
		['https://app.heygen.com/create-v4/draft?vt=l&templateId=abc_DEF-1', 'abc_DEF-1'],
	])('%s', (url, id) => {
		expect(extract(url)).toBe(id);
		expect(accepted(url)).toBe(true);
	});
	it.each([
		// a draft or video ID is not a template ID
		'https://app.heygen.com/create-v4/b660ef745c0c4ee5?panel=scene',
		// the template gallery filtered by category: no template chosen
		'https://app.heygen.com/templates?ct=explainer%2520video&shortcut=photo-to-video',
		'https://app.heygen.com/templates',
		'https://example.com/templates/abc',
		'https://app.heygen.com.evil.example/templates/abc',
	])('refuses %s', (url) => {
		expect(accepted(url)).toBe(false);
	});
});
