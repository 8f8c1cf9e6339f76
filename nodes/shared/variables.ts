/**
 * Template variables ↔ n8n's resource mapper, and mapped values → HeyGen's `variables` map.
 * Pure: no I/O, no n8n context. Every check that can fail an item runs here, before anything is sent,
 * and fails with a VariableError naming the variable (the caller adds the item number).
 */
import type { IDataObject, INodePropertyOptions, ResourceMapperField } from 'n8n-workflow';

import type { ApiFamily, NormalizedTemplate, TemplateVariable } from './templates';
import { isRecord, nonEmptyString } from './json';

/**
 * HeyGen's documented script limits: 5,000 characters for the v3 API; the legacy template docs say
 * "less than 1,500". Longer text is accepted at submit time and fails only at render time, so it is
 * checked here.
 */
export const TEXT_LIMITS: Record<ApiFamily, number> = { v3: 5000, legacy: 1500 };

export const FITS = ['cover', 'contain', 'crop', 'none'] as const;
/** Legacy studio: fit_to_scene, freeze, loop, once; new studio: fit_to_scene, freeze, loop, full_video. */
export const PLAY_STYLES = ['fit_to_scene', 'freeze', 'loop', 'once', 'full_video'] as const;
export const CHARACTER_KINDS = ['avatar', 'talking_photo'] as const;
export type CharacterKind = (typeof CHARACTER_KINDS)[number];

export const fitFieldId = (name: string) => `${name} (fit)`;
export const playStyleFieldId = (name: string) => `${name} (play style)`;

/** What to do when a mapped value turns out empty (an expression or input field resolving to nothing). */
export type EmptyValuePolicy = 'error' | 'keepTemplate' | 'sendEmpty';

/** Where a value came from: typed into the field, an expression, or the input item (Map Automatically). */
export type ValueSource = 'fixed' | 'expression' | 'input';

export class VariableError extends Error {
	constructor(
		message: string,
		readonly variable?: string,
	) {
		super(message);
		this.name = 'VariableError';
	}
}

export interface ChoiceLists {
	/** Values `avatar:<id>` / `talking_photo:<id>`. */
	characters?: INodePropertyOptions[];
	voices?: INodePropertyOptions[];
}

function isMedia(type: string): boolean {
	return type === 'image' || type === 'video' || type === 'audio';
}

/** The field value that stands for the template's current media: its URL, else its asset ID. */
function mediaDefault(variable: TemplateVariable): string | undefined {
	return nonEmptyString(variable.properties.url) ?? nonEmptyString(variable.properties.asset_id);
}

function characterKind(variable: TemplateVariable): CharacterKind {
	return variable.properties.type === 'talking_photo' ? 'talking_photo' : 'avatar';
}

function characterDefault(variable: TemplateVariable): string | undefined {
	const id = nonEmptyString(variable.properties.character_id);
	return id ? `${characterKind(variable)}:${id}` : undefined;
}

function hasFit(variable: TemplateVariable): boolean {
	// The new studio's video variables have no fit; offer it only where the template uses it.
	return variable.type === 'image' || (variable.type === 'video' && 'fit' in variable.properties);
}

function withDefault(options: INodePropertyOptions[] | undefined, value: string | undefined, label: string) {
	const list = [...(options ?? [])];
	if (value && !list.some((option) => option.value === value)) {
		list.unshift({ name: `${label} (template's current value)`, value });
	}
	return list;
}

function optionList(values: readonly string[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: value, value }));
}

