/**
 * Map Automatically: where each variable's value comes from. An LLM's JSON answer inside the wrappers n8n's
 * AI nodes put around it comes first, the input item's own top-level fields next; per variable, the first
 * candidate whose type fits wins, so a wrapper field that shares a variable's name (`message`, `output`,
 * `text`) never shadows the script inside it.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NormalizedTemplate } from '../templates';
import { isRecord } from '../../shared/json';
import { templateFields } from './editorFields';
import { describe, hasOwn, isBlank, setOwn } from './values';

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

/** `output[].content[].text` (or `.json`) of an OpenAI Responses answer, message items first. */
function responsesTexts(output: unknown): unknown[] {
	if (!Array.isArray(output)) return [];
	const texts: unknown[] = [];
	for (const entry of output) {
		if (!isRecord(entry) || !Array.isArray(entry.content)) continue;
		for (const part of entry.content) {
			if (!isRecord(part)) continue;
			if (hasOwn(part, 'json')) texts.push(part.json);
			if (hasOwn(part, 'text')) texts.push(part.text);
		}
	}
	return texts;
}

/** A wrapper's `content`, `message.content` or first choice's `message.content`. */
function messageContent(message: unknown): unknown {
	return isRecord(message) ? message.content : undefined;
}

export interface AutoMapSource {
	/** Where the candidates were found, for messages: e.g. "message.content (LLM JSON)". */
	label: string;
	data: IDataObject;
}

/**
 * The sources Map Automatically reads, in order:
 * 1. LLM JSON (an object, a JSON string, or a ```json fence) in
 *    `message.content` (n8n's OpenAI node 1.x, simplify on), `choices[0].message.content` (1.x, simplify off),
 *    `output[].content[].text` (OpenAI node 2.x, Responses API), `output_text`, `output` and `text`
 *    (AI Agent, Basic LLM Chain), `content`;
 * 2. the input item's own top-level fields.
 */
export function autoMapSources(json: IDataObject): AutoMapSource[] {
	const sources: AutoMapSource[] = [];
	const add = (label: string, value: unknown) => {
		const parsed = parseJsonObject(value);
		if (parsed && !sources.some((source) => source.data === parsed))
			sources.push({ label: `${label} (LLM JSON)`, data: parsed });
	};
	add('message.content', messageContent(json.message));
	if (Array.isArray(json.choices) && isRecord(json.choices[0])) {
		add('choices[0].message.content', messageContent(json.choices[0].message));
	}
	for (const text of responsesTexts(json.output)) add('output[].content[].text', text);
	add('output_text', json.output_text);
	add('output', json.output);
	add('text', json.text);
	add('content', json.content);
	sources.push({ label: 'input fields', data: json });
	return sources;
}

/** Text takes strings, numbers and booleans; every other field takes a string. */
function fits(isText: boolean, value: unknown): boolean {
	if (typeof value === 'string') return true;
	return isText && (typeof value === 'number' || typeof value === 'boolean');
}

export interface AutoMapped {
	/** Value per field id (own properties only). A blank value is kept when no source had a usable one. */
	values: Record<string, unknown>;
	/** Per field id that got no value: what was found and skipped because its type cannot fit. */
	skipped: Record<string, string>;
}

/** Picks each field's value from the sources (see autoMapSources): the first candidate that fits wins. */
export function autoMapValues(template: NormalizedTemplate, json: IDataObject): AutoMapped {
	const sources = autoMapSources(json);
	const values: Record<string, unknown> = {};
	const skipped: Record<string, string> = {};
	for (const field of templateFields(template)) {
		const isText = field.heyGenType === 'text';
		let blank: { found: boolean; value?: unknown } = { found: false };
		let chosen = false;
		const refused: string[] = [];
		for (const source of sources) {
			if (!hasOwn(source.data, field.id)) continue;
			const candidate = source.data[field.id];
			if (isBlank(candidate)) {
				if (!blank.found) blank = { found: true, value: candidate };
				continue;
			}
			if (!fits(isText, candidate)) {
				refused.push(`${describe(candidate)} in ${source.label}`);
				continue;
			}
			setOwn(values, field.id, candidate);
			chosen = true;
			break;
		}
		if (chosen) continue;
		if (blank.found) setOwn(values, field.id, blank.value);
		else if (refused.length) setOwn(skipped, field.id, refused.join(', '));
	}
	return { values, skipped };
}
