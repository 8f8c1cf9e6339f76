import type { NormalizedTemplate } from '../../nodes/HeyGenGenerateFromTemplate/templates';
import {
	autoMapSources,
	autoMapValues,
	parseJsonObject,
} from '../../nodes/HeyGenGenerateFromTemplate/mapping/autoMapSources';
import {
	aspectRatioValue,
	dimensionProblem,
} from '../../nodes/HeyGenGenerateFromTemplate/dimensions';
import {
	staleSchemaProblem,
	templateFields,
} from '../../nodes/HeyGenGenerateFromTemplate/mapping/editorFields';
import { buildVariables } from '../../nodes/HeyGenGenerateFromTemplate/mapping/requestBuilders';
import {
	mediaProperty,
	parseCharacter,
} from '../../nodes/HeyGenGenerateFromTemplate/mapping/valueParsers';
import { VariableError } from '../../nodes/HeyGenGenerateFromTemplate/mapping/values';

const template: NormalizedTemplate = {
	id: 'tpl',
	name: 'Showcase',
	aspectRatio: 'portrait',
	apiFamily: 'v3',
	unsupported: [],
	variables: [
		{ name: 'script', type: 'text', properties: { content: 'Default script' } },
		{
			name: 'logo',
			type: 'image',
			properties: { url: 'https://files.example.com/logo.png', asset_id: null, fit: 'contain' },
		},
		{
			name: 'clip',
			type: 'video',
			properties: { url: null, asset_id: 'asset_clip', play_style: 'loop' },
		},
		{
			name: 'music',
			type: 'audio',
			properties: { url: 'https://files.example.com/m.mp3', asset_id: null },
		},
		{
			name: 'host',
			type: 'character',
			properties: { type: 'talking_photo', character_id: 'tp_1' },
		},
		{ name: 'voice', type: 'voice', properties: { voice_id: 'v_1' } },
	],
};

const build = (
	values: Record<string, unknown>,
	extra: Partial<Parameters<typeof buildVariables>[1]> = {},
	family: 'v3' | 'legacy' = 'v3',
) => buildVariables(template, { values, ...extra }, { family, emptyValues: 'error' });

function failure(fn: () => unknown): VariableError {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	if (caught instanceof VariableError) return caught;
	throw new Error(`expected a VariableError, got ${String(caught)}`);
}

describe('templateFields', () => {
	it('one field per variable, fit only where the template uses it, play style for video', () => {
		const fields = templateFields(template, { voices: [{ name: 'Ava', value: 'v_2' }] });
		expect(fields.map((f) => f.id)).toEqual([
			'script',
			'logo',
			'logo (fit)',
			'clip',
			'clip (play style)',
			'music',
			'host',
			'voice',
		]);
		const host = fields.find((f) => f.id === 'host')!;
		expect(host.defaultValue).toBe('talking_photo:tp_1');
		// the template's current value stays choosable even when the account list does not have it
		expect(host.options).toEqual([
			{ name: "talking_photo:tp_1 (template's current value)", value: 'talking_photo:tp_1' },
		]);
		const voice = fields.find((f) => f.id === 'voice')!;
		expect(voice.options!.map((o) => o.value)).toEqual(['v_1', 'v_2']);
		expect(fields.find((f) => f.id === 'clip')!.defaultValue).toBe('asset_clip');
		expect(fields.every((f) => f.required === false)).toBe(true);
	});
});

