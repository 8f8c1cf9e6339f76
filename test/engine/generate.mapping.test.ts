/**
 * What Generate sends, as the user means it, in n8n-core's real engine over real HTTP to the HeyGen sandbox:
 * Map Automatically on the REAL output items of n8n's OpenAI node (1.8 and 2.3, captured in n8n 2.41.1:
 * test/fixtures/openai/capture.js), every text variable sent (the sandbox renders an omitted one as a literal
 * {{name}}, as HeyGen v3 does), no paid video for unmatched data, W:H aspect ratios, JavaScript-named
 * variables and stale variable fields.
 */
import { PACKAGE } from '../harness/engine';
import { generateWorkflow } from '../support/generate-workflows';
import capturedOpenAi from '../fixtures/openai/outputs.json';
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';

type Json = Record<string, Loose>;

const GEN = `${PACKAGE}.heyGenGenerateFromTemplate`;

let sb: Loose;
let h: Loose;

withSandboxEngine({ reset: false }, (pair) => ({ sb, h } = pair));

const locator = (value: string) => ({ __rl: true, mode: 'id', value });

async function schemaFor(templateId: string): Promise<Loose[]> {
	const result = await h.loadOptions(GEN, 'resourceMapping', 'getTemplateVariables', {
		parameters: { apiVersion: 'auto', templateId: locator(templateId) },
	});
	return result.fields;
}

interface Setup {
	templateId: string;
	auto?: boolean;
	values?: Json;
	options?: Json;
	onError?: string;
	schema?: Loose[];
}

async function run(setup: Setup, items: Json[]) {
	const schema = setup.schema ?? (setup.auto ? [] : await schemaFor(setup.templateId));
	sb.reset();
	const wf = generateWorkflow({
		templateId: setup.templateId,
		locator: locator(setup.templateId),
		mappingMode: setup.auto ? 'autoMapInputData' : 'defineBelow',
		values: setup.auto ? null : (setup.values ?? {}),
		schema,
		options: setup.options ?? {},
		onError: setup.onError,
	});
	return await h.run(wf, { items: items.map((json) => ({ json })) });
}

const posts = () => sb.requests.filter((r: Loose) => r.server === 'api' && r.method === 'POST');
const sentTexts = (post: Loose) =>
	Object.fromEntries(
		Object.entries(post.body.variables).map(([k, v]: Loose) => [k, v.properties.content]),
	);
const videoOf = (r: Loose, k = 0) => sb.videos.get(r.items('Generate')[k].json.video_id);

describe("Map Automatically on the real output items of n8n's OpenAI node", () => {
	const captures = Object.entries((capturedOpenAi as Loose).captures) as Array<[string, Loose]>;

	it('covers OpenAI node 1.8 (chat, JSON output, simplify on/off) and 2.3 (Responses, JSON schema, simplify on/off)', () => {
		expect(captures.map(([name]) => name).sort()).toEqual(
			[
				'v1.8 message json simplify=false birthday',
				'v1.8 message json simplify=true birthday',
				'v2.3 response json_schema simplify=false birthday',
				'v2.3 response json_schema simplify=true birthday',
				'v1.8 message json simplify=false wrapperNames',
				'v1.8 message json simplify=true wrapperNames',
				'v2.3 response json_schema simplify=false wrapperNames',
				'v2.3 response json_schema simplify=true wrapperNames',
			].sort(),
		);
	});

	it.each(captures)('%s', async (name, capture) => {
		const birthday = name.endsWith(' birthday');
		const templateId = birthday ? 'tpl_birthday' : 'tpl_wrapper_names';
		const item = capture.items[0].json;
		const r = await run({ templateId, auto: true }, [item]);
		expect(r.status === 'success' ? 'success' : r.nodeError('Generate').message).toBe('success');
		expect(posts()).toHaveLength(1);
		const expected = birthday
			? { name: 'Ada', message: expect.stringMatching(/^Hi Ada! I recorded this video/) }
			: { output: 'output for Ada', text: expect.stringMatching(/^Hi Ada! I recorded this video/) };
		expect(sentTexts(posts()[0])).toEqual(expected);
		const video = videoOf(r);
		expect(video.unfilledPlaceholders).toEqual([]);
		expect(video.renderedTexts.join(' ')).toContain('Hi Ada! I recorded this video');
	});

	it('the script as a JSON string or ```json fence in message.content, output or text works the same', async () => {
		const script = { name: 'Grace', message: 'Happy birthday, Grace!' };
		const r = await run({ templateId: 'tpl_birthday', auto: true }, [
			{ message: { role: 'assistant', content: JSON.stringify(script) } },
			{ output: '```json\n' + JSON.stringify(script) + '\n```' },
			{ text: JSON.stringify(script) },
		]);
		expect(r.status).toBe('success');
		expect(posts().map(sentTexts)).toEqual([script, script, script]);
	});

	it('top-level fields come after the LLM JSON, and fill what it lacks', async () => {
		const r = await run({ templateId: 'tpl_birthday', auto: true }, [
			{
				name: 'Top-level Ada',
				message: { role: 'assistant', content: { message: 'From the model' } },
			},
		]);
		expect(r.status).toBe('success');
		expect(sentTexts(posts()[0])).toEqual({ name: 'Top-level Ada', message: 'From the model' });
	});
});

