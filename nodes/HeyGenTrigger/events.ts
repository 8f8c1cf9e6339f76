/**
 * HeyGen's webhook events and what one delivery says, flattened into the item the trigger emits.
 * Envelope (reference §5.1): `{event_type, event_data: {video_id, url | msg, callback_id, …}}`; the failure text
 * is `msg` for video events and `message` for translation events. Pure: no I/O.
 */
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { isRecord } from '../shared/json';
import { text } from '../shared/videoRecord';

export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Avatar Video Failed', value: 'avatar_video.fail', description: 'A video render failed' },
	{
		name: 'Avatar Video Finished',
		value: 'avatar_video.success',
		description: 'A video render finished',
	},
	{
		name: 'Captioned Video Failed',
		value: 'avatar_video_caption.fail',
		description: 'The captioned version of a video failed (v3 webhooks only)',
	},
	{
		name: 'Captioned Video Finished',
		value: 'avatar_video_caption.success',
		description: 'The captioned version of a video is ready (v3 webhooks only)',
	},
	{
		name: 'GIF Preview Failed',
		value: 'avatar_video_gif.fail',
		description: 'The GIF preview of a video failed',
	},
	{
		name: 'GIF Preview Finished',
		value: 'avatar_video_gif.success',
		description: 'The GIF preview of a video is ready',
	},
	{
		name: 'Personalized Video',
		value: 'personalized_video',
		description: 'A personalized video event',
	},
	{
		name: 'Video Agent Failed',
		value: 'video_agent.fail',
		description: 'A Video Agent render failed (v3 webhooks only)',
	},
	{
		name: 'Video Agent Finished',
		value: 'video_agent.success',
		description: 'A Video Agent render finished (v3 webhooks only)',
	},
	{
		name: 'Video Translation Failed',
		value: 'video_translate.fail',
		description: 'A video translation failed',
	},
	{
		name: 'Video Translation Finished',
		value: 'video_translate.success',
		description: 'A video translation finished',
	},
];

export const EVENT_TYPES = EVENT_OPTIONS.map((o) => String(o.value));

/** Events whose subject is a video the status API knows (so Fetch Video Details can confirm them). */
export function isVideoEvent(eventType: string): boolean {
	return (
		/^avatar_video(_gif|_caption)?\.(success|fail)$/.test(eventType) ||
		/^video_agent\.(success|fail)$/.test(eventType)
	);
}

/** The selected events, known ones only, without duplicates, in a stable order (for comparisons). */
export function normalizeEvents(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
	const wanted = new Set(
		list.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()),
	);
	return [...wanted].sort();
}

export interface HeyGenDelivery {
	event_type: string;
	event_id: string | null;
	video_id: string | null;
	/** `completed` for `.success`, `failed` for `.fail`, else null. */
	status: string | null;
	callback_id: string | null;
	video_url: string | null;
	gif_url: string | null;
	thumbnail_url: string | null;
	video_page_url: string | null;
	code: string | null;
	message: string | null;
	event_data: IDataObject;
}

/** Reads a delivery body; undefined when it is not a HeyGen event at all. */
export function readDelivery(
	body: unknown,
	eventId: string | undefined,
): HeyGenDelivery | undefined {
	if (!isRecord(body)) return undefined;
	const eventType = text(body.event_type) ?? text(body.event);
	if (eventType === null) return undefined;
	const data: IDataObject = isRecord(body.event_data)
		? body.event_data
		: isRecord(body.data)
			? body.data
			: {};
	const failed = eventType.endsWith('.fail');
	const succeeded = eventType.endsWith('.success');
	return {
		event_type: eventType,
		event_id: text(eventId) ?? text(body.event_id),
		video_id: text(data.video_id) ?? text(data.video_translate_id) ?? text(data.id),
		status: succeeded ? 'completed' : failed ? 'failed' : null,
		callback_id: text(data.callback_id),
		video_url: text(data.url) ?? text(data.video_url),
		gif_url: text(data.gif_download_url) ?? text(data.gif_url),
		thumbnail_url: text(data.thumbnail_url),
		video_page_url: text(data.video_page_url) ?? text(data.video_share_page_url),
		code: failed ? (text(data.code) ?? text(data.error_code)) : null,
		message: failed ? (text(data.msg) ?? text(data.message) ?? 'HeyGen reported a failure') : null,
		event_data: data,
	};
}

/** The key HeyGen's retries of one event share: its event id, else event type + subject id. */
export function deliveryKey(delivery: HeyGenDelivery): string | undefined {
	if (delivery.event_id) return `id:${delivery.event_id}`;
	if (delivery.video_id) return `ev:${delivery.event_type}:${delivery.video_id}`;
	return undefined;
}

/** Whether the delivery's callback ID starts with one of the comma-separated prefixes ('' = everything). */
export function matchesCallbackPrefix(callbackId: string | null, prefixes: string): boolean {
	const wanted = prefixes
		.split(',')
		.map((p) => p.trim())
		.filter((p) => p !== '');
	if (wanted.length === 0) return true;
	return callbackId !== null && wanted.some((p) => callbackId.startsWith(p));
}
