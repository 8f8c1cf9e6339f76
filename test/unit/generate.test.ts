import { TEMPLATE_URL_REGEX } from '../../nodes/HeyGenGenerateFromTemplate/description';
import {
	buildGenerateBody,
	canonicalJson,
	defaultCallbackId,
	idempotencyKey,
	readGenerateResponse,
	sha256,
} from '../../nodes/shared/generate';
import {
	normalizeLegacyDetail,
	normalizeLegacyList,
	normalizeV3Detail,
	normalizeV3List,
	readVariables,
	templateLabel,
} from '../../nodes/shared/templates';

describe('buildGenerateBody', () => {
	it('sends only what is set; no dimension unless given', () => {
		expect(buildGenerateBody({}, { title: 'T', callbackId: 'c' })).toEqual({ title: 'T', callback_id: 'c', variables: {} });
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
	it('is stable, HeyGen-valid, and changes with execution, node, item and body', () => {
		const key = idempotencyKey({ executionId: '123', nodeId: 'node-1', itemIndex: 0, body });
		expect(key).toBe(`n8n:123:node-1:0:${sha256(canonicalJson(body)).slice(0, 40)}`);
		expect(idempotencyKey({ executionId: '123', nodeId: 'node-1', itemIndex: 0, body: { variables: body.variables, title: 'T' } })).toBe(key);
		const others = [
			idempotencyKey({ executionId: '124', nodeId: 'node-1', itemIndex: 0, body }),
			idempotencyKey({ executionId: '123', nodeId: 'node-2', itemIndex: 0, body }),
			idempotencyKey({ executionId: '123', nodeId: 'node-1', itemIndex: 1, body }),
			idempotencyKey({ executionId: '123', nodeId: 'node-1', itemIndex: 0, body: { ...body, title: 'U' } }),
		];
		expect(new Set([key, ...others]).size).toBe(5);
	});

	it('stays within 255 characters of [A-Za-z0-9_:.-] whatever the IDs look like', () => {
		const key = idempotencyKey({ executionId: 'x'.repeat(500), nodeId: 'nöde with spaces/✓', itemIndex: 99999, body });
		expect(key).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/);
		expect(idempotencyKey({ executionId: '', nodeId: '', itemIndex: 0, body })).toMatch(/^n8n:manual:node:0:/);
	});

	it('canonical JSON sorts keys and drops undefined', () => {
		expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
	});
});

describe('responses', () => {
	it('reads the v3 video object and the legacy {video_id}', () => {
		expect(readGenerateResponse({ data: { id: 'v1', status: 'pending' } })).toEqual({ videoId: 'v1', status: 'pending' });
		expect(readGenerateResponse({ error: null, data: { video_id: 'v2' } })).toEqual({ videoId: 'v2', status: undefined });
		expect(readGenerateResponse({ data: {} })).toBeUndefined();
		expect(readGenerateResponse('nope')).toBeUndefined();
	});

	it('callback IDs carry execution and item', () => {
		expect(defaultCallbackId('77', 3)).toBe('n8n-77-3');
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
		const t = normalizeLegacyDetail('old', { error: null, data: { variables: { i: { name: 'i', type: 'image', properties: { url: 'u' } } } } }, {
			id: 'old',
			name: 'Old one',
			aspectRatio: 'landscape',
		});
		expect(t).toMatchObject({ id: 'old', name: 'Old one', aspectRatio: 'landscape', apiFamily: 'legacy' });
		expect(normalizeLegacyDetail('old', { data: {} }).name).toBe('old');
	});

	it('variables as an array are tolerated (variable_type too)', () => {
		expect(readVariables([{ name: 'a', variable_type: 'voice' }]).variables).toEqual([{ name: 'a', type: 'voice', properties: {} }]);
	});

	it('lists', () => {
		expect(normalizeV3List({ data: [{ id: 'a', name: 'A', aspect_ratio: 'square' }], has_more: true, next_token: 'tok' })).toEqual({
			templates: [{ id: 'a', name: 'A', aspectRatio: 'square', thumbnailUrl: undefined }],
			nextToken: 'tok',
		});
		expect(normalizeV3List({ data: [], has_more: false, next_token: 'stale' }).nextToken).toBeUndefined();
		expect(normalizeLegacyList({ data: { templates: [{ template_id: 'b', name: 'B', thumbnail_image_url: null }] } })).toEqual([
			{ id: 'b', name: 'B', aspectRatio: undefined, thumbnailUrl: undefined },
		]);
		expect(normalizeLegacyList({ data: [{ template_id: 'c', name: 'C' }] }).map((t) => t.id)).toEqual(['c']);
		expect(templateLabel({ id: 'a', name: 'A', aspectRatio: 'landscape' })).toBe('A (landscape)');
		expect(templateLabel({ id: 'a', name: 'A' })).toBe('A');
	});
});

describe('template URL', () => {
	const extract = (url: string) => new RegExp(TEMPLATE_URL_REGEX).exec(url)?.[1];
	it.each([
		['https://app.heygen.com/templates/3b8c2f0e9d7a4c51', '3b8c2f0e9d7a4c51'],
		['https://app.heygen.com/templates/3b8c2f0e9d7a4c51?tab=edit', '3b8c2f0e9d7a4c51'],
		['https://app.heygen.com/create-v4/draft?template_id=0344d8614d484b16&private=1', '0344d8614d484b16'],
		['https://app.heygen.com/create-v4/draft?vt=l&templateId=abc_DEF-1', 'abc_DEF-1'],
	])('%s', (url, id) => {
		expect(extract(url)).toBe(id);
	});
	it('does not take a draft or video ID for a template ID', () => {
		expect(extract('https://app.heygen.com/create-v4/b660ef745c0c4ee5?panel=scene')).toBeUndefined();
		expect(extract('https://example.com/templates/abc')).toBeUndefined();
	});
});
