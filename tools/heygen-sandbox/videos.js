'use strict';
/**
 * How a video record is shown by each API: v1 status data, v3 video object, v3 bulk status entry, webhook
 * payloads, and which CDN files exist for it. URLs are signed afresh on every call (reference §4.3).
 */

const FILES = {
	video: 'video.mp4',
	captioned: 'video_caption.mp4',
	ass: 'caption.ass',
	srt: 'subtitle.srt',
	thumbnail: 'thumbnail.jpg',
	gif: 'preview.gif',
};

function sec(ms) {
	return ms ? Math.floor(ms / 1000) : null;
}

function cdnPath(id, file) {
	return `/videos/${id}/${file}`;
}

/** Which CDN files exist for a record: file name → {type, variant?}. */
function availableFiles(r) {
	if (!r || r.status !== 'completed') return {};
	const out = {
		[FILES.video]: { type: 'video/mp4', variant: 'video' },
		[FILES.thumbnail]: { type: 'image/jpeg' },
	};
	if (r.caption) {
		out[FILES.captioned] = { type: 'video/mp4', variant: 'caption' };
		out[FILES.ass] = { type: 'text/x-ssa; charset=utf-8' };
		out[FILES.srt] = { type: 'application/x-subrip; charset=utf-8' };
	}
	if (r.includeGif) out[FILES.gif] = { type: 'image/gif' };
	return out;
}

function pageUrl(r) {
	return `https://app.heygen.com/videos/${r.id}`;
}

function failureText(r) {
	return r.error ? r.error.detail || r.error.message : null;
}

/** v1 /v1/video_status.get data. SIM CHOICE: "waiting" = pending phase over, no render slot free. */
function videoV1(core, r) {
	const done = r.status === 'completed';
	const sign = (f) => core.sign(cdnPath(r.id, f));
	let status = r.status;
	if (status === 'pending' && r.waiting) status = 'waiting';
	return {
		id: r.id,
		status,
		video_url: done ? sign(FILES.video) : null,
		video_url_caption: done && r.caption ? sign(FILES.captioned) : null,
		// Documented oddity: caption_url can be "" — here always "" for a completed video rendered without captions.
		caption_url: done ? (r.caption ? sign(FILES.ass) : '') : null,
		thumbnail_url: done ? sign(FILES.thumbnail) : null,
		gif_url: done && r.includeGif ? sign(FILES.gif) : null,
		duration: done ? r.duration : null,
		created_at: sec(r.createdAt),
		callback_id: r.callbackId ?? null,
		error:
			r.status === 'failed' && r.error
				? { code: r.error.code, message: r.error.message, detail: r.error.detail }
				: null,
	};
}

/** v3 video object (GET /v3/videos/{id}, POST /v3/templates/{id}). */
function videoV3(core, r) {
	const done = r.status === 'completed';
	const failed = r.status === 'failed';
	const sign = (f) => core.sign(cdnPath(r.id, f));
	return {
		id: r.id,
		title: r.title,
		status: r.status,
		created_at: sec(r.createdAt),
		completed_at: done || failed ? sec(r.completedAt) : null,
		video_url: done ? sign(FILES.video) : null,
		captioned_video_url: done && r.caption ? sign(FILES.captioned) : null,
		subtitle_url: done && r.caption ? sign(FILES.srt) : null,
		thumbnail_url: done ? sign(FILES.thumbnail) : null,
		gif_url: done && r.includeGif ? sign(FILES.gif) : null,
		duration: done ? r.duration : null,
		folder_id: r.folderId ?? null,
		failure_code: failed && r.error ? String(r.error.code) : null,
		failure_message: failed ? failureText(r) : null,
		video_page_url: pageUrl(r),
		callback_id: r.callbackId ?? null,
	};
}

/** v3 bulk status entry. SIM CHOICE: pending (either phase) → "queued"; legacy-route videos → not_found. */
function bulkStatusV3(r, id) {
	if (!r || r.apiFamily !== 'v3') return { video_id: id, status: 'not_found', error: null };
	const status = r.status === 'pending' ? 'queued' : r.status;
	return {
		video_id: r.id,
		status,
		error:
			r.status === 'failed' && r.error
				? { code: String(r.error.code), message: failureText(r) }
				: null,
	};
}

function successPayload(core, r) {
	const data = {
		video_id: r.id,
		url: core.sign(cdnPath(r.id, FILES.video)),
		callback_id: r.callbackId ?? null,
	};
	if (r.includeGif) data.gif_download_url = core.sign(cdnPath(r.id, FILES.gif));
	data.video_page_url = pageUrl(r);
	return { event_type: 'avatar_video.success', event_data: data };
}

function failPayload(r) {
	return {
		event_type: 'avatar_video.fail',
		event_data: {
			video_id: r.id,
			msg: failureText(r) || 'Video rendering failed',
			callback_id: r.callbackId ?? null,
		},
	};
}

/** JSON-safe copy of a record for the control API. */
function publicRecord(r) {
	return JSON.parse(JSON.stringify(r));
}

module.exports = {
	FILES,
	cdnPath,
	availableFiles,
	videoV1,
	videoV3,
	bulkStatusV3,
	successPayload,
	failPayload,
	publicRecord,
};