describe('auto-map sources', () => {
	it('reads LLM JSON first (message.content, output, text, content, the Responses shape), then flat fields', () => {
		const json = {
			script: 'flat loses to the LLM JSON',
			clip: 'asset_flat_clip',
			message: { content: '{"script":"from message","voice":"v_9"}' },
			output: [
				{ type: 'message', content: [{ type: 'output_text', text: '{"host":"avatar:a_1"}' }] },
			],
			text: '```json\n{"music":"https://m.example.com/x.mp3"}\n```',
			content: { logo: 'asset_logo' },
		};
		expect(autoMapSources(json).map((source) => source.label)).toEqual([
			'message.content (LLM JSON)',
			'output[].content[].text (LLM JSON)',
			'text (LLM JSON)',
			'content (LLM JSON)',
			'input fields',
		]);
		expect(autoMapValues(template, json).values).toEqual({
			script: 'from message',
			voice: 'v_9',
			host: 'avatar:a_1',
			music: 'https://m.example.com/x.mp3',
			logo: 'asset_logo',
			clip: 'asset_flat_clip',
		});
	});

	it('skips a candidate whose type cannot fit for the next source, and says so when none fits', () => {
		const wrapperNamed: NormalizedTemplate = {
			...template,
			variables: [
				{ name: 'message', type: 'text', properties: { content: 'm' } },
				{ name: 'name', type: 'text', properties: { content: 'n' } },
				{ name: 'output', type: 'text', properties: { content: 'o' } },
			],
		};
		// OpenAI node 1.x: the wrapper `message` is an object; the script inside wins
		const openAi = {
			message: { role: 'assistant', content: { name: 'Ada', message: 'Hi Ada' } },
			output: ['x'],
		};
		expect(autoMapValues(wrapperNamed, openAi)).toEqual({
			values: { name: 'Ada', message: 'Hi Ada' },
			skipped: { output: 'an array in input fields' },
		});
		// the LLM JSON lacks `message`: the wrapper object does not fit text and nothing else has it
		const partial = autoMapValues(wrapperNamed, {
			message: { role: 'assistant', content: { name: 'Ada' } },
		});
		expect(partial.values).toEqual({ name: 'Ada' });
		expect(partial.skipped).toEqual({ message: 'an object in input fields' });
		// a blank LLM value gives way to a later usable one
		expect(autoMapValues(wrapperNamed, { text: '{"name":""}', name: 'Grace' }).values).toEqual({
			name: 'Grace',
		});
		expect(autoMapValues(wrapperNamed, { text: '{"name":"  "}' }).values).toEqual({ name: '  ' });
	});

	it('looks up own properties only: constructor, __proto__ and toString are plain names', () => {
		const jsNames: NormalizedTemplate = {
			...template,
			variables: ['constructor', '__proto__', 'toString'].map((name) => ({
				name,
				type: 'text',
				properties: { content: `d ${name}` },
			})),
		};
		expect(autoMapValues(jsNames, {}).values).toEqual({});
		const parsed = autoMapValues(jsNames, {
			text: '{"constructor":"a","__proto__":"b","toString":"c"}',
		}).values;
		expect(Object.keys(parsed)).toEqual(['constructor', '__proto__', 'toString']);
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		const built = buildVariables(
			jsNames,
			{ values: parsed, auto: { skipped: {} } },
			{ family: 'v3', emptyValues: 'error' },
		);
		expect(Object.keys(built.variables)).toEqual(['constructor', '__proto__', 'toString']);
		expect(JSON.parse(JSON.stringify(built.variables)).__proto__).toEqual({
			name: '__proto__',
			type: 'text',
			properties: { content: 'b' },
		});
		// defined below with nothing set: the template's text for each, never Object.prototype's members
		const sent = buildVariables(
			jsNames,
			{ values: {} },
			{ family: 'v3', emptyValues: 'error' },
		).variables;
		expect(Object.keys(sent)).toEqual(['constructor', '__proto__', 'toString']);
		expect(
			(sent.toString as unknown as { properties: { content: string } }).properties.content,
		).toBe('d toString');
	});
	it('ignores strings that are not JSON objects', () => {
		expect(parseJsonObject('hello')).toBeUndefined();
		expect(parseJsonObject('[1,2]')).toBeUndefined();
		expect(parseJsonObject('{broken')).toBeUndefined();
		expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
	});
});

