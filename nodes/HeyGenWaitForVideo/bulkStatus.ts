/**
 * v3's bulk status answer (`GET /v3/videos/statuses`): its entries keyed by video id, each turned into the
 * video record (status only; the URLs come from the detail call). Pure.
 */
import { boundedRaw, isRecord } from '../shared/json';
import type { NormalizedVideo } from '../shared/videoRecord';
import {
	describeBody,
	normalizeStatus,
	outcomeOf,
	readError,
	RENDER_FAILED,
	text,
	UnreadableStatusError,
	withExpiry,
} from '../shared/videoRecord';

/** One entry of v3 `GET /v3/videos/statuses`. */
export function fromV3Bulk(entry: unknown, requestedId: string): NormalizedVideo {
	if (!isRecord(entry) || text(entry.status) === null)
		throw new UnreadableStatusError(describeBody(entry));
	const status = normalizeStatus(entry.status);
	const failed = outcomeOf(status) === 'failed';
	return withExpiry({
		video_id: text(entry.video_id) ?? text(entry.id) ?? requestedId,
		status,
		video_url: null,
		captioned_video_url: null,
		caption_url: null,
		subtitle_url: null,
		thumbnail_url: null,
		gif_url: null,
		video_page_url: null,
		title: null,
		duration: null,
		created_at: null,
		completed_at: null,
		callback_id: null,
		api_version: 'v3',
		error: failed ? (readError(entry.error, entry.failure_message) ?? { ...RENDER_FAILED }) : null,
		heygen: boundedRaw({ status: entry }),
	});
}

/**
 * The bulk answer's entries keyed by video id (HeyGen may answer in any order, or omit ids). Throws
 * UnreadableStatusError when the answer holds no list at all.
 */
export function bulkEntries(body: unknown): Map<string, unknown> {
	const out = new Map<string, unknown>();
	const list: unknown = isRecord(body)
		? Array.isArray(body.data)
			? body.data
			: isRecord(body.data)
				? (body.data.videos ?? body.data.statuses)
				: undefined
		: body;
	if (!Array.isArray(list)) throw new UnreadableStatusError(describeBody(body));
	for (const entry of list) {
		if (!isRecord(entry)) continue;
		const id = text(entry.video_id) ?? text(entry.id);
		if (id !== null) out.set(id, entry);
	}
	return out;
}
