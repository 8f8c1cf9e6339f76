/**
 * Fetch Video Details: one status read that confirms the event and signs the media links afresh, turned into
 * the same record Wait For Video emits (../shared/videoRecord). v3 first; with Auto, a video v3 does not know is
 * read from the legacy v1 status endpoint (videos generated through the legacy route exist only there).
 * HeyGen waits about 10 s for the answer to its delivery, so the whole read is cut well before that.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { HeyGenApiError, heyGenRequest } from '../shared/transport';
import type { NormalizedVideo } from '../shared/videoRecord';
import { fromV1, fromV3Detail } from '../shared/videoRecord';
import type { WebhookApiChoice } from './state';

export const DETAILS_BUDGET_MS = 7000;
const RETRY = { maxAttempts: 2, maxRetryAfterMs: 1000, baseDelayMs: 300, maxDelayMs: 1000 };

/** Per attempt: half of what is left, so both attempts fit in the budget. */
function remaining(deadline: number): number {
	return Math.max(500, Math.floor((deadline - Date.now()) / 2));
}

/** One status read within the delivery's deadline, its answer read by `parse`. */
async function readVideo(
	this: IWebhookFunctions,
	path: string,
	qs: IDataObject | undefined,
	parse: (body: unknown, requestedId: string) => NormalizedVideo,
	videoId: string,
	deadline: number,
): Promise<NormalizedVideo> {
	const request = {
		method: 'GET' as const,
		path,
		idempotent: true,
		timeoutMs: remaining(deadline),
		retry: RETRY,
	};
	const response = await heyGenRequest.call(this, qs ? { ...request, qs } : request);
	return parse(response.body, videoId);
}

async function readV3(
	this: IWebhookFunctions,
	videoId: string,
	deadline: number,
): Promise<NormalizedVideo> {
	const path = `/v3/videos/${encodeURIComponent(videoId)}`;
	return await readVideo.call(this, path, undefined, fromV3Detail, videoId, deadline);
}

async function readV1(
	this: IWebhookFunctions,
	videoId: string,
	deadline: number,
): Promise<NormalizedVideo> {
	const qs = { video_id: videoId };
	return await readVideo.call(this, '/v1/video_status.get', qs, fromV1, videoId, deadline);
}

export async function fetchVideoDetails(
	this: IWebhookFunctions,
	videoId: string,
	api: WebhookApiChoice,
): Promise<NormalizedVideo> {
	const deadline = Date.now() + DETAILS_BUDGET_MS;
	if (api === 'legacy') return await readV1.call(this, videoId, deadline);
	try {
		return await readV3.call(this, videoId, deadline);
	} catch (error) {
		if (api === 'v3' || !(error instanceof HeyGenApiError) || error.heyGen.kind !== 'not_found') {
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		return await readV1.call(this, videoId, deadline);
	}
}
