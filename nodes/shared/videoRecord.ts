/**
 * HeyGen reports a video in three shapes: v1 `/v1/video_status.get` data, the v3 video object
 * (`/v3/videos/{id}`) and the v3 bulk status entry (`/v3/videos/statuses`). This module turns any of them
 * into one flat record, the shape the Wait For Video node emits. Pure: no I/O, no clock except `nowMs`
 * parameters.
 */
import type { ApiFamily } from './constants';
import { boundedRaw, isRecord } from './json';

export type { ApiFamily };

/** Where an item leaves the node. */
export type VideoOutcome = 'completed' | 'failed' | 'rendering' | 'not_found';

export interface VideoError {
	code: string | null;
	message: string | null;
	detail: string | null;
}

export interface NormalizedVideo {
	video_id: string;
	/** HeyGen's status, lower-cased; an unknown value is kept as HeyGen sent it. */
	status: string;
	video_url: string | null;
	captioned_video_url: string | null;
	/** Legacy API: .ass caption file. */
	caption_url: string | null;
	/** v3 API: .srt subtitle file. */
	subtitle_url: string | null;
	thumbnail_url: string | null;
	gif_url: string | null;
	video_page_url: string | null;
	title: string | null;
	duration: number | null;
	created_at: string | null;
	completed_at: string | null;
	callback_id: string | null;
	/** Earliest expiry of the signed media URLs above (ISO), when HeyGen put one in them. */
	urls_expire_at: string | null;
	api_version: ApiFamily;
	error: VideoError | null;
	/** HeyGen's answer(s) as received, for anything this record does not surface. */
	heygen: Record<string, unknown>;
}

/** Where a status sends the item. Unknown statuses are treated as still rendering, never as an error. */
export function outcomeOf(status: string): VideoOutcome {
	switch (status) {
		case 'completed':
		case 'success':
			return 'completed';
		case 'failed':
		case 'fail':
		case 'error':
			return 'failed';
		case 'not_found':
			return 'not_found';
		default:
			return 'rendering';
	}
}

