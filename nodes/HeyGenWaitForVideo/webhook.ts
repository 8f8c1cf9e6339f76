/**
 * A POST to the execution's resume URL (HeyGen's callback) in callback mode.
 *
 * The callback is only a wake-up: nothing it claims is trusted. The node re-reads the status of every video
 * the execution waits for from the HeyGen API and resumes only when all of them are final. Callbacks about
 * other videos, or while some videos still render, answer 200 and leave the execution waiting.
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkVideos, isVideoNotFound } from '../shared/videos';
import { isFinal } from '../shared/videoStatus';
import {
	callbackVideoId,
	parseState,
	resumeTokenMatches,
	stateExpression,
	verifyHeyGenSignature,
} from './callbackState';
import type { ItemOutcome } from './items';
import { toOutputs } from './items';
import { buildOutcomes } from './outcomes';

/**
 * HeyGen expects an answer within about 10 s and delivers again otherwise; a redelivery that arrives while this
 * webhook still runs starts a second one (n8n marks the execution running only after webhook() returns).
 * So the status check is cut well before that and answered with 503, which HeyGen retries.
 */
export const WEBHOOK_CHECK_LIMIT_MS = 8000;

function respond(this: IWebhookFunctions, statusCode: number, body: IDataObject): IWebhookResponseData {
	const response = this.getResponseObject();
	response.status(statusCode).json(body);
	return { noWebhookResponse: true };
}

function keepWaiting(reason: string, extra: IDataObject = {}): IWebhookResponseData {
	return { webhookResponse: { received: true, resumed: false, reason, ...extra } };
}

function continuesOnFail(this: IWebhookFunctions): boolean {
	const node = this.getNode();
	if (node.onError === undefined) return node.continueOnFail === true;
	return node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput';
}

export async function webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (!resumeTokenMatches(resumeUrl, (request.query ?? {}) as Record<string, unknown>)) {
		return respond.call(this, 401, { error: 'Invalid resume signature' });
	}

	const secret = String(this.getNodeParameter('callbackSecret', '') ?? '').trim();
	if (secret !== '') {
		const raw = (request as { rawBody?: Buffer }).rawBody ?? JSON.stringify(this.getBodyData());
		if (!verifyHeyGenSignature(secret, raw, this.getHeaderData() as Record<string, unknown>)) {
			return respond.call(this, 401, { error: 'Invalid Heygen-Signature' });
		}
	}

	const state = parseState(this.evaluateExpression(stateExpression(this.getNode().name), 0));
	if (!state) return keepWaiting('This execution is not waiting for HeyGen videos');

	const videoId = callbackVideoId(this.getBodyData());
	if (!videoId || !state.pending.some((p) => p.query.videoId === videoId)) {
		return keepWaiting('The callback is not about a video this execution waits for');
	}

	// The authoritative answer: the API, for every video still awaited, whatever the callback said.
	let results;
	try {
		results = await checkVideos.call(
			this,
			state.pending.map((p) => p.query),
			{ deadlineMs: Date.now() + WEBHOOK_CHECK_LIMIT_MS },
		);
	} catch (error) {
		// HeyGen retries a callback answered with 5xx: the next attempt may find the API healthy.
		return respond.call(this, 503, { error: `Could not read the video status: ${(error as Error).message}` });
	}
	// A video HeyGen does not know is a final answer (an item error); any other failed request is not.
	const transient = state.pending.filter((p) => {
		const answer = results.get(p.query.itemIndex);
		return answer?.error !== undefined && !isVideoNotFound(answer.error);
	});
	if (transient.length > 0) {
		return respond.call(this, 503, { error: `Could not read the status of ${transient.length} video(s); retry later` });
	}
	const rendering = state.pending.filter((p) => {
		const video = results.get(p.query.itemIndex)?.video;
		return video !== undefined && !isFinal(video.status);
	});
	if (rendering.length > 0) {
		return keepWaiting('Some videos are still rendering', { still_rendering: rendering.length });
	}

	const fresh = await buildOutcomes.call(this, state.pending, results, state.settings);
	const restored: ItemOutcome[] = state.final.map((stored) => {
		const item: INodeExecutionData = { json: stored.json, pairedItem: { item: stored.itemIndex } };
		if (stored.binary) item.binary = stored.binary;
		const error = stored.error === undefined ? undefined : new NodeOperationError(this.getNode(), stored.error, { itemIndex: stored.itemIndex });
		return { itemIndex: stored.itemIndex, output: stored.output, item, error };
	});
	const errors = fresh.filter((o) => o.error);
	if (errors.length > 0 && !continuesOnFail.call(this)) {
		// Without "continue on fail" there is no error item to emit: answer with the error, and keep waiting
		// so that a later callback or the Max Wait timeout can still finish the execution.
		return respond.call(this, 500, { error: errors[0].error?.message ?? 'Error' });
	}
	return {
		webhookResponse: { received: true, resumed: true },
		workflowData: toOutputs([...restored, ...fresh], this.getNode().onError === 'continueErrorOutput'),
	};
}
