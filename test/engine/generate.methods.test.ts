/**
 * The editor-time methods of HeyGen Generate From Template (template picker, variable fields, dropdowns),
 * run in n8n-core's real LoadOptionsContext against the HeyGen sandbox.
 */
import { createHarness, PACKAGE } from '../harness/engine';
import { startSandbox } from '../../tools/heygen-sandbox';
import * as fixtures from '../../tools/heygen-sandbox/templates';
import type { Loose } from '../support/loose';

const GEN = `${PACKAGE}.heyGenGenerateFromTemplate`;
let sb: Loose;
let big: Loose;
let h: Loose;
let hBig: Loose;

/** 130 v3 templates, so the list needs two pages of 100; the one named "Needle" sits on page two. */
function manyTemplates() {
	const base = fixtures.TEMPLATES.find((t: Loose) => t.id === 'tpl_birthday');
	return Array.from({ length: 130 }, (_, i) => ({
		...base,
		id: `tpl_many_${String(i).padStart(3, '0')}`,
		name: i === 117 ? 'Needle in the haystack' : `Many ${i}`,
		aspect_ratio: i % 2 ? 'portrait' : 'landscape',
	}));
}

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	big = await startSandbox({ port: 0, templates: manyTemplates() });
	h = createHarness({
		credentials: { heyGenTemplatesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
	});
	hBig = createHarness({
		credentials: { heyGenTemplatesApi: { apiKey: big.apiKey, baseUrl: big.url } },
	});
});
afterAll(async () => {
	await sb.close();
	await big.close();
});
beforeEach(() => {
	sb.reset();
	big.reset();
});

const search = (harness: Loose, parameters: object, filter?: string, token?: string) =>
	harness.loadOptions(GEN, 'listSearch', 'searchTemplates', { parameters, args: [filter, token] });
const fieldsOf = (templateId: string, apiVersion = 'auto') =>
	h.loadOptions(GEN, 'resourceMapping', 'getTemplateVariables', {
		parameters: { apiVersion, templateId: { __rl: true, mode: 'list', value: templateId } },
	});

describe('template picker (listSearch)', () => {
	it('lists v3 templates with their aspect ratio and HeyGen link', async () => {
		const result = await search(h, { apiVersion: 'auto' });
		expect(result.results[0]).toEqual({
			name: 'Birthday Greeting (landscape)',
			value: 'tpl_birthday',
			url: 'https://app.heygen.com/templates/tpl_birthday',
		});
		expect(result.results.map((r: Loose) => r.name)).toContain(
			'All Variable Types Showcase (portrait)',
		);
		// v3 lists only templates with variables, and never legacy-only ones
		expect(result.results.map((r: Loose) => r.value)).not.toContain('tpl_square_no_vars');
		expect(result.results.map((r: Loose) => r.value)).not.toContain('tpl_legacy_promo');
		expect(result.paginationToken).toBeUndefined();
	});

	it('pages with the v3 cursor as a string token', async () => {
		const first = await search(hBig, { apiVersion: 'v3' });
		expect(first.results).toHaveLength(100);
		expect(typeof first.paginationToken).toBe('string');
		const second = await search(hBig, { apiVersion: 'v3' }, undefined, first.paginationToken);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect(new Set([...first.results, ...second.results].map((r: Loose) => r.value)).size).toBe(
			130,
		);
		expect(big.requests.map((q: Loose) => q.query.limit)).toEqual(['100', '100']);
	});

	it('filters by name or ID (case-insensitive), reading further pages to find matches', async () => {
		expect(
			(await search(h, { apiVersion: 'auto' }, 'BIRTHDAY')).results.map((r: Loose) => r.value),
		).toEqual(['tpl_birthday']);
		expect(
			(await search(h, { apiVersion: 'auto' }, 'café')).results.map((r: Loose) => r.name),
		).toEqual([
			'Café Promo — Édition été 13 (landscape)',
			'Café Promo — Édition été 29 (portrait)',
		]);
		// accent-insensitive both ways: "cafe" finds "Café", "ÉDITION ETE" finds "Édition été"
		for (const filter of ['cafe', 'CAFE PROMO', 'edition ete', 'ÉDITION ÉTÉ', ' café ']) {
			expect(
				(await search(h, { apiVersion: 'auto' }, filter)).results.map((r: Loose) => r.value),
			).toEqual(['tpl_gen_13', 'tpl_gen_29']);
		}
		expect((await search(h, { apiVersion: 'auto' }, 'cafes')).results).toEqual([]);
		const needle = await search(hBig, { apiVersion: 'auto' }, 'needle');
		expect(needle.results).toEqual([
			{
				name: 'Needle in the haystack (portrait)',
				value: 'tpl_many_117',
				url: 'https://app.heygen.com/templates/tpl_many_117',
			},
		]);
	});

	it('Legacy V2 lists GET /v2/templates, legacy-only templates included', async () => {
		const result = await search(h, { apiVersion: 'legacy' }, 'promo');
		expect(result.results.map((r: Loose) => r.name)).toContain('Legacy Product Promo (landscape)');
		expect(sb.requests.map((q: Loose) => q.path)).toEqual(['/v2/templates']);
	});
});

