/**
 * Mapped values → HeyGen's `variables` map for one item. Pure: no I/O, no n8n context. Every check that can
 * fail an item runs here, before anything is sent, and fails with a VariableError naming the variable (the
 * caller adds the item number).
 *
 * What is sent (HeyGen v3: an omitted text variable is not substituted and its literal `{{name}}` stays in
 * the video; the template's defaults are not applied at generation time):
 * - every text variable, always: the mapped value, else the template's current text;
 * - image, video, audio, avatar and voice variables only when the item sets them (left out, the template
 *   keeps its own).
 */
import type { IDataObject } from 'n8n-workflow';

import type { ApiFamily, NormalizedTemplate, TemplateVariable } from '../templates';
import {
	FITS,
	PLAY_STYLES,
	characterKind,
	fitFieldId,
	hasFit,
	isMedia,
	knownFieldIds,
	mediaDefault,
	playStyleFieldId,
	templateText,
} from './editorFields';
import { choice, mediaProperty, parseCharacter, voiceId } from './valueParsers';
import {
	VariableError,
	describe,
	hasOwn,
	isBlank,
	nonEmptyString,
	ownValue,
	quoteList,
	setOwn,
} from './values';

/**
 * HeyGen's documented script limits: 5,000 characters for the v3 API; the legacy template docs say
 * "less than 1,500". Longer text is accepted at submit time and fails only at render time, so it is
 * checked here.
 */
export const TEXT_LIMITS: Record<ApiFamily, number> = { v3: 5000, legacy: 1500 };

/** What to do when a mapped value turns out empty (an expression or input field resolving to nothing). */
export type EmptyValuePolicy = 'error' | 'keepTemplate' | 'sendEmpty';
/** Map Automatically: what to do with a text variable no source fills. */
export type MissingTextPolicy = 'error' | 'useTemplateText';

/** Where a value came from: typed into the field, an expression, or the input item (Map Automatically). */
export type ValueSource = 'fixed' | 'expression' | 'input';

export interface MappedValues {
	/** Resolved values by field id. */
	values: Record<string, unknown>;
	/** Source of each value; missing ids count as 'fixed'. */
	sources?: Record<string, ValueSource>;
	/** The defaultValue each field was pre-filled with when the schema was loaded (the stored schema). */
	prefilled?: Record<string, unknown>;
	/** Set in Map Automatically mode: per field id, the candidates skipped because their type cannot fit. */
	auto?: { skipped: Record<string, string> };
}

export interface BuildOptions {
	family: ApiFamily;
	emptyValues: EmptyValuePolicy;
	/** Map Automatically only; default 'error'. */
	missingText?: MissingTextPolicy;
}

export interface BuiltVariables {
	/** HeyGen's map: `{ [name]: { name, type, properties } }`. */
	variables: IDataObject;
	/** What was sent, for the output: text as its length, everything else as given. */
	summary: IDataObject;
}

function isSameAsPrefill(mapped: MappedValues, id: string): boolean {
	const source = ownValue(mapped.sources, id) ?? 'fixed';
	if (source !== 'fixed' || !hasOwn(mapped.prefilled, id)) return false;
	const prefilled = ownValue(mapped.prefilled, id);
	return prefilled !== undefined && prefilled !== null && prefilled === ownValue(mapped.values, id);
}

type Resolution = { state: 'unset' } | { state: 'empty' } | { state: 'set'; value: unknown };

/**
 * What a field asks for. Unset: nothing mapped, a fixed field left empty, or a fixed field still holding
 * the value the editor pre-filled from the template (so the template's *current* value applies, even if it
 * changed in HeyGen since). Empty: an expression or input field that resolved to nothing, or whitespace.
 */
function resolve(mapped: MappedValues, id: string): Resolution {
	if (!hasOwn(mapped.values, id)) return { state: 'unset' };
	const value = ownValue(mapped.values, id);
	const source = ownValue(mapped.sources, id) ?? 'fixed';
	if (source === 'fixed' && (value === undefined || value === null || value === ''))
		return { state: 'unset' };
	if (isBlank(value)) return { state: 'empty' };
	if (isSameAsPrefill(mapped, id)) return { state: 'unset' };
	return { state: 'set', value };
}

