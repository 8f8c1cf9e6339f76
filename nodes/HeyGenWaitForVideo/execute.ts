import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DownloadSettings } from './download';
import { DOWNLOAD_LIMITS } from './download';
import { idRefusal, showId } from '../shared/ids';
import type { PollSchedule } from './pollSchedule';
import { ENGINE_IN_PROCESS_LIMIT_MS, scheduleFromSettings } from './pollSchedule';
import type { ApiChoice, VideoCheck, VideoQuery } from './statusApi';
import { INVALID_ID_ADVICE, parseApiChoice, unfinished } from './statusApi';
import type { StoredFinalItem, WaitingState } from './waitingState';
import { saveState } from './waitingState';
import type { InputRef, ItemOutcome } from './outputs';
import { errorItem, OUTPUT_STILL_RENDERING, toOutputs, toResumedOutputs } from './outputs';
import type { OutcomeSettings } from './finishing';
import { buildOutcomes } from './finishing';
import { pollVideos } from './polling';
import { memoryKey, rememberParking } from './verifiedVideos';

interface NodeSettings {
	mode: 'poll' | 'callback';
	schedule: PollSchedule;
	maxWaitMs: number;
	outcome: OutcomeSettings;
}

/** Running as an AI agent's tool: never park the execution. Probed: n8n versions before isToolExecution() lack it. */
function isToolExecution(context: IExecuteFunctions): boolean {
	const probe = (context as { isToolExecution?: () => boolean }).isToolExecution;
	return typeof probe === 'function' && probe.call(context) === true;
}

function readSettings(this: IExecuteFunctions): NodeSettings {
	const waitMode = this.getNodeParameter('waitMode', 0, 'poll') as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const maxTimeSeconds = Number(this.getNodeParameter('maxTimeInNode', 0, 55));
	let schedule = scheduleFromSettings({
		maxTimeSeconds: Number.isFinite(maxTimeSeconds) ? maxTimeSeconds : 55,
		initialIntervalSeconds: options.initialInterval as number | undefined,
		maxIntervalSeconds: options.maxInterval as number | undefined,
	});
	const tool = isToolExecution(this);
	if (tool) {
		// An agent waits for the tool's answer: keep the poll below n8n's in-process limit.
		schedule = {
			...schedule,
			budgetMs: Math.min(schedule.budgetMs, ENGINE_IN_PROCESS_LIMIT_MS - 10_000),
		};
	}
	let download: DownloadSettings | null = null;
	if (this.getNodeParameter('downloadVideo', 0, false) === true) {
		const d = this.getNodeParameter('downloadOptions', 0, {}) as IDataObject;
		const property = typeof d.binaryPropertyName === 'string' ? d.binaryPropertyName.trim() : '';
		download = {
			binaryPropertyName: property === '' ? 'data' : property,
			captionedVideo: d.captionedVideo === true,
			thumbnail: d.thumbnail === true,
			gif: d.gif === true,
			captions: d.captions === true,
		};
	}
	const maxWaitMinutes = Number(this.getNodeParameter('maxWaitMinutes', 0, 60));
	return {
		mode: waitMode === 'callback' && !tool ? 'callback' : 'poll',
		schedule,
		maxWaitMs: Math.max(1, Number.isFinite(maxWaitMinutes) ? maxWaitMinutes : 60) * 60_000,
		outcome: { keepInput: options.keepInputFields !== false, download },
	};
}

/** The video ID and API family of each item; items without a usable ID fail here. */
function readQueries(this: IExecuteFunctions, items: INodeExecutionData[]) {
	const queries: Array<{ query: VideoQuery; input: InputRef }> = [];
	const invalid: Array<{ input: InputRef; videoId: string; error: NodeOperationError }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const input: InputRef = { itemIndex, json: item.json, binary: item.binary };
		const raw = this.getNodeParameter('videoId', itemIndex, '') as unknown;
		const videoId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
		if (videoId === '') {
			invalid.push({
				input,
				videoId,
				error: new NodeOperationError(
					this.getNode(),
					'No video ID: the Video ID field is empty for this item',
					{
						itemIndex,
						description:
							'The default reads video_id from the item (HeyGen Generate From Template sets it). Point the Video ID field at the field that holds the ID.',
					},
				),
			});
			continue;
		}
		const refusal = idRefusal(videoId);
		if (refusal) {
			const message = `"${showId(videoId)}" is not a HeyGen video ID (${refusal})`;
			const error = new NodeOperationError(this.getNode(), message, {
				itemIndex,
				description: INVALID_ID_ADVICE,
			});
			invalid.push({ input, videoId: showId(videoId), error });
			continue;
		}
		const chosen = this.getNodeParameter('apiVersion', itemIndex, 'auto') as ApiChoice;
		// Auto follows what HeyGen Generate From Template reports for the video it made.
		const api = chosen === 'auto' ? (parseApiChoice(item.json.api_version) ?? 'auto') : chosen;
		queries.push({ query: { itemIndex, videoId, api }, input });
	}
	return { queries, invalid };
}