describe('variable fields (resourceMapping)', () => {
	it('gives every type its field, with the template values pre-filled and dropdowns for avatars and voices', async () => {
		const { fields } = await fieldsOf('tpl_all_types');
		const byId = Object.fromEntries(fields.map((f: Loose) => [f.id, f]));
		expect(fields.map((f: Loose) => f.id)).toEqual([
			'headline',
			'script',
			'logo',
			'logo (fit)',
			'background',
			'background (fit)',
			'background (play style)',
			'music',
			'presenter',
			'narrator',
		]);
		expect(byId.headline).toMatchObject({
			type: 'string',
			required: false,
			display: true,
			defaultValue: 'Meet the new lineup',
		});
		expect(byId.logo).toMatchObject({
			type: 'string',
			displayName: 'logo (image)',
			defaultValue: 'https://files2.heygen.ai/sandbox/assets/logo.png',
		});
		expect(byId['logo (fit)']).toMatchObject({ type: 'options', defaultValue: 'contain' });
		expect(byId['logo (fit)'].options.map((o: Loose) => o.value)).toEqual([
			'cover',
			'contain',
			'crop',
			'none',
		]);
		expect(byId['background (play style)'].options.map((o: Loose) => o.value)).toEqual([
			'fit_to_scene',
			'freeze',
			'loop',
			'once',
			'full_video',
		]);
		expect(byId.music).toMatchObject({ displayName: 'music (audio)' });
		expect(byId.presenter).toMatchObject({
			type: 'options',
			displayName: 'presenter (avatar)',
			defaultValue: 'avatar:Briana_public_2_20240110',
		});
		expect(byId.presenter.options).toEqual(
			expect.arrayContaining([
				{ name: 'Avatar: Briana in Blue Blazer', value: 'avatar:Briana_public_2_20240110' },
				{ name: 'Talking photo: Maya (photo)', value: 'talking_photo:tp_8f2c1a3b5d7e4f6a9b0c' },
			]),
		);
		expect(byId.narrator).toMatchObject({
			type: 'options',
			defaultValue: '1ae3be1e24894ccabdb4d8139399f721',
		});
		expect(byId.narrator.options).toContainEqual({
			name: 'Ava - Friendly (English, female)',
			value: '1ae3be1e24894ccabdb4d8139399f721',
		});
	});

	it('reads a legacy-only template under Auto through the legacy details', async () => {
		const { fields } = await fieldsOf('tpl_legacy_promo');
		expect(fields.map((f: Loose) => [f.id, f.type, f.defaultValue])).toEqual([
			['title_text', 'string', 'Big Summer Sale'],
			['product_image', 'string', 'https://files2.heygen.ai/sandbox/assets/product.jpg'],
			['product_image (fit)', 'options', 'cover'],
		]);
	});

	it('explains a template without variables', async () => {
		expect(await fieldsOf('tpl_square_no_vars')).toEqual({
			fields: [],
			emptyFieldsNotice: 'This template has no variables: it renders as designed',
		});
	});

	it('asks for a template first', async () => {
		expect((await fieldsOf('')).emptyFieldsNotice).toBe('Choose a template first');
		expect(sb.requests).toHaveLength(0);
	});
});

describe('dropdowns (loadOptions)', () => {
	const load = (method: string) => h.loadOptions(GEN, 'loadOptions', method, { parameters: {} });

	it('voices from the v3 list', async () => {
		const voices = await load('getVoices');
		expect(voices).toHaveLength(6);
		expect(voices[0]).toEqual({
			name: 'Ava - Friendly (English, female)',
			value: '1ae3be1e24894ccabdb4d8139399f721',
		});
		expect(sb.requests[0].path).toBe('/v3/voices');
	});

	it('voices from /v2/voices when v3 is unavailable', async () => {
		sb.fault({ path: '/v3/voices', type: 'server_error', status: 404 });
		const voices = await load('getVoices');
		expect(voices).toHaveLength(6);
		expect(sb.requests.map((q: Loose) => q.path)).toEqual(['/v3/voices', '/v2/voices']);
	});

	it('avatars and talking photos, with their kind in the value', async () => {
		const characters = await load('getCharacters');
		expect(characters.map((c: Loose) => c.value)).toEqual([
			'avatar:Briana_public_2_20240110',
			'avatar:Daisy-inskirt-20220818',
			'avatar:josh_lite3_20230714',
			'avatar:Tyler-incasualsuit-20220721',
			'talking_photo:tp_8f2c1a3b5d7e4f6a9b0c',
			'talking_photo:tp_1b3d5f7a9c2e4b6d8f0a',
		]);
	});

	it('folders, with their parent', async () => {
		expect(await load('getFolders')).toEqual([
			{ name: 'Marketing', value: 'fld_marketing' },
			{ name: 'Sales Outreach', value: 'fld_sales' },
			{ name: 'Sales Outreach / Q3 Campaign', value: 'fld_sales_q3' },
		]);
	});

	it('brand voices', async () => {
		expect(await load('getBrandVoices')).toEqual([
			{ name: 'ACME Pronunciation', value: 'bv_acme_pronunciation' },
		]);
	});
});
