/**
 * The item errors of status checks, and what they mean: HeyGen's answer about the video itself (an unknown ID,
 * an ID HeyGen cannot take, an answer without a status), which is final, or a failed request, which is not.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { idRefusal, showId } from '../shared/ids';
import type { HeyGenContext } from '../shared/transport';
import type { VideoQuery } from './videoCheck';
import type { UnreadableStatusError } from '../shared/videoRecord';

/** The same failure, attributed to one item (a bulk call's failure concerns every item in it). */
export function errorForItem(context: HeyGenContext, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const copy = new NodeApiError(
			context.getNode(),
			((error as NodeApiError).errorResponse as JsonObject | undefined) ?? {
				message: error.message,
			},
			{
				message: error.message,
				description: error.description ?? undefined,
				httpCode: (error as NodeApiError).httpCode ?? undefined,
				itemIndex,
			},
		);
		return copy;
	}
	return new NodeOperationError(context.getNode(), (error as Error)?.message ?? String(error), {
		itemIndex,
	});
}

/** HeyGen answered, and does not know the video: a final answer for the item, not a failed request. */
export class VideoNotFoundError extends NodeApiError {}

export function notFoundError(context: HeyGenContext, query: VideoQuery, checked: string): Error {
	return new VideoNotFoundError(
		context.getNode(),
		{ message: 'Video not found', video_id: query.videoId },
		{
			message: `HeyGen does not know the video ID "${query.videoId}"`,
			description: `Checked ${checked}. Check the Video ID expression (it should point at the video_id of HeyGen Generate From Template), that the HeyGen credential belongs to the account that created the video, and the API Version setting.`,
			httpCode: '404',
			itemIndex: query.itemIndex,
		},
	);
}

/** Anything but a HeyGen-shaped ID cannot be asked about (a comma would split a bulk call). */
export function isValidVideoId(videoId: string): boolean {
	return idRefusal(videoId) === undefined;
}

export const INVALID_ID_ADVICE =
	'HeyGen video IDs contain only letters, digits, "_" and "-". Check the Video ID expression: it should point at the video_id of HeyGen Generate From Template. Nothing was sent to HeyGen for this item.';

/**
 * Errors that are HeyGen's answer about the video itself (an ID it does not know or cannot take, an answer
 * without a status), as opposed to a request that failed and may work when repeated.
 */
const answerErrors = new WeakSet<Error>();

function asAnswer(error: Error): Error {
	answerErrors.add(error);
	return error;
}

export function isAnswerError(error: Error | undefined): boolean {
	return error !== undefined && (answerErrors.has(error) || error instanceof VideoNotFoundError);
}

export function invalidIdError(context: HeyGenContext, query: VideoQuery): Error {
	const refusal = idRefusal(query.videoId);
	const message = `"${showId(query.videoId)}" is not a HeyGen video ID${refusal ? ` (${refusal})` : ''}`;
	return asAnswer(
		new NodeOperationError(context.getNode(), message, {
			itemIndex: query.itemIndex,
			description: INVALID_ID_ADVICE,
		}),
	);
}

/** A status answer without a status (an HTML page, `{}`): an item error naming where it came from. */
export function unreadableError(
	context: HeyGenContext,
	itemIndex: number,
	endpoint: string,
	httpCode: number,
	error: UnreadableStatusError,
): Error {
	return asAnswer(
		new NodeApiError(
			context.getNode(),
			{ message: error.message },
			{
				message: `HeyGen's status answer could not be read: ${endpoint} answered HTTP ${httpCode} with ${error.found}`,
				description:
					'The answer carries no video status, so the node cannot tell whether the video is rendering. Check the Base URL in the HeyGen credential (a proxy or login page in between answers like this).',
				httpCode: String(httpCode),
				itemIndex,
			},
		),
	);
}

/** Whether a check's error says HeyGen does not know the video (as opposed to a failed request). */
export function isVideoNotFound(error: Error | undefined): boolean {
	return error instanceof VideoNotFoundError;
}