function truncate(value: string, max = 60): string {
	return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * One resource-mapper field per variable, plus optional `<name> (fit)` / `<name> (play style)` fields for
 * media. `defaultValue` pre-fills the template's current value; a field still holding exactly that value is
 * not sent (see buildVariables), so the template stays in charge of it.
 */
export function templateFields(template: NormalizedTemplate, lists: ChoiceLists = {}): ResourceMapperField[] {
	const fields: ResourceMapperField[] = [];
	const base = { required: false, display: true, defaultMatch: false, canBeUsedToMatch: false };
	const taken = new Set(template.variables.map((variable) => variable.name));
	for (const variable of template.variables) {
		const { name } = variable;
		switch (variable.type) {
			case 'text': {
				const content = typeof variable.properties.content === 'string' ? variable.properties.content : undefined;
				fields.push({ ...base, id: name, displayName: `${name} (text)`, type: 'string', defaultValue: content });
				break;
			}
			case 'image':
			case 'video':
			case 'audio': {
				fields.push({
					...base,
					id: name,
					displayName: `${name} (${variable.type})`,
					type: 'string',
					defaultValue: mediaDefault(variable),
				});
				if (hasFit(variable) && !taken.has(fitFieldId(name))) {
					fields.push({
						...base,
						id: fitFieldId(name),
						displayName: fitFieldId(name),
						type: 'options',
						options: optionList(FITS),
						defaultValue: nonEmptyString(variable.properties.fit),
					});
				}
				if (variable.type === 'video' && !taken.has(playStyleFieldId(name))) {
					fields.push({
						...base,
						id: playStyleFieldId(name),
						displayName: playStyleFieldId(name),
						type: 'options',
						options: optionList(PLAY_STYLES),
						defaultValue: nonEmptyString(variable.properties.play_style),
					});
				}
				break;
			}
			case 'character': {
				const current = characterDefault(variable);
				fields.push({
					...base,
					id: name,
					displayName: `${name} (avatar)`,
					type: 'options',
					options: withDefault(lists.characters, current, truncate(current ?? '')),
					defaultValue: current,
				});
				break;
			}
			case 'voice': {
				const current = nonEmptyString(variable.properties.voice_id);
				fields.push({
					...base,
					id: name,
					displayName: `${name} (voice)`,
					type: 'options',
					options: withDefault(lists.voices, current, truncate(current ?? '')),
					defaultValue: current,
				});
				break;
			}
		}
	}
	return fields;
}

// ---------------------------------------------------------------------------------------------------------
// Map Automatically: which input fields fill which variables
// ---------------------------------------------------------------------------------------------------------

/** Parses a JSON object out of a string, also when an LLM wrapped it in a ```json fence. */
export function parseJsonObject(value: unknown): IDataObject | undefined {
	if (isRecord(value)) return value;
	if (typeof value !== 'string') return undefined;
	let text = value.trim();
	const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(text);
	if (fenced) text = fenced[1].trim();
	if (!text.startsWith('{')) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return isRecord(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Where Map Automatically looks, in order (the first that has a variable's name wins):
 * 1. the item's own top-level fields;
 * 2. `message.content` (n8n's OpenAI node "Message a Model": an object, or a JSON string);
 * 3. `output`, `text`, `content` as an object or a JSON string (AI Agent, Basic LLM Chain, others);
 * 4. `output[0].content[0].text` as a JSON string (OpenAI Responses API shape).
 */
export function autoMapSources(json: IDataObject): IDataObject[] {
	const sources: IDataObject[] = [json];
	const add = (value: unknown) => {
		const parsed = parseJsonObject(value);
		if (parsed) sources.push(parsed);
	};
	if (isRecord(json.message)) add(json.message.content);
	add(json.output);
	add(json.text);
	add(json.content);
	if (Array.isArray(json.output)) {
		const first = json.output[0] as IDataObject | undefined;
		const content = isRecord(first) && Array.isArray(first.content) ? (first.content[0] as IDataObject) : undefined;
		if (isRecord(content)) add(content.text);
	}
	return sources;
}

/** Values for every field id found in the input item (see autoMapSources for the shapes read). */
export function autoMapValues(fieldIds: string[], json: IDataObject): Record<string, unknown> {
	const sources = autoMapSources(json);
	const values: Record<string, unknown> = {};
	for (const id of fieldIds) {
		for (const source of sources) {
			if (source[id] !== undefined) {
				values[id] = source[id];
				break;
			}
		}
	}
	return values;
}

// ---------------------------------------------------------------------------------------------------------
// Mapped values → HeyGen variables
// ---------------------------------------------------------------------------------------------------------

export interface MappedValues {
	/** Resolved values by field id. */
	values: Record<string, unknown>;
	/** Source of each value; missing ids count as 'fixed'. */
	sources?: Record<string, ValueSource>;
	/** The defaultValue each field was pre-filled with when the schema was loaded (the stored schema). */
	prefilled?: Record<string, unknown>;
}

export interface BuildOptions {
	family: ApiFamily;
	emptyValues: EmptyValuePolicy;
	/** In Map Automatically mode, input fields that match no variable are simply not variables. */
	ignoreUnknown?: boolean;
}

export interface BuiltVariables {
	/** HeyGen's map: `{ [name]: { name, type, properties } }`; only the variables the item sets. */
	variables: IDataObject;
	/** What was sent, for the output: text as its length, everything else as given. */
	summary: IDataObject;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value}`;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** http(s) URL → url; an ID-shaped string → asset_id; anything else is refused. */
export function mediaProperty(name: string, type: string, value: string): { url: string } | { asset_id: string } {
	const text = value.trim();
	if (/^https?:\/\//i.test(text)) {
		let parsed: URL | undefined;
		try {
			parsed = new URL(text);
		} catch {
			parsed = undefined;
		}
		if (!parsed || !parsed.hostname || /\s/.test(text)) {
			throw new VariableError(`variable "${name}" (${type}) has a malformed URL: "${truncate(text)}"`, name);
		}
		return { url: text };
	}
	if (/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/.test(text) && !/^www\./i.test(text)) return { asset_id: text };
	throw new VariableError(
		`variable "${name}" (${type}) must be a public http(s) URL or a HeyGen asset ID, got "${truncate(text)}"`,
		name,
	);
}

/** `avatar:<id>`, `talking_photo:<id>`, or a bare ID whose kind comes from the template. */
export function parseCharacter(
	name: string,
	value: string,
	fallbackKind: CharacterKind,
): { type: CharacterKind; character_id: string } {
	const text = value.trim();
	const match = /^(avatar|talking_photo):(.*)$/.exec(text);
	const type = match ? (match[1] as CharacterKind) : fallbackKind;
	const id = (match ? match[2] : text).trim();
	if (!id || /\s/.test(id)) {
		throw new VariableError(
			`variable "${name}" (character) must be an avatar or talking photo ID (optionally "avatar:<id>" or "talking_photo:<id>"), got "${truncate(text)}"`,
			name,
		);
	}
	return { type, character_id: id };
}

function choice(name: string, fieldId: string, value: unknown, allowed: readonly string[]): string {
	if (typeof value !== 'string' || !allowed.includes(value)) {
		throw new VariableError(
			`"${fieldId}" must be one of ${allowed.join(', ')}, got ${typeof value === 'string' ? `"${truncate(value)}"` : describe(value)}`,
			name,
		);
	}
	return value;
}

function isSameAsPrefill(mapped: MappedValues, id: string): boolean {
	const source = mapped.sources?.[id] ?? 'fixed';
	if (source !== 'fixed' || !mapped.prefilled || !(id in mapped.prefilled)) return false;
	const prefilled = mapped.prefilled[id];
	return prefilled !== undefined && prefilled !== null && prefilled === mapped.values[id];
}

type Resolution = { state: 'unset' } | { state: 'empty' } | { state: 'set'; value: unknown };

/**
 * What a field asks for. Unset: nothing mapped, a fixed field left empty, or a fixed field still holding
 * the value the editor pre-filled from the template (so the template's *current* value applies, even if it
 * changed in HeyGen since). Empty: an expression or input field that resolved to nothing, or whitespace.
 */
function resolve(mapped: MappedValues, id: string): Resolution {
	if (!(id in mapped.values)) return { state: 'unset' };
	const value = mapped.values[id];
	const source = mapped.sources?.[id] ?? 'fixed';
	if (source === 'fixed' && (value === undefined || value === null || value === '')) return { state: 'unset' };
	if (isBlank(value)) return { state: 'empty' };
	if (isSameAsPrefill(mapped, id)) return { state: 'unset' };
	return { state: 'set', value };
}

function emptyError(name: string, fieldId: string, source: ValueSource | undefined): VariableError {
	const from =
		source === 'input' ? 'the input field' : source === 'expression' ? 'the expression' : 'the value';
	return new VariableError(
		`variable "${fieldId}" is empty: ${from} resolved to nothing. Fix the data, or set Options → When a Value Is Empty to keep the template's value`,
		name,
	);
}

function unknownError(template: NormalizedTemplate, id: string, known: string[]): VariableError {
	const hint = known.find((candidate) => candidate.toLowerCase() === id.toLowerCase());
	const names = template.variables.map((variable) => variable.name).join(', ') || 'none';
	return new VariableError(
		hint
			? `variable "${id}" is not in template "${template.name}"; names are case-sensitive: did you mean "${hint}"?`
			: `variable "${id}" is not in template "${template.name}" (its variables: ${names}). Refresh the variable list if the template changed`,
		id,
	);
}

/**
 * Builds HeyGen's `variables` map for one item and checks every value first. Variables the item does not
 * set are omitted, so HeyGen keeps the template's own content for them.
 */
export function buildVariables(
	template: NormalizedTemplate,
	mapped: MappedValues,
	options: BuildOptions,
): BuiltVariables {
	const known: string[] = [];
	for (const variable of template.variables) {
		known.push(variable.name);
		if (isMedia(variable.type) && hasFit(variable)) known.push(fitFieldId(variable.name));
		if (variable.type === 'video') known.push(playStyleFieldId(variable.name));
	}
	if (!options.ignoreUnknown) {
		for (const id of Object.keys(mapped.values)) {
			if (!known.includes(id) && !isBlank(mapped.values[id])) throw unknownError(template, id, known);
		}
	}

	const variables: IDataObject = {};
	const summary: IDataObject = {};
	const limit = TEXT_LIMITS[options.family];

	for (const variable of template.variables) {
		const { name, type } = variable;
		const main = resolve(mapped, name);
		let value: unknown;
		if (main.state === 'empty') {
			if (options.emptyValues === 'error') throw emptyError(name, name, mapped.sources?.[name]);
			if (options.emptyValues === 'sendEmpty' && type === 'text') value = '';
		} else if (main.state === 'set') {
			value = main.value;
		}

		if (type === 'text') {
			if (value === undefined) continue;
			if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
				throw new VariableError(`variable "${name}" expects text, got ${describe(value)}`, name);
			}
			const content = String(value);
			if (content.length > limit) {
				throw new VariableError(
					`variable "${name}" is ${content.length} characters; HeyGen accepts at most ${limit}${options.family === 'legacy' ? ' on the legacy API' : ''}`,
					name,
				);
			}
			variables[name] = { name, type, properties: { content } };
			summary[name] = { type, characters: content.length };
			continue;
		}

		if (isMedia(type)) {
			const fit = hasFit(variable) ? resolve(mapped, fitFieldId(name)) : ({ state: 'unset' } as Resolution);
			const play = type === 'video' ? resolve(mapped, playStyleFieldId(name)) : ({ state: 'unset' } as Resolution);
			for (const [id, option] of [
				[fitFieldId(name), fit],
				[playStyleFieldId(name), play],
			] as const) {
				if (option.state === 'empty' && options.emptyValues === 'error') {
					throw emptyError(name, id, mapped.sources?.[id]);
				}
			}
			if (value === undefined && fit.state !== 'set' && play.state !== 'set') continue;
			if (value !== undefined && typeof value !== 'string') {
				throw new VariableError(
					`variable "${name}" (${type}) expects a URL or asset ID as text, got ${describe(value)}`,
					name,
				);
			}
			const source = value ?? mediaDefault(variable);
			if (source === undefined) {
				throw new VariableError(
					`variable "${name}" (${type}) needs a URL or asset ID when its fit or play style is set (the template has none)`,
					name,
				);
			}
			const properties: IDataObject = { ...mediaProperty(name, type, source) };
			if (hasFit(variable)) {
				const chosen = fit.state === 'set' ? choice(name, fitFieldId(name), fit.value, FITS) : nonEmptyString(variable.properties.fit);
				if (chosen) properties.fit = chosen;
			}
			if (type === 'video') {
				const chosen =
					play.state === 'set'
						? choice(name, playStyleFieldId(name), play.value, PLAY_STYLES)
						: nonEmptyString(variable.properties.play_style);
				if (chosen) properties.play_style = chosen;
			}
			variables[name] = { name, type, properties };
			summary[name] = { type, ...properties };
			continue;
		}

		if (value === undefined) continue;
		if (typeof value !== 'string') {
			throw new VariableError(`variable "${name}" (${type}) expects an ID as text, got ${describe(value)}`, name);
		}
		if (type === 'character') {
			const properties = parseCharacter(name, value, characterKind(variable));
			variables[name] = { name, type, properties };
			summary[name] = { type, character_type: properties.type, character_id: properties.character_id };
			continue;
		}
		// voice
		const voiceId = value.trim();
		if (/\s/.test(voiceId)) {
			throw new VariableError(`variable "${name}" (voice) must be a voice ID, got "${truncate(voiceId)}"`, name);
		}
		variables[name] = { name, type, properties: { voice_id: voiceId } };
		summary[name] = { type, voice_id: voiceId };
	}
	return { variables, summary };
}

// ---------------------------------------------------------------------------------------------------------
// Dimension
// ---------------------------------------------------------------------------------------------------------

const RATIOS: Record<string, number> = { landscape: 16 / 9, portrait: 9 / 16, square: 1 };
/** Relative difference allowed between the requested and the template's aspect ratio. */
export const ASPECT_TOLERANCE = 0.02;

/**
 * HeyGen: width and height even integers from 128 to 4096, matching the template's aspect ratio.
 * Returns an error message, or undefined when the dimension is acceptable.
 */
export function dimensionProblem(
	width: unknown,
	height: unknown,
	template: Pick<NormalizedTemplate, 'aspectRatio' | 'dimension'>,
): string | undefined {
	for (const [label, value] of [
		['width', width],
		['height', height],
	] as const) {
		if (typeof value !== 'number' || !Number.isInteger(value)) {
			return `dimension ${label} must be a whole number, got ${JSON.stringify(value)}`;
		}
		if (value < 128 || value > 4096) return `dimension ${label} ${value} is outside HeyGen's range 128–4096`;
		if (value % 2 !== 0) return `dimension ${label} ${value} must be even`;
	}
	const w = width as number;
	const h = height as number;
	const expected = template.dimension
		? template.dimension.width / template.dimension.height
		: template.aspectRatio
			? RATIOS[template.aspectRatio]
			: undefined;
	if (expected === undefined) return undefined;
	if (Math.abs(w / h - expected) / expected > ASPECT_TOLERANCE) {
		const shape = template.dimension
			? `${template.dimension.width}x${template.dimension.height}`
			: (template.aspectRatio ?? '');
		return `dimension ${w}x${h} does not match the template's aspect ratio (${shape}); a forced size that does not fit the template distorts or fails the render`;
	}
	return undefined;
}