describe('text variables are always sent', () => {
	it('the sandbox renders an omitted v3 text variable as a literal {{name}} (as HeyGen documents)', async () => {
		sb.reset();
		const response = await fetch(`${sb.url}/v3/templates/tpl_birthday`, {
			method: 'POST',
			headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({
				variables: { message: { name: 'message', type: 'text', properties: { content: 'Hi' } } },
			}),
		});
		const body = (await response.json()) as Loose;
		const video = sb.videos.get(body.data.id);
		expect(video.unfilledPlaceholders).toEqual(['name']);
		expect(video.renderedTexts).toEqual(['Happy birthday, {{name}}!', 'Hi']);
	});

	it("defined below: an untouched or emptied text field sends the template's current text; nothing stays {{…}}", async () => {
		const r = await run(
			{
				templateId: 'tpl_sales_outreach',
				values: { script: 'Hi, a short video for you.', first_name: '', company: 'your company' },
			},
			[{}],
		);
		expect(r.status).toBe('success');
		expect(sentTexts(posts()[0])).toEqual({
			first_name: 'there',
			company: 'your company',
			script: 'Hi, a short video for you.',
		});
		expect(videoOf(r).unfilledPlaceholders).toEqual([]);
		expect(r.items('Generate')[0].json.request.variables.first_name).toEqual({
			type: 'text',
			characters: 5,
			template_text: true,
		});
	});

	it('Map Automatically: a text variable no source fills fails the item with nothing sent, unless Use Template Text', async () => {
		const item = { message: { role: 'assistant', content: { name: 'Ada' } } };
		const strict = await run({ templateId: 'tpl_birthday', auto: true }, [item]);
		expect(strict.status).toBe('error');
		expect(strict.nodeError('Generate').message).toBe(
			'Item 1: Map Automatically found no value for the text variable "message" ("message": skipped an object in input fields); HeyGen would show {{message}} in the video, so nothing was sent. Add fields named like the variables, or set Options → Missing Text Variables → Use Template Text',
		);
		expect(posts()).toHaveLength(0);
		const lenient = await run(
			{
				templateId: 'tpl_birthday',
				auto: true,
				options: { missingTextVariables: 'useTemplateText' },
			},
			[item],
		);
		expect(lenient.status).toBe('success');
		expect(sentTexts(posts()[0])).toEqual({ name: 'Ada', message: 'Happy birthday!' });
		expect(videoOf(lenient).unfilledPlaceholders).toEqual([]);
	});

	it('legacy route: text variables are sent the same way', async () => {
		const r = await run(
			{ templateId: 'tpl_legacy_promo', values: { product_image: 'asset_new' } },
			[{}],
		);
		expect(r.status).toBe('success');
		expect(posts()[0].path).toBe('/v2/template/tpl_legacy_promo/generate');
		expect(sentTexts(posts()[0]).title_text).toBe('Big Summer Sale');
	});
});

describe('no paid video for unmatched data', () => {
	it('a batch of 50 items matching no variable: 0 generate calls, 50 item errors naming the variables', async () => {
		const items = Array.from({ length: 50 }, (_, k) => ({
			full_name: `Contact ${k}`,
			greeting: 'Hello',
		}));
		const r = await run(
			{ templateId: 'tpl_birthday', auto: true, onError: 'continueRegularOutput' },
			items,
		);
		expect(r.status).toBe('success');
		expect(posts()).toHaveLength(0);
		expect(sb.charges).toBe(0);
		const out = r.items('Generate');
		expect(out).toHaveLength(50);
		out.forEach((item: Loose, k: number) => {
			expect(item.pairedItem).toEqual({ item: k });
			expect(item.json.full_name).toBe(`Contact ${k}`);
			expect(item.json.error).toBe(
				`Item ${k + 1}: Map Automatically found no value for any variable of template "Birthday Greeting" ("name", "message"); nothing was sent. Map Automatically reads, per variable, LLM JSON in message.content, choices[0].message.content, output or text first, then the item's top-level fields, by exact (case-sensitive) name`,
			);
		});
	});
});

