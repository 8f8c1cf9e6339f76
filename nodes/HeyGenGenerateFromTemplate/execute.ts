import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { delay } from '../shared/backoff';
import { idRefusal, showId } from '../shared/ids';
import { buildGenerateBody, generateVideo, idempotencyKey } from './generate';
import type { ApiVersionChoice, NormalizedTemplate, TemplateSummary } from './templates';
import { fetchTemplate, listLegacyTemplates } from './templates';
import { DEFAULT_RETRY_POLICY, HeyGenApiError, withRetryAfterGate } from '../shared/transport';
import { isRecord } from '../shared/json';
import { autoMapValues } from './mapping/autoMapSources';
import type { TemplateField } from './mapping/editorFields';
import { staleSchemaProblem } from './mapping/editorFields';
import type {
	EmptyValuePolicy,
	MappedValues,
	MissingTextPolicy,
	ValueSource,
} from './mapping/requestBuilders';
import { buildVariables } from './mapping/requestBuilders';
import { VariableError, setOwn } from './mapping/values';
import {
	legacyOutcomeKey,
	mayHaveStarted,
	recallLegacyOutcome,
	rememberLegacyOutcome,
} from './legacyOutcomes';
import { GenerateGate, parallelLimit, runInFlight } from './inFlight';
import { redactUrl, settingsFor } from './generateOptions';
import { ItemError } from './itemError';

/** Requests in Parallel: the default keeps 1,000 contacts under a minute at HeyGen's ~300 ms per generate. */
export const DEFAULT_IN_FLIGHT = 8;
const MAX_IN_FLIGHT = 32;

/**
 * Every field this node writes. With Keep Input Fields they replace input fields of the same name even when
 * this video has no value for them (a legacy video has no status), so a contact sent round again after a
 * failed render does not carry the earlier attempt's status or error next to its new video ID.
 */
const OUTPUT_FIELDS = [
	'video_id',
	'template_id',
	'template_name',
	'title',
	'callback_id',
	'api_version',
	'status',
	'idempotency_key',
	'request',
	'error',
	'details',
] as const;

interface RunState {
	/** n8n's run index of this node in the execution: above 0 when a loop sends items through it again. */
	runIndex: number;
	templates: Map<string, Promise<NormalizedTemplate>>;
	legacyList?: Promise<TemplateSummary[]>;
}

/** Details and lists are fetched once per execution per template, not once per item. */
async function templateFor(
	this: IExecuteFunctions,
	state: RunState,
	id: string,
	choice: ApiVersionChoice,
	itemIndex: number,
): Promise<NormalizedTemplate> {
	const key = `${choice}:${id}`;
	let pending = state.templates.get(key);
	if (!pending) {
		pending = fetchTemplate.call(this, id, choice, {
			itemIndex,
			legacyList: async () => await (state.legacyList ??= listLegacyTemplates.call(this)),
		});
		state.templates.set(key, pending);
	}
	return await pending;
}

/** The values the user mapped for this item, with where each came from. */
function mappedValues(
	this: IExecuteFunctions,
	itemIndex: number,
	template: NormalizedTemplate,
): MappedValues {
	const mode = this.getNodeParameter('variables.mappingMode', itemIndex, 'defineBelow');
	if (mode === 'autoMapInputData') {
		const { values, skipped } = autoMapValues(template, this.getInputData()[itemIndex]?.json ?? {});
		const sources: Record<string, ValueSource> = {};
		for (const id of Object.keys(values)) setOwn(sources, id, 'input');
		return { values, sources, auto: { skipped } };
	}
	const raw: unknown = this.getNode().parameters.variables;
	const schema = isRecord(raw) && Array.isArray(raw.schema) ? (raw.schema as TemplateField[]) : [];
	// A template chosen per item by expression has no one schema to compare with; each value is still
	// checked against the item's own template (unknown names fail).
	const locator: unknown = this.getNode().parameters.templateId;
	const byExpression =
		isRecord(locator) && typeof locator.value === 'string' && locator.value.startsWith('=');
	const stale = byExpression ? undefined : staleSchemaProblem(template, schema);
	if (stale) throw new ItemError(`Item ${itemIndex + 1}: ${stale}`);
	// n8n checks resource-mapper values against the schema stored with the node, and an `options` field
	// (avatar, voice) then accepts only the values listed when the schema was loaded: an avatar or voice ID
	// given by an expression would be refused. So the values are read without that check, and
	// buildVariables checks every value against the template itself instead.
	const resolved = this.getNodeParameter(
		'variables.value',
		itemIndex,
		{},
		{ skipValidation: true },
	);
	const rawValues = isRecord(raw) && isRecord(raw.value) ? raw.value : {};
	const sources: Record<string, ValueSource> = {};
	for (const [id, value] of Object.entries(rawValues)) {
		setOwn(
			sources,
			id,
			typeof value === 'string' && value.startsWith('=') ? 'expression' : 'fixed',
		);
	}
	const prefilled: Record<string, unknown> = {};
	for (const field of schema) {
		if (field && field.defaultValue !== undefined) setOwn(prefilled, field.id, field.defaultValue);
	}
	return { values: isRecord(resolved) ? { ...resolved } : {}, sources, prefilled };
}

