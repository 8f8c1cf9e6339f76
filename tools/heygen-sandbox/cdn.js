'use strict';
/**
 * The media host (a second server, like files2.heygen.ai): serves signed URLs of completed videos.
 *   GET|HEAD /videos/{id}/{video.mp4|video_caption.mp4|caption.ass|subtitle.srt|thumbnail.jpg|preview.gif}
 * Bad, missing or expired signature → 403 (S3-style XML); unknown video / file not rendered → 404.
 * MP4s are streamed with Content-Length (constant memory) and honour single `Range: bytes=` requests (206/416).
 * No API key is needed (or checked); every request is logged with server:'cdn'.
 */

const { verifySignedPath } = require('./signing');
const { availableFiles } = require('./videos');
const media = require('./media');

function xmlError(code, message) {
	return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
}

function sendXml(res, status, code, message, extraHeaders = {}) {
	const body = Buffer.from(xmlError(code, message));
	res.writeHead(status, {
		'content-type': 'application/xml',
		'content-length': String(body.length),
		...extraHeaders,
	});
	res.end(body);
	return status;
}

/** Parse a single "bytes=a-b" range. Returns {start,end} | null (no/ignored range) | 'unsatisfiable'. */
function parseRange(header, size) {
	if (!header) return null;
	const m = /^bytes=(\d*)-(\d*)$/.exec(String(header).trim());
	if (!m || (m[1] === '' && m[2] === '')) return null;
	let start;
	let end;
	if (m[1] === '') {
		const n = Number(m[2]);
		if (n === 0) return 'unsatisfiable';
		start = Math.max(0, size - n);
		end = size - 1;
	} else {
		start = Number(m[1]);
		end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
	}
	if (start >= size || start > end) return 'unsatisfiable';
	return { start, end };
}

/**
 * Serve one CDN request. `fault` is a consumed CDN fault (or null). Returns the status code written
 * (or null when the socket was dropped).
 */
function serveCdn(core, req, res, { path, query, fault }) {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		return sendXml(
			res,
			405,
			'MethodNotAllowed',
			'The specified method is not allowed against this resource.',
		);
	}
	const m = /^\/videos\/([^/]+)\/([^/]+)$/.exec(path);
	const verdict = verifySignedPath(path, query, { secret: core.urlSecret });
	if (verdict === 'missing')
		return sendXml(res, 403, 'AccessDenied', 'Missing Key-Pair-Id query parameter or signature');
	if (verdict === 'bad') return sendXml(res, 403, 'AccessDenied', 'Invalid signature');
	if (verdict === 'expired') return sendXml(res, 403, 'AccessDenied', 'Request has expired');
	if (!m) return sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.');
	const [, id, file] = m;
	const record = core.videos.get(id);
	const files = availableFiles(record);
	const info = files[file];
	if (!info) return sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.');

	const baseHeaders = {
		'content-type': info.type,
		'accept-ranges': 'bytes',
		'cache-control': 'private, max-age=0',
		etag: `"${id}-${file}-${record.sizeBytes}"`,
	};
	if (info.variant) {
		const size = record.sizeBytes;
		const range = parseRange(req.headers.range, size);
		if (range === 'unsatisfiable') {
			return sendXml(res, 416, 'InvalidRange', 'The requested range is not satisfiable', {
				'content-range': `bytes */${size}`,
			});
		}
		const start = range ? range.start : 0;
		const end = range ? range.end : size - 1;
		const length = size === 0 ? 0 : end - start + 1;
		const headers = { ...baseHeaders, 'content-length': String(length) };
		if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
		const status = range ? 206 : 200;
		res.writeHead(status, headers);
		if (req.method === 'HEAD' || length === 0) {
			res.end();
			return status;
		}
		const stream = media.createVideoStream(id, size, { start, end, variant: info.variant });
		if (fault && fault.type === 'truncate') {
			// Send `afterBytes` bytes (default: half), then cut the connection: a broken download.
			let left = fault.afterBytes ?? Math.floor(length / 2);
			stream.on('data', (chunk) => {
				if (left <= 0) return;
				const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
				left -= part.length;
				res.write(part);
				if (left <= 0) {
					stream.destroy();
					res.destroy();
				}
			});
			stream.on('end', () => res.end());
			return status;
		}
		stream.on('error', () => res.destroy());
		res.on('close', () => stream.destroy());
		stream.pipe(res);
		return status;
	}
	let body;
	if (file.endsWith('.jpg')) body = media.thumbnailBytes(id);
	else if (file.endsWith('.gif')) body = media.GIF_BYTES;
	else if (file.endsWith('.srt')) body = Buffer.from(media.srtText(record));
	else body = Buffer.from(media.assText(record));
	res.writeHead(200, { ...baseHeaders, 'content-length': String(body.length) });
	res.end(req.method === 'HEAD' ? undefined : body);
	return 200;
}

module.exports = { serveCdn, parseRange };