describe('aspect ratio written as W:H', () => {
	it('refuses 1920x1080 for a 9:16 template before sending, and sends 1080x1920', async () => {
		const bad = await run(
			{
				templateId: 'tpl_vertical_story',
				values: { headline: 'Hi' },
				options: { width: 1920, height: 1080 },
			},
			[{}],
		);
		expect(bad.status).toBe('error');
		expect(bad.nodeError('Generate').message).toBe(
			"Item 1: dimension 1920x1080 does not match the template's aspect ratio (9:16); a forced size that does not fit the template distorts or fails the render",
		);
		expect(posts()).toHaveLength(0);
		const good = await run(
			{
				templateId: 'tpl_vertical_story',
				values: { headline: 'Hi' },
				options: { width: 1080, height: 1920 },
			},
			[{}],
		);
		expect(good.status).toBe('success');
		expect(posts()[0].body.dimension).toEqual({ width: 1080, height: 1920 });
	});
});

describe('variables named constructor, __proto__, toString', () => {
	it('defined below: toString is sent as set; n8n itself drops values keyed constructor/__proto__, which then send the template text', async () => {
		const r = await run(
			{
				templateId: 'tpl_js_names',
				values: { constructor: 'Builder', ['__proto__']: '={{ $json.p }}', toString: 'Text' },
			},
			[{ p: 'Proto' }],
		);
		expect(r.status).toBe('success');
		// n8n-workflow's deepCopy of node parameters never copies keys named __proto__, constructor, prototype
		expect(sentTexts(posts()[0])).toEqual({
			constructor: 'Default builder',
			['__proto__']: 'Default proto',
			toString: 'Text',
		});
		expect(videoOf(r).renderedTexts).toEqual(['Default builder / Default proto / Text']);
	});

	it("Map Automatically: read from an LLM's JSON string; nothing inherited is mistaken for a value", async () => {
		const r = await run({ templateId: 'tpl_js_names', auto: true }, [
			{ text: '{"constructor":"C","__proto__":"P","toString":"T"}' },
			{ constructor: 'Only this one' },
		]);
		expect(r.status).toBe('error');
		expect(sentTexts(posts()[0])).toEqual({ constructor: 'C', ['__proto__']: 'P', toString: 'T' });
		expect(r.nodeError('Generate').message).toMatch(
			/^Item 2: Map Automatically found no value for the text variables "__proto__", "toString"/,
		);
		expect(posts()).toHaveLength(1);
	});
});

describe('stale variable fields', () => {
	it('fields stored for another template are an item error, nothing sent', async () => {
		const r = await run(
			{
				templateId: 'tpl_sales_outreach',
				schema: await schemaFor('tpl_birthday'),
				values: { name: 'Ada', message: 'Old' },
			},
			[{}],
		);
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toBe(
			'Item 1: the variable fields were loaded for another version of the template: "Sales Outreach — Personal Intro" no longer has "name", "message", now also has "first_name", "company", "script", "narrator". Open the node and reload the variables (Refresh), then check the values; nothing was sent',
		);
		expect(posts()).toHaveLength(0);
	});

	it('a template edited in HeyGen since the fields were loaded (v3 revision) is an item error', async () => {
		const schema = await schemaFor('tpl_birthday');
		expect(schema[0].templateRevision).toBe('1');
		const template = sb.templates.find((t: Loose) => t.id === 'tpl_birthday');
		template.revision = 2;
		try {
			const r = await run({ templateId: 'tpl_birthday', schema, values: { name: 'Ada' } }, [{}]);
			expect(r.status).toBe('error');
			expect(r.nodeError('Generate').message).toMatch(
				/"Birthday Greeting" was edited in HeyGen since \(revision 1 → 2\)/,
			);
			expect(posts()).toHaveLength(0);
		} finally {
			template.revision = 1;
		}
	});
});
