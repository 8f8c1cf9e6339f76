import type { NormalizedTemplate } from '../../nodes/shared/templates';
import {
	autoMapSources,
	autoMapValues,
	buildVariables,
	dimensionProblem,
	mediaProperty,
	parseCharacter,
	parseJsonObject,
	templateFields,
	VariableError,
} from '../../nodes/shared/variables';

const template: NormalizedTemplate = {
	id: 'tpl',
	name: 'Showcase',
	aspectRatio: 'portrait',
	apiFamily: 'v3',
	unsupported: [],
	variables: [
		{ name: 'script', type: 'text', properties: { content: 'Default script' } },
		{ name: 'logo', type: 'image', properties: { url: 'https://files.example.com/logo.png', asset_id: null, fit: 'contain' } },
		{ name: 'clip', type: 'video', properties: { url: null, asset_id: 'asset_clip', play_style: 'loop' } },
		{ name: 'music', type: 'audio', properties: { url: 'https://files.example.com/m.mp3', asset_id: null } },
		{ name: 'host', type: 'character', properties: { type: 'talking_photo', character_id: 'tp_1' } },
		{ name: 'voice', type: 'voice', properties: { voice_id: 'v_1' } },
	],
};

const build = (values: Record<string, unknown>, extra: Partial<Parameters<typeof buildVariables>[1]> = {}, family: 'v3' | 'legacy' = 'v3') =>
	buildVariables(template, { values, ...extra }, { family, emptyValues: 'error' });

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
		expect(fields.map((f) => f.id)).toEqual(['script', 'logo', 'logo (fit)', 'clip', 'clip (play style)', 'music', 'host', 'voice']);
		const host = fields.find((f) => f.id === 'host')!;
		expect(host.defaultValue).toBe('talking_photo:tp_1');
		// the template's current value stays choosable even when the account list does not have it
		expect(host.options).toEqual([{ name: "talking_photo:tp_1 (template's current value)", value: 'talking_photo:tp_1' }]);
		const voice = fields.find((f) => f.id === 'voice')!;
		expect(voice.options!.map((o) => o.value)).toEqual(['v_1', 'v_2']);
		expect(fields.find((f) => f.id === 'clip')!.defaultValue).toBe('asset_clip');
		expect(fields.every((f) => f.required === false)).toBe(true);
	});
});

