/**
 * HeyGen templates in both API families, read into one normalised shape.
 *
 * v3 ("new API"): GET /v3/templates (cursor pages), GET /v3/templates/{id} (details with defaults).
 * Legacy: GET /v2/templates (one list), GET /v3/template/{id} ("New AI Studio" details, v2 envelope) and
 * GET /v2/template/{id} (legacy AI Studio details). Templates the v3 API does not serve are generated
 * through the legacy route, so the family a template was found in decides how it is generated.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ApiFamily } from '../shared/constants';
import type { HeyGenContext } from '../shared/transport';
import { HeyGenApiError, heyGenRequest } from '../shared/transport';
import { isRecord } from '../shared/json';
import { nonEmptyString } from './mapping/values';

export type { ApiFamily };
/** The node parameter: Auto tries v3 first and falls back to legacy for templates v3 does not know. */
export type ApiVersionChoice = 'auto' | 'v3' | 'legacy';

export const VARIABLE_TYPES = ['text', 'image', 'video', 'audio', 'character', 'voice'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export interface TemplateVariable {
	name: string;
	type: VariableType;
	/** The template's current value, in HeyGen's generate shape (content, url/asset_id, voice_id, ...). */
	properties: IDataObject;
}

export interface NormalizedTemplate {
	id: string;
	name: string;
	/** 'landscape' | 'portrait' | 'square' as HeyGen reports it; undefined when HeyGen did not say. */
	aspectRatio?: string;
	dimension?: { width: number; height: number };
	apiFamily: ApiFamily;
	/** v3: HeyGen's write counter of the template, when it reports one (changes whenever the template is edited). */
	revision?: string;
	variables: TemplateVariable[];
	/** Variables of a type this package does not know; reported, never sent. */
	unsupported: Array<{ name: string; type: string }>;
}

export interface TemplateSummary {
	id: string;
	name: string;
	aspectRatio?: string;
	thumbnailUrl?: string;
}

export interface TemplatePage {
	templates: TemplateSummary[];
	nextToken?: string;
}

function isVariableType(value: unknown): value is VariableType {
	return typeof value === 'string' && (VARIABLE_TYPES as readonly string[]).includes(value);
}

/** The variables of a details answer: a map keyed by name (documented) or, tolerated, an array. */
export function readVariables(raw: unknown): Pick<NormalizedTemplate, 'variables' | 'unsupported'> {
	const entries: Array<[string, unknown]> = Array.isArray(raw)
		? raw.map((entry) => [String((entry as IDataObject)?.name ?? ''), entry])
		: isRecord(raw)
			? Object.entries(raw)
			: [];
	const variables: TemplateVariable[] = [];
	const unsupported: NormalizedTemplate['unsupported'] = [];
	for (const [key, entry] of entries) {
		if (!isRecord(entry)) continue;
		const name = nonEmptyString(entry.name) ?? key;
		if (!name) continue;
		const type = entry.type ?? entry.variable_type;
		if (!isVariableType(type)) {
			unsupported.push({ name, type: String(type) });
			continue;
		}
		variables.push({
			name,
			type,
			properties: isRecord(entry.properties) ? { ...entry.properties } : {},
		});
	}
	return { variables, unsupported };
}

function readDimension(raw: unknown): NormalizedTemplate['dimension'] {
	if (!isRecord(raw)) return undefined;
	const width = Number(raw.width);
	const height = Number(raw.height);
	return width > 0 && height > 0 ? { width, height } : undefined;
}

function templateDataOf(body: unknown): IDataObject {
	return isRecord(body) && isRecord(body.data) ? body.data : {};
}

/** GET /v3/templates/{id} → normalised template. */
export function normalizeV3Detail(id: string, body: unknown): NormalizedTemplate {
	const data = templateDataOf(body);
	return {
		id: nonEmptyString(data.id) ?? id,
		name: nonEmptyString(data.name) ?? id,
		aspectRatio: nonEmptyString(data.aspect_ratio),
		dimension: readDimension(data.dimension),
		apiFamily: 'v3',
		...(data.revision !== undefined && data.revision !== null
			? { revision: String(data.revision) }
			: {}),
		...readVariables(data.variables),
	};
}

/** GET /v3/template/{id} or /v2/template/{id} (plus the list entry, which alone has name and ratio). */
export function normalizeLegacyDetail(
	id: string,
	body: unknown,
	summary?: TemplateSummary,
): NormalizedTemplate {
	const data = templateDataOf(body);
	return {
		id,
		name: summary?.name ?? nonEmptyString(data.name) ?? id,
		aspectRatio: summary?.aspectRatio ?? nonEmptyString(data.aspect_ratio),
		dimension: readDimension(data.dimension),
		apiFamily: 'legacy',
		...readVariables(data.variables),
	};
}

/**
 * List entries → summaries; entries without an ID are left out. The families name the ID and thumbnail fields
 * differently, so each passes its field names, first match wins.
 */
function summariesOf(
	list: unknown[],
	idFields: string[],
	thumbnailFields: string[],
): TemplateSummary[] {
	const templates: TemplateSummary[] = [];
	for (const entry of list) {
		if (!isRecord(entry)) continue;
		const first = (fields: string[]) =>
			fields.map((field) => nonEmptyString(entry[field])).find(Boolean);
		const id = first(idFields);
		if (!id) continue;
		templates.push({
			id,
			name: nonEmptyString(entry.name) ?? id,
			aspectRatio: nonEmptyString(entry.aspect_ratio),
			thumbnailUrl: first(thumbnailFields),
		});
	}
	return templates;
}

/** GET /v3/templates → one page. */
export function normalizeV3List(body: unknown): TemplatePage {
	const list = isRecord(body) && Array.isArray(body.data) ? body.data : [];
	const templates = summariesOf(list, ['id', 'template_id'], ['thumbnail_url']);
	const hasMore = isRecord(body) && body.has_more === true;
	const nextToken = isRecord(body) ? nonEmptyString(body.next_token) : undefined;
	return { templates, nextToken: hasMore ? nextToken : undefined };
}

/** GET /v2/templates → the whole list (`data.templates`; the official node also accepts `data` as an array). */
export function normalizeLegacyList(body: unknown): TemplateSummary[] {
	const raw = isRecord(body) ? body.data : undefined;
	const list = Array.isArray(raw)
		? raw
		: isRecord(raw) && Array.isArray(raw.templates)
			? raw.templates
			: [];
	return summariesOf(list, ['template_id', 'id'], ['thumbnail_image_url', 'thumbnail_url']);
}

/** "Birthday Greeting (landscape)": the ratio tells portrait and landscape versions apart in the list. */
export function templateLabel(template: TemplateSummary): string {
	return template.aspectRatio ? `${template.name} (${template.aspectRatio})` : template.name;
}

export function templateAppUrl(id: string): string {
	return `https://app.heygen.com/templates/${encodeURIComponent(id)}`;
}

function isNotFound(error: unknown): boolean {
	return error instanceof HeyGenApiError && error.heyGen.kind === 'not_found';
}

/** The answer, or undefined when HeyGen says 404; every other failure passes through unchanged. */
async function unlessNotFound<T>(request: Promise<T>): Promise<T | undefined> {
	return await request.then(
		(value) => value,
		(error: unknown) => {
			if (isNotFound(error)) return undefined;
			throw error;
		},
	);
}

const path = (prefix: string, id: string) => `${prefix}/${encodeURIComponent(id)}`;

export async function listV3Templates(
	this: HeyGenContext,
	token?: string,
	limit = 100,
): Promise<TemplatePage> {
	const qs: IDataObject = { limit };
	if (token) qs.token = token;
	const response = await heyGenRequest.call(this, {
		method: 'GET',
		path: '/v3/templates',
		qs,
		idempotent: true,
	});
	return normalizeV3List(response.body);
}

export async function listLegacyTemplates(this: HeyGenContext): Promise<TemplateSummary[]> {
	const response = await heyGenRequest.call(this, {
		method: 'GET',
		path: '/v2/templates',
		idempotent: true,
	});
	return normalizeLegacyList(response.body);
}

async function fetchV3Template(this: HeyGenContext, id: string, itemIndex?: number) {
	const response = await heyGenRequest.call(this, {
		method: 'GET',
		path: path('/v3/templates', id),
		idempotent: true,
		itemIndex,
	});
	return normalizeV3Detail(id, response.body);
}

/** Legacy details: the "New AI Studio" route first, then the legacy AI Studio route; name and ratio from the list. */
async function fetchLegacyTemplate(
	this: HeyGenContext,
	id: string,
	itemIndex?: number,
	legacyList?: () => Promise<TemplateSummary[]>,
): Promise<NormalizedTemplate> {
	const studio = await unlessNotFound(
		heyGenRequest.call(this, {
			method: 'GET',
			path: path('/v3/template', id),
			idempotent: true,
			itemIndex,
		}),
	);
	const body =
		studio?.body ??
		(
			await heyGenRequest.call(this, {
				method: 'GET',
				path: path('/v2/template', id),
				idempotent: true,
				itemIndex,
			})
		).body;
	let summary: TemplateSummary | undefined;
	try {
		const list = legacyList ? await legacyList() : await listLegacyTemplates.call(this);
		summary = list.find((entry) => entry.id === id);
	} catch {
		// The list only adds the name and the aspect ratio; the details alone are enough to generate.
		summary = undefined;
	}
	return normalizeLegacyDetail(id, body, summary);
}

export interface FetchTemplateOptions {
	itemIndex?: number;
	/** Shares one GET /v2/templates between all legacy templates of an execution. */
	legacyList?: () => Promise<TemplateSummary[]>;
}

/**
 * True when v3 refuses the template itself rather than the request: unknown (404), or a template kind the
 * v3 API does not serve (HeyGen: "only draft version 4 templates are supported"; the status it uses for
 * that is not documented, so 400 and 422 count too). Auth, credit, rate and server failures are not this.
 */
export function v3DoesNotServe(error: unknown): boolean {
	if (!(error instanceof HeyGenApiError)) return false;
	const { kind, httpCode } = error.heyGen;
	return (
		kind === 'not_found' || (kind === 'invalid_request' && (httpCode === 400 || httpCode === 422))
	);
}

/**
 * A template's details in the family the choice allows. Auto asks v3 and falls back to legacy only when
 * v3 does not serve the template (any other failure is a real failure and is raised). When neither family
 * knows it, v3's own refusal is raised if it said more than "not found".
 */
export async function fetchTemplate(
	this: HeyGenContext,
	id: string,
	choice: ApiVersionChoice,
	options: FetchTemplateOptions = {},
): Promise<NormalizedTemplate> {
	if (choice === 'legacy')
		return await fetchLegacyTemplate.call(this, id, options.itemIndex, options.legacyList);
	if (choice === 'v3') return await fetchV3Template.call(this, id, options.itemIndex);
	let v3Refusal: HeyGenApiError | undefined;
	const fromV3 = await fetchV3Template.call(this, id, options.itemIndex).then(
		(template) => template,
		(error: unknown) => {
			if (!v3DoesNotServe(error)) throw error;
			v3Refusal = error as HeyGenApiError;
			return undefined;
		},
	);
	if (fromV3) return fromV3;
	return await fetchLegacyTemplate
		.call(this, id, options.itemIndex, options.legacyList)
		.catch((error: unknown) => {
			if (isNotFound(error) && v3Refusal && v3Refusal.heyGen.kind !== 'not_found') throw v3Refusal;
			throw error;
		});
}