function emptyError(name: string, fieldId: string, source: unknown): VariableError {
	const from =
		source === 'input'
			? 'the input field'
			: source === 'expression'
				? 'the expression'
				: 'the value';
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

const SOURCES_HINT =
	"Map Automatically reads, per variable, LLM JSON in message.content, choices[0].message.content, output or text first, then the item's top-level fields, by exact (case-sensitive) name";

function skippedNote(mapped: MappedValues, names: string[]): string {
	const notes = names
		.filter((name) => hasOwn(mapped.auto?.skipped, name))
		.map((name) => `"${name}": skipped ${String(ownValue(mapped.auto?.skipped, name))}`);
	return notes.length ? ` (${notes.join('; ')})` : '';
}

function noMatchError(template: NormalizedTemplate, mapped: MappedValues): VariableError {
	const names = template.variables.map((variable) => variable.name);
	return new VariableError(
		`Map Automatically found no value for any variable of template "${template.name}" (${quoteList(names)})${skippedNote(mapped, names)}; nothing was sent. ${SOURCES_HINT}`,
	);
}

function missingTextError(mapped: MappedValues, names: string[]): VariableError {
	return new VariableError(
		`Map Automatically found no value for the text variable${names.length > 1 ? 's' : ''} ${quoteList(names)}${skippedNote(mapped, names)}; HeyGen would show ${names.map((name) => `{{${name}}}`).join(', ')} in the video, so nothing was sent. Add fields named like the variables, or set Options → Missing Text Variables → Use Template Text`,
		names[0],
	);
}

/** The text to send for a text variable, or undefined when Map Automatically left it missing. */
function textContent(variable: TemplateVariable, mapped: MappedValues, options: BuildOptions) {
	const { name } = variable;
	const main = resolve(mapped, name);
	if (main.state === 'set') {
		const value = main.value;
		if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
			throw new VariableError(`variable "${name}" expects text, got ${describe(value)}`, name);
		}
		return { content: String(value), fromTemplate: false };
	}
	if (main.state === 'empty') {
		if (options.emptyValues === 'error')
			throw emptyError(name, name, ownValue(mapped.sources, name));
		if (options.emptyValues === 'sendEmpty') return { content: '', fromTemplate: false };
		return { content: templateText(variable), fromTemplate: true };
	}
	if (mapped.auto && options.missingText !== 'useTemplateText') return undefined;
	return { content: templateText(variable), fromTemplate: true };
}

function mediaVariable(variable: TemplateVariable, mapped: MappedValues, options: BuildOptions) {
	const { name, type } = variable;
	const main = resolve(mapped, name);
	let value: unknown;
	if (main.state === 'empty' && options.emptyValues === 'error')
		throw emptyError(name, name, ownValue(mapped.sources, name));
	if (main.state === 'set') value = main.value;
	const fit = hasFit(variable)
		? resolve(mapped, fitFieldId(name))
		: ({ state: 'unset' } as Resolution);
	const play =
		type === 'video' ? resolve(mapped, playStyleFieldId(name)) : ({ state: 'unset' } as Resolution);
	for (const [id, option] of [
		[fitFieldId(name), fit],
		[playStyleFieldId(name), play],
	] as const) {
		if (option.state === 'empty' && options.emptyValues === 'error')
			throw emptyError(name, id, ownValue(mapped.sources, id));
	}
	if (value === undefined && fit.state !== 'set' && play.state !== 'set') return undefined;
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
		const chosen =
			fit.state === 'set'
				? choice(name, fitFieldId(name), fit.value, FITS)
				: nonEmptyString(variable.properties.fit);
		if (chosen) properties.fit = chosen;
	}
	if (type === 'video') {
		const chosen =
			play.state === 'set'
				? choice(name, playStyleFieldId(name), play.value, PLAY_STYLES)
				: nonEmptyString(variable.properties.play_style);
		if (chosen) properties.play_style = chosen;
	}
	return properties;
}

/** Builds HeyGen's `variables` map for one item and checks every value first. */
export function buildVariables(
	template: NormalizedTemplate,
	mapped: MappedValues,
	options: BuildOptions,
): BuiltVariables {
	const known = knownFieldIds(template);
	if (!mapped.auto) {
		for (const id of Object.keys(mapped.values)) {
			if (!known.includes(id) && !isBlank(ownValue(mapped.values, id)))
				throw unknownError(template, id, known);
		}
	} else if (template.variables.length && !known.some((id) => hasOwn(mapped.values, id))) {
		throw noMatchError(template, mapped);
	}

	const variables: IDataObject = {};
	const summary: IDataObject = {};
	const limit = TEXT_LIMITS[options.family];
	const missing: string[] = [];
	const put = (variable: TemplateVariable, properties: IDataObject, described: IDataObject) => {
		setOwn(variables, variable.name, { name: variable.name, type: variable.type, properties });
		setOwn(summary, variable.name, { type: variable.type, ...described });
	};

	for (const variable of template.variables) {
		const { name, type } = variable;
		if (type === 'text') {
			const text = textContent(variable, mapped, options);
			if (!text) {
				missing.push(name);
				continue;
			}
			if (text.content.length > limit) {
				throw new VariableError(
					`variable "${name}" is ${text.content.length} characters; HeyGen accepts at most ${limit}${options.family === 'legacy' ? ' on the legacy API' : ''}`,
					name,
				);
			}
			put(
				variable,
				{ content: text.content },
				{ characters: text.content.length, ...(text.fromTemplate ? { template_text: true } : {}) },
			);
			continue;
		}
		if (isMedia(type)) {
			const properties = mediaVariable(variable, mapped, options);
			if (properties) put(variable, properties, properties);
			continue;
		}
		const main = resolve(mapped, name);
		if (main.state === 'empty' && options.emptyValues === 'error')
			throw emptyError(name, name, ownValue(mapped.sources, name));
		if (main.state !== 'set') continue;
		if (typeof main.value !== 'string') {
			throw new VariableError(
				`variable "${name}" (${type}) expects an ID as text, got ${describe(main.value)}`,
				name,
			);
		}
		if (type === 'character') {
			const properties = parseCharacter(name, main.value, characterKind(variable));
			put(variable, properties, {
				character_type: properties.type,
				character_id: properties.character_id,
			});
			continue;
		}
		const voice = voiceId(name, main.value);
		put(variable, { voice_id: voice }, { voice_id: voice });
	}
	if (missing.length) throw missingTextError(mapped, missing);
	return { variables, summary };
}
