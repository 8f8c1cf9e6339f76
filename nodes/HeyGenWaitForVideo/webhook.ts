/**
 * A POST to the execution's resume URL (HeyGen's callback) in callback mode.
 *
 * The callback is only a wake-up: nothing it claims is trusted. It costs O(1) status requests (callbackCheck.ts):
 * the video it names is verified with one read, and the execution resumes when every awaited video is known
 * final, from what this process verified before (verifiedVideos.ts) plus, when that can decide anything,
 * status-only reads of the rest that stop at the first video still rendering. Callbacks about other videos
 * cost no request.
 *
 * HeyGen gets its answer as soon as the decision is made. Resuming then reads the details still missing and
 * downloads, once, before n8n gets the items: that can take longer than HeyGen waits for an answer.
 */
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isAnswerError, isValidVideoId } from './statusApi';
import {
	findUnfinished,
	finalChecks,
	isTransientCheckError,
	statusCheckWorthwhile,
	verifyNamedVideo,
} from './callbackCheck';
import { resumeTokenMatches, verifyHeyGenSignature } from './callbackAuth';
import { callbackVideoId, parseState, stateExpression } from './waitingState';
import type { ItemOutcome } from './outputs';
import { toResumedOutputs } from './outputs';
import { buildOutcomes } from './finishing';
import { claimResume, isClaimed, releaseClaim } from './resumeClaims';
import { forgetMemory, memoryFor, memoryKey } from './verifiedVideos';
import { admitCallback, callbackFacts, refuseCallback, signingSecret } from './callbackGuard';

/**
 * HeyGen expects an answer within about 10 s and delivers again otherwise. The status reads before the answer
 * are cut well before that and answered with 503, which HeyGen retries.
 */
export const WEBHOOK_CHECK_LIMIT_MS = 8000;

function respond(
	this: IWebhookFunctions,
	statusCode: number,
	body: IDataObject,
): IWebhookResponseData {
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
	const named =
		videoId && isValidVideoId(videoId)
			? state.pending.find((p) => p.query.videoId === videoId)
			: undefined;
	if (!named) return keepWaiting('The callback is not about a video this execution waits for');

	const key = memoryKey(resumeUrl, this.getExecutionId?.());
	if (isClaimed(key)) return keepWaiting('Another callback is already resuming this execution');
	const memory = memoryFor(key, state.waitTill ?? Date.now() + 24 * 3_600_000);
	const deadlineMs = Date.now() + WEBHOOK_CHECK_LIMIT_MS;
	const headers = this.getHeaderData() as Record<string, unknown>;
	const admission = admitCallback(
		callbackFacts(String(resumeUrl), secret !== '', videoId, this.getBodyData(), headers),
	);
	if (!admission.admitted) return refuseCallback.call(this, admission);

	try {
		if (!(await verifyNamedVideo.call(this, memory, named, deadlineMs))) {
			return keepWaiting('The video is still rendering');
		}
		if (statusCheckWorthwhile(memory, state.pending)) {
			const verdict = await memory.check.run(
				async () => await findUnfinished.call(this, memory, state.pending, deadlineMs),
			);
			if (verdict === 'rendering') return keepWaiting('Some videos are still rendering');
		} else if (state.pending.some((p) => !memory.verified.has(p.query.videoId))) {
			return keepWaiting('Other videos have not called back yet');
		}
	} catch (error) {
		if (!isTransientCheckError(error)) throw new NodeOperationError(this.getNode(), error as Error);
		// HeyGen retries a callback answered with 5xx: the next attempt may find the API healthy.
		admission.release();
		return respond.call(this, 503, { error: `Could not read the video status: ${error.message}` });
	}

	// Unknown video IDs are known before anything else: without "continue on fail" there is no error item to
	// emit, so answer with the error and keep waiting (a later callback or Max Wait can still finish).
	const unknown = state.pending.find((p) =>
		isAnswerError(memory.verified.get(p.query.videoId)?.check.error),
	);
	if (unknown && !continuesOnFail.call(this)) {
		admission.release();
		return respond.call(this, 500, {
			error: memory.verified.get(unknown.query.videoId)?.check.error?.message ?? 'Error',
		});
	}

	// The first callback that finds everything final resumes; later ones in this process leave it alone.
	if (!claimResume(key)) return keepWaiting('Another callback is already resuming this execution');
	this.getResponseObject().status(200).json({ received: true, resumed: true });

	// From here on nothing can fail the execution: HeyGen has its 200 and will not deliver again, and an error
	// thrown by webhook() makes n8n resume with an empty item on the first output (the resumed node is disabled:
	// n8n 2.41 webhook-helpers + WorkflowExecute.runNode) and drop the earlier nodes' data. So an item whose
	// details or download fail leaves on Failed with the error, as with "continue on fail".
	try {
		const restored: ItemOutcome[] = state.final.map((stored) => {
			const item: INodeExecutionData = {
				json: stored.json,
				pairedItem: { item: stored.itemIndex },
			};
			if (stored.binary) item.binary = stored.binary;
			const error =
				stored.error === undefined
					? undefined
					: new NodeOperationError(this.getNode(), stored.error, { itemIndex: stored.itemIndex });
			return { itemIndex: stored.itemIndex, output: stored.output, item, error };
		});
		const results = await finalChecks.call(this, memory, state.pending);
		const fresh = await buildOutcomes.call(this, state.pending, results, state.settings);
		return { noWebhookResponse: true, workflowData: toResumedOutputs([...restored, ...fresh]) };
	} catch (error) {
		releaseClaim(key);
		throw new NodeOperationError(this.getNode(), error as Error);
	} finally {
		forgetMemory(key);
	}
}