describe('buildVariables', () => {
	it('builds exactly {name, type, properties} and keeps the template media settings', () => {
		const { variables } = build({
			script: 42,
			logo: 'asset_new_logo',
			clip: 'https://v.example.com/c.mp4',
			'clip (play style)': 'fit_to_scene',
			music: 'https://m.example.com/new.mp3',
			host: 'avatar_xyz',
			voice: ' v_2 ',
		});
		expect(variables).toEqual({
			script: { name: 'script', type: 'text', properties: { content: '42' } },
			logo: {
				name: 'logo',
				type: 'image',
				properties: { asset_id: 'asset_new_logo', fit: 'contain' },
			},
			clip: {
				name: 'clip',
				type: 'video',
				properties: { url: 'https://v.example.com/c.mp4', play_style: 'fit_to_scene' },
			},
			music: { name: 'music', type: 'audio', properties: { url: 'https://m.example.com/new.mp3' } },
			host: {
				name: 'host',
				type: 'character',
				properties: { type: 'talking_photo', character_id: 'avatar_xyz' },
			},
			voice: { name: 'voice', type: 'voice', properties: { voice_id: 'v_2' } },
		});
	});

	it("always sends text (the template's current text when unset or untouched); omits other unset fields", () => {
		const { variables, summary } = build(
			{ script: 'Default script', voice: '', host: null },
			{ prefilled: { script: 'Default script' } },
		);
		expect(variables).toEqual({
			script: { name: 'script', type: 'text', properties: { content: 'Default script' } },
		});
		expect(summary).toEqual({ script: { type: 'text', characters: 14, template_text: true } });
		expect(build({}).variables).toEqual({
			script: { name: 'script', type: 'text', properties: { content: 'Default script' } },
		});
		// the same value from an expression is an explicit choice
		const sent = build(
			{ script: 'Default script' },
			{ prefilled: { script: 'Default script' }, sources: { script: 'expression' } },
		);
		expect(sent.summary).toEqual({ script: { type: 'text', characters: 14 } });
	});

	it('Map Automatically: a text variable no source fills fails the item, unless Use Template Text', () => {
		const twoTexts: NormalizedTemplate = {
			...template,
			variables: [
				{ name: 'name', type: 'text', properties: { content: 'Friend' } },
				{ name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
				{ name: 'voice', type: 'voice', properties: { voice_id: 'v_1' } },
			],
		};
		const auto = {
			values: { name: 'Ada' },
			sources: { name: 'input' as const },
			auto: { skipped: { message: 'an object in input fields' } },
		};
		const error = failure(() =>
			buildVariables(twoTexts, auto, { family: 'v3', emptyValues: 'error' }),
		);
		expect(error.message).toBe(
			'Map Automatically found no value for the text variable "message" ("message": skipped an object in input fields); HeyGen would show {{message}} in the video, so nothing was sent. Add fields named like the variables, or set Options → Missing Text Variables → Use Template Text',
		);
		const lenient = buildVariables(twoTexts, auto, {
			family: 'v3',
			emptyValues: 'error',
			missingText: 'useTemplateText',
		});
		expect(lenient.variables).toEqual({
			name: { name: 'name', type: 'text', properties: { content: 'Ada' } },
			message: { name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		});
		// nothing matched at all: always an error, whatever the option
		const none = failure(() =>
			buildVariables(
				twoTexts,
				{ values: {}, auto: { skipped: {} } },
				{ family: 'v3', emptyValues: 'error', missingText: 'useTemplateText' },
			),
		);
		expect(none.message).toMatch(
			/^Map Automatically found no value for any variable of template "Showcase" \("name", "message", "voice"\); nothing was sent\./,
		);
	});
	it('limits text per API family', () => {
		expect(() => build({ script: 'a'.repeat(5000) })).not.toThrow();
		expect(failure(() => build({ script: 'a'.repeat(5001) })).message).toBe(
			'variable "script" is 5001 characters; HeyGen accepts at most 5000',
		);
		expect(failure(() => build({ script: 'a'.repeat(1501) }, {}, 'legacy')).message).toBe(
			'variable "script" is 1501 characters; HeyGen accepts at most 1500 on the legacy API',
		);
	});

	it('rejects unknown names, unless auto-mapping', () => {
		const error = failure(() => build({ Script: 'x' }));
		expect(error.message).toBe(
			'variable "Script" is not in template "Showcase"; names are case-sensitive: did you mean "script"?',
		);
		expect(error.variable).toBe('Script');
		const auto = buildVariables(
			template,
			{ values: { other: 'x', voice: 'v_5' }, auto: { skipped: {} } },
			{ family: 'v3', emptyValues: 'error', missingText: 'useTemplateText' },
		);
		expect(Object.keys(auto.variables)).toEqual(['script', 'voice']);
	});

	it('rejects wrong value types', () => {
		expect(failure(() => build({ script: { a: 1 } })).message).toBe(
			'variable "script" expects text, got an object',
		);
		expect(failure(() => build({ logo: 12 })).message).toBe(
			'variable "logo" (image) expects a URL or asset ID as text, got a number',
		);
		expect(failure(() => build({ voice: ['v'] })).message).toBe(
			'variable "voice" (voice) expects an ID as text, got an array',
		);
		expect(failure(() => build({ voice: 'two words' })).message).toBe(
			'variable "voice" (voice) must be a voice ID, got "two words"',
		);
		expect(failure(() => build({ 'logo (fit)': 'stretch' })).message).toBe(
			'"logo (fit)" must be one of cover, contain, crop, none, got "stretch"',
		);
	});

	it('a fit or play style alone needs media from the template', () => {
		const bare: NormalizedTemplate = {
			...template,
			variables: [{ name: 'img', type: 'image', properties: {} }],
		};
		expect(() =>
			buildVariables(
				bare,
				{ values: { 'img (fit)': 'crop' } },
				{ family: 'v3', emptyValues: 'error' },
			),
		).toThrow(
			'variable "img" (image) needs a URL or asset ID when its fit or play style is set (the template has none)',
		);
	});

	it('summarises text by length and everything else by value', () => {
		const { summary } = build({ script: 'Hello', voice: 'v_3' });
		expect(summary).toEqual({
			script: { type: 'text', characters: 5 },
			voice: { type: 'voice', voice_id: 'v_3' },
		});
	});
});

describe('staleSchemaProblem', () => {
	const birthday: NormalizedTemplate = {
		id: 'tpl_b',
		name: 'Birthday',
		apiFamily: 'v3',
		revision: '3',
		unsupported: [],
		variables: [
			{ name: 'name', type: 'text', properties: { content: 'Friend' } },
			{ name: 'message', type: 'text', properties: { content: 'Happy birthday!' } },
		],
	};
	it('accepts the schema loaded for this template, one lacking variables added since, and an empty (never loaded) one', () => {
		expect(staleSchemaProblem(birthday, templateFields(birthday))).toBeUndefined();
		expect(staleSchemaProblem(birthday, templateFields(birthday).slice(0, 1))).toBeUndefined();
		expect(staleSchemaProblem(birthday, [])).toBeUndefined();
	});
	it('names what changed: other names, other types, another revision', () => {
		expect(staleSchemaProblem(birthday, templateFields(template))).toBe(
			'the variable fields were loaded for another version of the template: "Birthday" no longer has "script", "logo", "logo (fit)", "clip", "clip (play style)", "music", "host", "voice", now also has "name", "message". Open the node and reload the variables (Refresh), then check the values; nothing was sent',
		);
		const retyped = templateFields({
			...birthday,
			variables: [birthday.variables[0], { name: 'message', type: 'voice', properties: {} }],
		});
		expect(staleSchemaProblem(birthday, retyped)).toMatch(
			/changed the type of message \(voice → text\)/,
		);
		expect(staleSchemaProblem(birthday, templateFields({ ...birthday, revision: '2' }))).toMatch(
			/was edited in HeyGen since \(revision 2 → 3\)/,
		);
		expect(
			staleSchemaProblem(
				{ ...birthday, revision: undefined },
				templateFields({ ...birthday, revision: '2' }),
			),
		).toBeUndefined();
	});
});

describe('media and character values', () => {
	it.each([
		['https://cdn.example.com/a.png', { url: 'https://cdn.example.com/a.png' }],
		['http://cdn.example.com/a.png?x=1', { url: 'http://cdn.example.com/a.png?x=1' }],
		['  asset_123  ', { asset_id: 'asset_123' }],
		['9f1c0e7d2b', { asset_id: '9f1c0e7d2b' }],
	])('%s', (value, expected) => {
		expect(mediaProperty('m', 'image', value)).toEqual(expected);
	});

	it.each([
		'https://',
		'https://exa mple.com/a.png',
		'ftp://x.example.com/a',
		'www.example.com/a.png',
		'not an id',
		'/local/file.png',
	])('refuses %s', (value) => {
		expect(() => mediaProperty('m', 'image', value)).toThrow(VariableError);
	});

	it('characters: prefixed kinds, bare IDs take the template kind', () => {
		expect(parseCharacter('c', 'avatar:Briana', 'talking_photo')).toEqual({
			type: 'avatar',
			character_id: 'Briana',
		});
		expect(parseCharacter('c', 'talking_photo:tp_9', 'avatar')).toEqual({
			type: 'talking_photo',
			character_id: 'tp_9',
		});
		expect(parseCharacter('c', 'Josh', 'avatar')).toEqual({ type: 'avatar', character_id: 'Josh' });
		expect(() => parseCharacter('c', 'avatar:', 'avatar')).toThrow(VariableError);
	});
});

describe('dimensionProblem', () => {
	const landscape = { aspectRatio: 'landscape' };
	it('accepts even sizes in range matching the ratio', () => {
		expect(dimensionProblem(1280, 720, landscape)).toBeUndefined();
		expect(dimensionProblem(3840, 2160, landscape)).toBeUndefined();
		expect(dimensionProblem(1080, 1080, { aspectRatio: 'square' })).toBeUndefined();
		expect(dimensionProblem(1000, 700, { aspectRatio: 'something-new' })).toBeUndefined();
		expect(
			dimensionProblem(1024, 576, { dimension: { width: 1280, height: 720 } }),
		).toBeUndefined();
		expect(dimensionProblem(1080, 1920, { aspectRatio: '9:16' })).toBeUndefined();
		expect(dimensionProblem(1080, 1350, { aspectRatio: '4:5' })).toBeUndefined();
		expect(dimensionProblem(1350, 1080, { aspectRatio: '5:4' })).toBeUndefined();
	});
	it.each([
		['16:9', 16 / 9],
		['9:16', 9 / 16],
		['1:1', 1],
		['4:5', 0.8],
		['5:4', 1.25],
		['landscape', 16 / 9],
		['Portrait', 9 / 16],
		['square', 1],
		['constructor', undefined],
		['toString', undefined],
		['0:5', undefined],
	])('ratio %s', (ratio, value) => {
		expect(aspectRatioValue(ratio)).toBe(value);
	});
	it.each([
		['9:16', 1920, 1080],
		['16:9', 1080, 1920],
		['1:1', 1280, 720],
		['4:5', 1080, 1080],
		['5:4', 1080, 1350],
		['square', 1920, 1080],
	])('refuses a size not matching %s', (ratio, w, h) => {
		expect(dimensionProblem(w, h, { aspectRatio: ratio })).toBe(
			`dimension ${w}x${h} does not match the template's aspect ratio (${ratio}); a forced size that does not fit the template distorts or fails the render`,
		);
	});
	it.each([
		[1281, 720, 'dimension width 1281 must be even'],
		[126, 72, "dimension width 126 is outside HeyGen's range 128–4096"],
		[1280.5, 720, 'dimension width must be a whole number, got 1280.5'],
		[1280, '720', 'dimension height must be a whole number, got "720"'],
		[
			720,
			1280,
			"dimension 720x1280 does not match the template's aspect ratio (landscape); a forced size that does not fit the template distorts or fails the render",
		],
	])('%s x %s', (w, h, message) => {
		expect(dimensionProblem(w, h, landscape)).toBe(message);
	});
});