/** A string value, or null for absent, non-string and empty/blank strings (HeyGen sends `""` for "none"). */
export function text(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() === '' ? null : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function numberOrNull(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
		return Number(value);
	return null;
}

/**
 * HeyGen timestamps arrive as unix seconds (v1, sandbox v3), unix milliseconds or ISO strings.
 * Returns an ISO string, or null when absent or unreadable.
 */
export function toIsoTime(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	let ms: number | undefined;
	const numeric = numberOrNull(value);
	if (numeric !== null) {
		// Anything below 10^11 is seconds (10^11 s is the year 5138).
		ms = numeric < 1e11 ? numeric * 1000 : numeric;
	} else if (typeof value === 'string') {
		const parsed = Date.parse(value);
		if (!Number.isNaN(parsed)) ms = parsed;
	}
	if (ms === undefined || !Number.isFinite(ms)) return null;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function normalizeStatus(value: unknown): string {
	const raw = text(value);
	if (raw === null) return 'unknown';
	return raw.trim().toLowerCase();
}

/**
 * When a signed URL stops working, from its query: CloudFront-style `Expires=<unix s>`, or S3 SigV4
 * `X-Amz-Date` + `X-Amz-Expires`. Returns epoch milliseconds, or undefined.
 */
export function urlExpiryMs(url: string | null | undefined): number | undefined {
	if (!url) return undefined;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return undefined;
	}
	const params = parsed.searchParams;
	const expires = params.get('Expires') ?? params.get('expires');
	if (expires !== null && /^\d+$/.test(expires)) {
		const value = Number(expires);
		return value < 1e11 ? value * 1000 : value;
	}
	const amzDate = params.get('X-Amz-Date');
	const amzExpires = params.get('X-Amz-Expires');
	if (amzDate && amzExpires && /^\d+$/.test(amzExpires)) {
		const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
		if (match) {
			const [, y, mo, d, h, mi, s] = match;
			return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + Number(amzExpires) * 1000;
		}
	}
	return undefined;
}

/** The earliest expiry among the given URLs, as ISO, or null. */
export function earliestExpiry(urls: Array<string | null>): string | null {
	let earliest: number | undefined;
	for (const url of urls) {
		const ms = urlExpiryMs(url);
		if (ms !== undefined && (earliest === undefined || ms < earliest)) earliest = ms;
	}
	return earliest === undefined ? null : new Date(earliest).toISOString();
}

export function withExpiry(record: Omit<NormalizedVideo, 'urls_expire_at'>): NormalizedVideo {
	return {
		...record,
		urls_expire_at: earliestExpiry([
			record.video_url,
			record.captioned_video_url,
			record.caption_url,
			record.subtitle_url,
			record.thumbnail_url,
			record.gif_url,
		]),
	};
}

export function readError(value: unknown, fallbackMessage?: unknown): VideoError | null {
	if (isRecord(value)) {
		const error = {
			code: text(value.code),
			message: text(value.message) ?? text(value.msg),
			detail: text(value.detail),
		};
		if (error.code !== null || error.message !== null || error.detail !== null) return error;
	}
	if (typeof value === 'string' && value.trim() !== '')
		return { code: null, message: value, detail: null };
	const message = text(fallbackMessage);
	return message === null ? null : { code: null, message, detail: null };
}

/**
 * A status answer that says nothing about the video: `{}`, an HTML page behind HTTP 200 (a proxy login, a wrong
 * Base URL), an entry without a status. It is not "still rendering": waiting on it would never end.
 */
export class UnreadableStatusError extends Error {
	constructor(readonly found: string) {
		super(`the answer has no video status (${found})`);
	}
}

/** What an answer without a video status held, in a few words, for the error message. */
export function describeBody(body: unknown): string {
	if (typeof body === 'string') {
		const start = body.trim().slice(0, 60).replace(/\s+/g, ' ');
		return start === '' ? 'an empty body' : `text: "${start}"`;
	}
	if (isRecord(body)) {
		const keys = Object.keys(body).slice(0, 5);
		return keys.length === 0 ? 'an empty JSON object' : `a JSON object with ${keys.join(', ')}`;
	}
	return body === null || body === undefined
		? 'an empty body'
		: `a JSON ${Array.isArray(body) ? 'array' : typeof body}`;
}

/** Unwraps `{code:100, data:{…}}` / `{data:{…}}` envelopes; accepts the bare data object too. Needs a status. */
function statusPayloadOf(body: unknown): Record<string, unknown> {
	const data =
		isRecord(body) && isRecord(body.data) ? body.data : isRecord(body) ? body : undefined;
	if (!data || text(data.status) === null) throw new UnreadableStatusError(describeBody(body));
	return data;
}

/** What a failed video carries when HeyGen's answer says nothing more. */
export const RENDER_FAILED: VideoError = {
	code: null,
	message: 'Video rendering failed',
	detail: null,
};

/** The record from a detail answer (v1 status or v3 video object): the fields both name alike, plus `own`. */
function detailRecord(
	data: Record<string, unknown>,
	requestedId: string,
	family: ApiFamily,
	own: Pick<NormalizedVideo, 'captioned_video_url' | 'subtitle_url' | 'title' | 'error'>,
): NormalizedVideo {
	return withExpiry({
		video_id: text(data.id) ?? text(data.video_id) ?? requestedId,
		status: normalizeStatus(data.status),
		video_url: text(data.video_url),
		captioned_video_url: own.captioned_video_url,
		caption_url: text(data.caption_url),
		subtitle_url: own.subtitle_url,
		thumbnail_url: text(data.thumbnail_url),
		gif_url: text(data.gif_url),
		video_page_url: text(data.video_page_url),
		title: own.title,
		duration: numberOrNull(data.duration),
		created_at: toIsoTime(data.created_at),
		completed_at: toIsoTime(data.completed_at),
		callback_id: text(data.callback_id),
		api_version: family,
		error: own.error,
		heygen: boundedRaw(data),
	});
}

function failed(data: Record<string, unknown>): boolean {
	return outcomeOf(normalizeStatus(data.status)) === 'failed';
}

/** v1 `GET /v1/video_status.get` (legacy family). */
export function fromV1(body: unknown, requestedId: string): NormalizedVideo {
	const data = statusPayloadOf(body);
	return detailRecord(data, requestedId, 'legacy', {
		captioned_video_url: text(data.video_url_caption),
		subtitle_url: null,
		title: text(data.title) ?? text(data.video_title),
		error: failed(data) ? (readError(data.error) ?? { ...RENDER_FAILED }) : null,
	});
}

function v3Failure(data: Record<string, unknown>): VideoError {
	const message = text(data.failure_message);
	return (
		readError(data.error) ?? {
			code: text(data.failure_code),
			message: message ?? RENDER_FAILED.message,
			detail: text(data.failure_detail) ?? message,
		}
	);
}

/** v3 video object `GET /v3/videos/{id}`. */
export function fromV3Detail(body: unknown, requestedId: string): NormalizedVideo {
	const data = statusPayloadOf(body);
	return detailRecord(data, requestedId, 'v3', {
		captioned_video_url: text(data.captioned_video_url) ?? text(data.video_url_caption),
		subtitle_url: text(data.subtitle_url),
		title: text(data.title),
		error: failed(data) ? v3Failure(data) : null,
	});
}
