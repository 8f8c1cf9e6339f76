/**
 * Output items: a status record merged over the input item, routed to Completed / Failed / Still Rendering.
 * Errors (unknown video ID, API failure) become items on Failed carrying `error` {code, message, detail}
 * like a failed render. With "On Error: Continue (using error output)" they take the shape n8n moves to
 * its error output, `{error, details}`, which n8n merges over the input item.
 */
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { NormalizedVideo, VideoOutcome } from '../shared/videoRecord';

/** The node's outputs, in order: their names (the description's outputNames) and indexes. */
export const OUTPUT_NAMES = ['Completed', 'Failed', 'Still Rendering'];
export const OUTPUT_COMPLETED = 0;
export const OUTPUT_FAILED = 1;
export const OUTPUT_STILL_RENDERING = 2;

export interface InputRef {
	itemIndex: number;
	json: IDataObject;
	binary?: Record<string, IBinaryData>;
}

export interface ItemOutcome {
	itemIndex: number;
	output: number;
	item: INodeExecutionData;
	error?: Error;
}

export function outputFor(outcome: VideoOutcome): number {
	if (outcome === 'completed') return OUTPUT_COMPLETED;
	if (outcome === 'failed') return OUTPUT_FAILED;
	return OUTPUT_STILL_RENDERING;
}

function base(input: InputRef, keepInput: boolean): IDataObject {
	return keepInput ? { ...input.json } : {};
}

/**
 * The status record over the input item. HeyGen's null (a field it has no value for yet, or never returns on
 * this endpoint) never replaces a value the item came in with, such as Generate's `title` and `callback_id`.
 */
function mergeVideo(start: IDataObject, video: NormalizedVideo): IDataObject {
	const json: IDataObject = { ...start };
	for (const [name, value] of Object.entries(video as unknown as IDataObject)) {
		// `error` is the exception: a video that did not fail must not carry an earlier attempt's error.
		if (value === null && name !== 'error' && json[name] !== undefined && json[name] !== null)
			continue;
		json[name] = value;
	}
	return json;
}

export function videoItem(
	input: InputRef,
	{ video, outcome }: { video: NormalizedVideo; outcome: VideoOutcome },
	options: { keepInput: boolean; checkedAt: string; binary?: Record<string, IBinaryData> },
): ItemOutcome {
	const output = outputFor(outcome);
	// A Still Rendering item goes round again (Wait node, back into Wait For Video): it keeps all it came with.
	const keepInput = options.keepInput || output === OUTPUT_STILL_RENDERING;
	const json: IDataObject = {
		...mergeVideo(base(input, keepInput), video),
		checked_at: options.checkedAt,
	};
	const item: INodeExecutionData = { json, pairedItem: { item: input.itemIndex } };
	const binary = { ...(keepInput ? (input.binary ?? {}) : {}), ...(options.binary ?? {}) };
	if (Object.keys(binary).length > 0) item.binary = binary;
	return { itemIndex: input.itemIndex, output, item };
}

export function errorItem(
	input: InputRef,
	videoId: string,
	error: Error & { description?: string | null; httpCode?: string | null },
	options: { keepInput: boolean; checkedAt: string },
): ItemOutcome {
	const json: IDataObject = {
		...base(input, options.keepInput),
		video_id: videoId,
		status: 'error',
		error: {
			code: error.httpCode ?? null,
			message: error.message,
			detail: error.description ?? null,
		},
		checked_at: options.checkedAt,
	};
	const item: INodeExecutionData = { json, pairedItem: { item: input.itemIndex } };
	if (options.keepInput && input.binary) item.binary = input.binary;
	return { itemIndex: input.itemIndex, output: OUTPUT_FAILED, item, error };
}

/**
 * n8n sends an item to the error output when its JSON holds only `error`/`message`/`details` (an
 * `item.error` would also do, but n8n then drops everything but the message).
 */
function forErrorOutput(outcome: ItemOutcome): INodeExecutionData {
	const error = outcome.item.json.error as IDataObject | undefined;
	return {
		json: {
			error: outcome.error?.message ?? 'Error',
			details: {
				video_id: outcome.item.json.video_id ?? null,
				code: error?.code ?? null,
				detail: error?.detail ?? null,
			},
		},
		pairedItem: outcome.item.pairedItem,
	};
}

/** The three outputs, each in input order. `errorOutput`: the node routes errors to n8n's error output. */
export function toOutputs(outcomes: ItemOutcome[], errorOutput = false): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (const outcome of [...outcomes].sort((a, b) => a.itemIndex - b.itemIndex)) {
		outputs[outcome.output].push(
			errorOutput && outcome.error ? forErrorOutput(outcome) : outcome.item,
		);
	}
	return outputs;
}

/**
 * Outputs that n8n forwards when a parked execution resumes (a webhook's workflowData, or the parked data a
 * Max Wait timeout releases). n8n renumbers pairedItem on them (`input` becomes the output index), and its
 * error-output routing then looks up a source for that "input" that does not exist and crashes
 * (n8n-core WorkflowExecute.handleNodeErrorOutput); items placed on the error output directly are dropped
 * by the same routine. So on these paths an item error always leaves on Failed, with `status: "error"`,
 * as with "Continue (regular output)".
 */
export function toResumedOutputs(outcomes: ItemOutcome[]): INodeExecutionData[][] {
	return toOutputs(outcomes, false);
}