/**
 * A legacy generate at most once per execution, node run, item and request (see legacyOutcomes.ts): n8n's
 * Retry On Fail reuses the video of an earlier try, and an item whose request may or may not have made a video
 * fails again with the same message instead of being sent again.
 */
async function generateLegacyOnce(
	this: IExecuteFunctions,
	item: string,
	runIndex: number,
	request: Parameters<typeof generateVideo>[0],
): Promise<{ videoId: string; status?: string; raw: unknown }> {
	const context = this.getContext('node');
	const memoryKey = legacyOutcomeKey(runIndex, request.itemIndex, request.body);
	const known = recallLegacyOutcome(context, memoryKey);
	if (known?.videoId) return { videoId: known.videoId, raw: { reused: true } };
	if (known?.ambiguous) throw new ItemError(known.ambiguous.message, known.ambiguous.description);
	let result;
	try {
		result = await generateVideo.call(this, request);
	} catch (error) {
		if (mayHaveStarted(error)) {
			const failed = error as Error & { description?: string | null };
			rememberLegacyOutcome(context, memoryKey, {
				ambiguous: { message: failed.message, description: failed.description ?? undefined },
			});
		}
		throw failure.call(this, error, request.itemIndex);
	}
	if (result.videoId) rememberLegacyOutcome(context, memoryKey, { videoId: result.videoId });
	else {
		rememberLegacyOutcome(context, memoryKey, {
			ambiguous: {
				message: `${item}: HeyGen accepted the request but returned no video ID`,
				description: `The video may or may not have started; it is not sent again. Answer: ${JSON.stringify(result.raw).slice(0, 500)}`,
			},
		});
	}
	return result;
}

