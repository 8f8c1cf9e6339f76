/**
 * A POST to the execution's resume URL (HeyGen's callback) in callback mode.
 *
 * The callback is only a wake-up: nothing it claims is trusted. The node re-reads the status of every video
 * the execution waits for from the HeyGen API and resumes only when all of them are final. Callbacks about
 * other videos, or while some videos still render, answer 200 and leave the execution waiting.
 *
 * With Download Video on, HeyGen gets its 200 as soon as the resume is decided, before the downloads: they can
 * outlast HeyGen's ~10 s answer timeout, and a redelivery would run this webhook a second time meanwhile.
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkVideos, isVideoNotFound } from '../shared/videos';
import { isFinal, outcomeOf } from '../shared/videoStatus';
import {
	callbackVideoId,
	parseState,
	resumeTokenMatches,
	stateExpression,
	verifyHeyGenSignature,
} from './callbackState';
import type { ItemOutcome } from './items';
import { toResumedOutputs } from './items';
import { buildOutcomes } from './outcomes';
import { claimResume } from './resumeClaims';
import { admitCallback, callbackFacts, refuseCallback, signingSecret } from './callbackGuard';

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

	const secret = await signingSecret.call(this);
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
	const headers = this.getHeaderData() as Record<string, unknown>;
	const admission = admitCallback(callbackFacts(String(resumeUrl), secret !== '', videoId, this.getBodyData(), headers));
	if (!admission.admitted) return refuseCallback.call(this, admission);

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
		admission.release();
		return respond.call(this, 503, { error: `Could not read the video status: ${(error as Error).message}` });
	}
	// A video HeyGen does not know is a final answer (an item error); any other failed request is not.
	const transient = state.pending.filter((p) => {
		const answer = results.get(p.query.itemIndex);
		return answer?.error !== undefined && !isVideoNotFound(answer.error);
	});
	if (transient.length > 0) {
		admission.release();
		return respond.call(this, 503, { error: `Could not read the status of ${transient.length} video(s); retry later` });
	}
	const rendering = state.pending.filter((p) => {
		const video = results.get(p.query.itemIndex)?.video;
		return video !== undefined && !isFinal(video.status);
	});
	if (rendering.length > 0) {
		return keepWaiting('Some videos are still rendering', { still_rendering: rendering.length });
	}

	const restored: ItemOutcome[] = state.final.map((stored) => {
		const item: INodeExecutionData = { json: stored.json, pairedItem: { item: stored.itemIndex } };
		if (stored.binary) item.binary = stored.binary;
		const error = stored.error === undefined ? undefined : new NodeOperationError(this.getNode(), stored.error, { itemIndex: stored.itemIndex });
		return { itemIndex: stored.itemIndex, output: stored.output, item, error };
	});

	// Unknown video IDs are known before anything is downloaded: without "continue on fail" there is no error
	// item to emit, so answer with the error and keep waiting (a later callback or Max Wait can still finish).
	const unknown = state.pending.find((p) => results.get(p.query.itemIndex)?.error !== undefined);
	if (unknown && !continuesOnFail.call(this)) {
		admission.release();
		return respond.call(this, 500, { error: results.get(unknown.query.itemIndex)?.error?.message ?? 'Error' });
	}

	const downloads =
		state.settings.download !== null &&
		state.pending.some((p) => {
			const video = results.get(p.query.itemIndex)?.video;
			return video !== undefined && outcomeOf(video.status) === 'completed';
		});
	if (!downloads) {
		const fresh = await buildOutcomes.call(this, state.pending, results, state.settings);
		return {
			webhookResponse: { received: true, resumed: true },
			workflowData: toResumedOutputs([...restored, ...fresh]),
		};
	}

	// Downloads can take longer than HeyGen waits for an answer (~10 s; it delivers again after that). The
	// decision to resume is made: answer now, download, and hand n8n the items without a second response.
	const claimKey = typeof resumeUrl === 'string' ? resumeUrl : '';
	if (claimKey !== '' && !claimResume(claimKey)) {
		return keepWaiting('Another callback is already resuming this execution');
	}
	this.getResponseObject().status(200).json({ received: true, resumed: true });

	// A download that fails from here on cannot fail the execution: HeyGen has its 200 and will not deliver
	// again, and an error thrown by webhook() makes n8n resume with an empty item on the first output (the
	// resumed node is disabled: n8n 2.41 webhook-helpers + WorkflowExecute.runNode) and drop the earlier nodes'
	// data. So the item leaves on Failed with the error, as with "continue on fail" (or on the error output).
	const fresh = await buildOutcomes.call(this, state.pending, results, state.settings);
	return { noWebhookResponse: true, workflowData: toResumedOutputs([...restored, ...fresh]) };
}