function usesErrorOutput(node: INode): boolean {
	return node.onError === 'continueErrorOutput';
}

function failOnErrors(this: IExecuteFunctions, outcomes: ItemOutcome[]): void {
	if (this.continueOnFail()) return;
	const failed = outcomes.find((o) => o.error);
	if (!failed?.error) return;
	const error = failed.error;
	if (error instanceof NodeOperationError) throw error;
	throw new NodeOperationError(this.getNode(), error, { itemIndex: failed.itemIndex });
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const settings = readSettings.call(this);
	const { queries, invalid } = readQueries.call(this, items);
	const checkedAt = new Date().toISOString();
	const invalidOutcomes = invalid.map(({ input, videoId, error }) =>
		errorItem(input, videoId, error, { keepInput: settings.outcome.keepInput, checkedAt }),
	);
	failOnErrors.call(this, invalidOutcomes);

	const started = Date.now();
	const { results } = await pollVideos.call(
		this,
		queries.map((q) => q.query),
		settings.mode === 'poll' ? settings.schedule : undefined,
	);

	const rendering = queries.filter(({ query }) => unfinished(results.get(query.itemIndex)));

	if (settings.mode === 'callback' && rendering.length > 0) {
		// Errors are decided now, before the execution is parked.
		const finished = queries.filter((q) => !rendering.includes(q));
		const done = [
			...invalidOutcomes,
			...(await buildOutcomes.call(this, finished, results, settings.outcome)),
		];
		failOnErrors.call(this, done);
		const stillRendering = await buildOutcomes.call(this, rendering, results, settings.outcome);
		return await parkExecution.call(this, settings, done, stillRendering, rendering, results);
	}

	// Poll mode: downloads end with the node's time budget (but get at least one idle timeout to start).
	const bounds =
		settings.mode === 'poll'
			? {
					deadlineMs: Math.max(
						started + settings.schedule.budgetMs,
						Date.now() + DOWNLOAD_LIMITS.idleTimeoutMs,
					),
				}
			: {};
	const outcomes = [
		...invalidOutcomes,
		...(await buildOutcomes.call(this, queries, results, settings.outcome, bounds)),
	];
	failOnErrors.call(this, outcomes);
	return toOutputs(outcomes, usesErrorOutput(this.getNode()));
}

/**
 * Callback mode with videos still rendering: park the execution until HeyGen calls the resume URL (see
 * webhook.ts) or Max Wait passes. On a timeout n8n does not run execute() again: it forwards this stack
 * entry's data, so that data is shaped here as the final answer of a timeout: every item on its output,
 * the unfinished ones on Still Rendering with their last status.
 */
async function parkExecution(
	this: IExecuteFunctions,
	settings: NodeSettings,
	done: ItemOutcome[],
	rendering: ItemOutcome[],
	unfinished: Array<{ query: VideoQuery; input: InputRef }>,
	results: Map<number, VideoCheck>,
): Promise<INodeExecutionData[][]> {
	const outputs = toResumedOutputs([...done, ...rendering]);
	const waitTill = Date.now() + settings.maxWaitMs;
	const state: WaitingState = {
		version: 1,
		settings: settings.outcome,
		final: done.map(
			(o): StoredFinalItem => ({
				itemIndex: o.itemIndex,
				output: o.output,
				json: o.item.json,
				binary: o.item.binary,
				error: o.error?.message,
			}),
		),
		// Auto resolved the family in the first check: callbacks ask that family directly.
		pending: unfinished.map(({ query, input }) => ({
			query: { ...query, api: results.get(query.itemIndex)?.video?.api_version ?? query.api },
			input,
		})),
		waitTill,
	};
	saveState(this.getContext('node'), state);

	const stackEntry = this.getExecuteData();
	stackEntry.data = { ...stackEntry.data, main: outputs.map((items) => [...items]) };
	this.setMetadata({ forwardAllOutputs: true });
	const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof resumeUrl === 'string') this.setMetadata({ resumeUrl });
	rememberParking(memoryKey(resumeUrl, this.getExecutionId()), waitTill);
	await this.putExecutionToWait(new Date(waitTill));

	const waiting = outputs[OUTPUT_STILL_RENDERING].length;
	this.addExecutionHints?.({
		message: `Waiting for ${waiting} video${waiting === 1 ? '' : 's'}: the execution resumes when HeyGen calls back, or after ${Math.round(settings.maxWaitMs / 60_000)} minutes`,
		location: 'outputPane',
	});
	return outputs;
}