async function generateItem(
	this: IExecuteFunctions,
	itemIndex: number,
	state: RunState,
): Promise<IDataObject> {
	const item = `Item ${itemIndex + 1}`;
	const choice = this.getNodeParameter('apiVersion', itemIndex, 'auto') as ApiVersionChoice;
	const templateId = String(
		this.getNodeParameter('templateId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!templateId) throw new ItemError(`${item}: no template chosen`);
	const refusal = idRefusal(templateId);
	if (refusal)
		throw new ItemError(`${item}: not a HeyGen template ID: "${showId(templateId)}" (${refusal})`);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const template = await templateFor.call(this, state, templateId, choice, itemIndex);
	const family = template.apiFamily;
	const mapped = mappedValues.call(this, itemIndex, template);
	let built;
	try {
		built = buildVariables(template, mapped, {
			family,
			emptyValues: (options.emptyValues as EmptyValuePolicy | undefined) ?? 'error',
			missingText: (options.missingTextVariables as MissingTextPolicy | undefined) ?? 'error',
		});
	} catch (error) {
		if (error instanceof VariableError) {
			throw new NodeOperationError(this.getNode(), `${item}: ${error.message}`, { itemIndex });
		}
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}
	const settings = settingsFor.call(this, itemIndex, state.runIndex, template, choice, options);
	const body = buildGenerateBody(built.variables, settings);
	const key =
		family === 'v3'
			? idempotencyKey({
					instanceId: this.getInstanceId(),
					workflowId: String(this.getWorkflow().id ?? ''),
					executionId: this.getExecutionId(),
					nodeId: this.getNode().id,
					runIndex: state.runIndex,
					itemIndex,
					body,
				})
			: undefined;

	const request = { family, templateId: template.id, body, idempotencyKey: key, itemIndex };
	const result =
		family === 'legacy'
			? await generateLegacyOnce.call(this, item, state.runIndex, request)
			: await generateVideo.call(this, request);
	if (!result.videoId) {
		throw new ItemError(
			`${item}: HeyGen accepted the request but returned no video ID`,
			`Answer: ${JSON.stringify(result.raw).slice(0, 500)}`,
		);
	}

	const sent: IDataObject = {};
	for (const [name, value] of Object.entries(body)) {
		if (name === 'variables') continue;
		sent[name] = name === 'callback_url' && typeof value === 'string' ? redactUrl(value) : value;
	}
	const output: IDataObject = {
		video_id: result.videoId,
		template_id: template.id,
		template_name: template.name,
		title: settings.title,
		callback_id: settings.callbackId,
		api_version: family,
	};
	if (result.status) output.status = result.status;
	if (key) output.idempotency_key = key;
	output.request = { variables: built.summary, options: sent };
	return output;
}

function failure(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const node = this.getNode();
	if (error instanceof ItemError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: error.description,
		});
	}
	if (error instanceof HeyGenApiError) error.withNextStep();
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** The input item's fields without the ones this node writes (see OUTPUT_FIELDS). */
function inputFields(json: IDataObject): IDataObject {
	const kept = { ...json };
	for (const field of OUTPUT_FIELDS) delete kept[field];
	return kept;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const state: RunState = {
		runIndex: Number(this.getWorkflowDataProxy(0).$runIndex) || 0,
		templates: new Map(),
	};
	const signal = this.getExecutionCancelSignal();
	// With "continue (using error output)" n8n itself merges each failed item with its input item.
	const errorOutput = this.getNode().onError === 'continueErrorOutput';
	const output: INodeExecutionData[] = [];

	// Raised, without the aborted request as its cause, once the execution is stopped: it neither sends the
	// next item's request nor turns the remaining items into error items.
	const cancelled = (itemIndex: number) =>
		new NodeOperationError(this.getNode(), 'The execution was cancelled', { itemIndex });

	// Requests in Parallel: several items' requests in flight, one Retry-After clock for all (see inFlight.ts).
	// With a Delay Between Items the items go one at a time, as that option promises.
	const pause = Number(this.getNodeParameter('options.delayBetweenItems', 0, 0)) || 0;
	const limit =
		pause > 0
			? 1
			: parallelLimit(
					this.getNodeParameter('options.requestsInParallel', 0, DEFAULT_IN_FLIGHT),
					DEFAULT_IN_FLIGHT,
					MAX_IN_FLIGHT,
				);
	const gate = new GenerateGate({ maxRounds: DEFAULT_RETRY_POLICY.maxAttempts - 1 });
	const gated = withRetryAfterGate(this, gate);
	const continueOnFail = this.continueOnFail();
	const keepInputOf = (itemIndex: number) =>
		this.getNodeParameter('options.keepInputFields', itemIndex, true) as boolean;

	const settled = await runInFlight(
		items.length,
		async (itemIndex) => {
			if (itemIndex > 0 && pause > 0) await delay(pause, signal);
			return await generateItem.call(gated, itemIndex, state);
		},
		{
			limit,
			order: gate.order,
			stopped: () => signal?.aborted === true,
			stopAfter: () => !continueOnFail || signal?.aborted === true,
		},
	);

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const result = settled[itemIndex];
		if (signal?.aborted || !result) throw cancelled(itemIndex);
		let keepInput = true;
		try {
			keepInput = keepInputOf(itemIndex);
			if (!result.ok) throw result.error;
			// The contact's own fields travel with its video: after a callback resume n8n renumbers pairedItem,
			// so `$('Contacts').item` can no longer be trusted downstream of Wait For Video.
			const json = keepInput
				? { ...inputFields(items[itemIndex].json), ...result.value }
				: result.value;
			output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			const wrapped = failure.call(this, error, itemIndex);
			if (!continueOnFail) throw wrapped;
			const failed: IDataObject = { error: wrapped.message };
			if (wrapped.description) failed.details = wrapped.description;
			const json =
				keepInput && !errorOutput ? { ...inputFields(items[itemIndex].json), ...failed } : failed;
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