describe('auto-map sources', () => {
	it('reads flat fields first, then message.content, output, text, content, and the Responses shape', () => {
		const json = {
			script: 'flat wins',
			message: { content: '{"script":"from message","voice":"v_9"}' },
			output: [{ content: [{ type: 'output_text', text: '{"host":"avatar:a_1"}' }] }],
			text: '```json\n{"music":"https://m.example.com/x.mp3"}\n```',
			content: { logo: 'asset_logo' },
		};
		expect(autoMapSources(json)).toHaveLength(5);
		expect(autoMapValues(['script', 'voice', 'host', 'music', 'logo', 'clip'], json)).toEqual({
			script: 'flat wins',
			voice: 'v_9',
			host: 'avatar:a_1',
			music: 'https://m.example.com/x.mp3',
			logo: 'asset_logo',
		});
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
			logo: { name: 'logo', type: 'image', properties: { asset_id: 'asset_new_logo', fit: 'contain' } },
			clip: { name: 'clip', type: 'video', properties: { url: 'https://v.example.com/c.mp4', play_style: 'fit_to_scene' } },
			music: { name: 'music', type: 'audio', properties: { url: 'https://m.example.com/new.mp3' } },
			host: { name: 'host', type: 'character', properties: { type: 'talking_photo', character_id: 'avatar_xyz' } },
			voice: { name: 'voice', type: 'voice', properties: { voice_id: 'v_2' } },
		});
	});

	it('omits unset fields, empty fixed fields and untouched pre-filled values', () => {
		const { variables } = build(
			{ script: 'Default script', voice: '', host: null },
			{ prefilled: { script: 'Default script' } },
		);
		expect(variables).toEqual({});
		// the same value from an expression is an explicit choice and is sent
		const sent = build({ script: 'Default script' }, { prefilled: { script: 'Default script' }, sources: { script: 'expression' } });
		expect(Object.keys(sent.variables)).toEqual(['script']);
	});

	it('empty values follow the policy', () => {
		const values = { script: '', voice: '  ' };
		const sources = { script: 'expression', voice: 'input' } as const;
		expect(failure(() => build(values, { sources })).message).toMatch(/^variable "script" is empty: the expression resolved to nothing/);
		const keep = buildVariables(template, { values, sources }, { family: 'v3', emptyValues: 'keepTemplate' });
		expect(keep.variables).toEqual({});
		const send = buildVariables(template, { values, sources }, { family: 'v3', emptyValues: 'sendEmpty' });
		expect(send.variables).toEqual({ script: { name: 'script', type: 'text', properties: { content: '' } } });
		// whitespace typed into a fixed field is not "left empty"
		expect(failure(() => build({ script: '   ' })).message).toMatch(/^variable "script" is empty: the value/);
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
		expect(error.message).toBe('variable "Script" is not in template "Showcase"; names are case-sensitive: did you mean "script"?');
		expect(error.variable).toBe('Script');
		const auto = buildVariables(template, { values: { other: 'x' } }, { family: 'v3', emptyValues: 'error', ignoreUnknown: true });
		expect(auto.variables).toEqual({});
	});

	it('rejects wrong value types', () => {
		expect(failure(() => build({ script: { a: 1 } })).message).toBe('variable "script" expects text, got an object');
		expect(failure(() => build({ logo: 12 })).message).toBe('variable "logo" (image) expects a URL or asset ID as text, got a number');
		expect(failure(() => build({ voice: ['v'] })).message).toBe('variable "voice" (voice) expects an ID as text, got an array');
		expect(failure(() => build({ voice: 'two words' })).message).toBe('variable "voice" (voice) must be a voice ID, got "two words"');
		expect(failure(() => build({ 'logo (fit)': 'stretch' })).message).toBe('"logo (fit)" must be one of cover, contain, crop, none, got "stretch"');
	});

	it('a fit or play style alone needs media from the template', () => {
		const bare: NormalizedTemplate = { ...template, variables: [{ name: 'img', type: 'image', properties: {} }] };
		expect(() => buildVariables(bare, { values: { 'img (fit)': 'crop' } }, { family: 'v3', emptyValues: 'error' })).toThrow(
			'variable "img" (image) needs a URL or asset ID when its fit or play style is set (the template has none)',
		);
	});

	it('summarises text by length and everything else by value', () => {
		const { summary } = build({ script: 'Hello', voice: 'v_3' });
		expect(summary).toEqual({ script: { type: 'text', characters: 5 }, voice: { type: 'voice', voice_id: 'v_3' } });
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

	it.each(['https://', 'https://exa mple.com/a.png', 'ftp://x.example.com/a', 'www.example.com/a.png', 'not an id', '/local/file.png'])(
		'refuses %s',
		(value) => {
			expect(() => mediaProperty('m', 'image', value)).toThrow(VariableError);
		},
	);

	it('characters: prefixed kinds, bare IDs take the template kind', () => {
		expect(parseCharacter('c', 'avatar:Briana', 'talking_photo')).toEqual({ type: 'avatar', character_id: 'Briana' });
		expect(parseCharacter('c', 'talking_photo:tp_9', 'avatar')).toEqual({ type: 'talking_photo', character_id: 'tp_9' });
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
		expect(dimensionProblem(1024, 576, { dimension: { width: 1280, height: 720 } })).toBeUndefined();
	});
	it.each([
		[1281, 720, 'dimension width 1281 must be even'],
		[126, 72, "dimension width 126 is outside HeyGen's range 128–4096"],
		[1280.5, 720, 'dimension width must be a whole number, got 1280.5'],
		[1280, '720', 'dimension height must be a whole number, got "720"'],
		[720, 1280, "dimension 720x1280 does not match the template's aspect ratio (landscape); a forced size that does not fit the template distorts or fails the render"],
	])('%s x %s', (w, h, message) => {
		expect(dimensionProblem(w, h, landscape)).toBe(message);
	});
});
