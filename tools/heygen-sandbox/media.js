'use strict';
/**
 * Deterministic media of the sandbox's CDN: MP4 bytes (streamed, constant memory), thumbnail JPEG, GIF,
 * caption files, and the video duration.
 *
 * MP4 layout (SIM CHOICE): a 32-byte `ftyp` box (isom), then an `mdat` box header in its 64-bit form
 * (size=1 + largesize, 16 bytes), then payload bytes = AES-128-CTR keystream keyed by sha256(variant:videoId).
 * Any byte range can be produced without generating what precedes it, so Range requests and 500 MB files
 * cost constant memory. The first `size` bytes of this infinite sequence are the file: expectedVideoBytes().
 */

const crypto = require('node:crypto');
const { Readable } = require('node:stream');

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

function headerBytes(size) {
	const ftyp = Buffer.alloc(32);
	ftyp.writeUInt32BE(32, 0);
	ftyp.write('ftyp', 4, 'latin1');
	ftyp.write('isom', 8, 'latin1');
	ftyp.writeUInt32BE(0x200, 12);
	ftyp.write('isomiso2avc1mp41', 16, 'latin1');
	const mdat = Buffer.alloc(16);
	mdat.writeUInt32BE(1, 0);
	mdat.write('mdat', 4, 'latin1');
	mdat.writeBigUInt64BE(BigInt(Math.max(0, size - 32)), 8);
	return Buffer.concat([ftyp, mdat]);
}
const HEADER_LEN = 48;

function keyFor(videoId, variant) {
	return crypto
		.createHash('sha256')
		.update(`sandbox-media:${variant}:${videoId}`)
		.digest()
		.subarray(0, 16);
}

/** A cipher positioned at payload offset `off` (bytes after the 48-byte header). */
function keystreamAt(videoId, variant, off) {
	const block = Math.floor(off / 16);
	const iv = Buffer.alloc(16);
	iv.writeBigUInt64BE(BigInt(block), 8);
	const cipher = crypto.createCipheriv('aes-128-ctr', keyFor(videoId, variant), iv);
	const skip = off % 16;
	if (skip) cipher.update(ZEROS.subarray(0, skip));
	return cipher;
}

/**
 * Readable stream of bytes [start, end] (inclusive) of the file of `size` bytes for this video id.
 * variant: 'video' (video.mp4) or 'caption' (captioned mp4).
 */
function createVideoStream(videoId, size, { start = 0, end = size - 1, variant = 'video' } = {}) {
	let pos = start;
	const last = Math.min(end, size - 1);
	const header = headerBytes(size);
	let cipher = null;
	return new Readable({
		highWaterMark: CHUNK,
		read() {
			if (pos > last) {
				this.push(null);
				return;
			}
			if (pos < HEADER_LEN) {
				const stop = Math.min(HEADER_LEN, last + 1);
				const part = header.subarray(pos, stop);
				pos = stop;
				this.push(Buffer.from(part));
				return;
			}
			if (!cipher) cipher = keystreamAt(videoId, variant, pos - HEADER_LEN);
			const n = Math.min(CHUNK, last + 1 - pos);
			const out = cipher.update(n === CHUNK ? ZEROS : ZEROS.subarray(0, n));
			pos += n;
			this.push(out);
		},
	});
}

/** The whole file as a Buffer (for tests with small sizes). */
function expectedVideoBytes(videoId, size, variant = 'video') {
	const header = headerBytes(size);
	if (size <= HEADER_LEN) return Buffer.from(header.subarray(0, size));
	const payload = keystreamAt(videoId, variant, 0).update(Buffer.alloc(size - HEADER_LEN));
	return Buffer.concat([header, payload]);
}

/** sha256 hex of the file, computed in constant memory. */
function videoSha256(videoId, size, variant = 'video') {
	const hash = crypto.createHash('sha256');
	const header = headerBytes(size);
	hash.update(header.subarray(0, Math.min(size, HEADER_LEN)));
	if (size > HEADER_LEN) {
		const cipher = keystreamAt(videoId, variant, 0);
		let left = size - HEADER_LEN;
		while (left > 0) {
			const n = Math.min(CHUNK, left);
			hash.update(cipher.update(n === CHUNK ? ZEROS : ZEROS.subarray(0, n)));
			left -= n;
		}
	}
	return hash.digest('hex');
}

/** Deterministic duration in seconds (float, 3 decimals) between 8 and 68 s. */
function videoDuration(videoId) {
	const h = crypto.createHash('sha256').update(`sandbox-duration:${videoId}`).digest();
	return Math.round((8 + (h.readUInt32BE(0) % 60000) / 1000) * 1000) / 1000;
}

/** A small JPEG-looking thumbnail (SOI, JFIF APP0, a comment with the id, deterministic filler, EOI). */
function thumbnailBytes(videoId) {
	const soi = Buffer.from([0xff, 0xd8]);
	const app0 = Buffer.from([
		0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00,
	]);
	const text = Buffer.from(`sandbox thumbnail ${videoId}`, 'latin1');
	const com = Buffer.alloc(4);
	com.writeUInt16BE(0xfffe, 0);
	com.writeUInt16BE(text.length + 2, 2);
	const filler = crypto.createHash('sha512').update(`thumb:${videoId}`).digest();
	return Buffer.concat([
		soi,
		app0,
		com,
		text,
		filler.map((b) => (b === 0xff ? 0xfe : b)),
		Buffer.from([0xff, 0xd9]),
	]);
}

/** A valid 1x1 GIF89a. */
const GIF_BYTES = Buffer.from(
	'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
	'base64',
);

function srtTime(sec) {
	const ms = Math.round(sec * 1000);
	const h = Math.floor(ms / 3600000);
	const m = Math.floor((ms % 3600000) / 60000);
	const s = Math.floor((ms % 60000) / 1000);
	const r = ms % 1000;
	const p = (n, w = 2) => String(n).padStart(w, '0');
	return `${p(h)}:${p(m)}:${p(s)},${p(r, 3)}`;
}
function assTime(sec) {
	const cs = Math.round(sec * 100);
	const h = Math.floor(cs / 360000);
	const m = Math.floor((cs % 360000) / 6000);
	const s = Math.floor((cs % 6000) / 100);
	const r = cs % 100;
	const p = (n) => String(n).padStart(2, '0');
	return `${h}:${p(m)}:${p(s)}.${p(r)}`;
}

function captionLines(video) {
	const lines = [];
	for (const v of Object.values(video.variables || {})) {
		if (
			v &&
			v.type === 'text' &&
			v.properties &&
			typeof v.properties.content === 'string' &&
			v.properties.content
		) {
			lines.push(v.properties.content.replace(/\s+/g, ' ').slice(0, 200));
		}
	}
	if (!lines.length) lines.push(video.title || 'Sandbox video');
	return lines;
}

/** SRT subtitle file (v3 subtitle_url). */
function srtText(video) {
	const lines = captionLines(video);
	const dur = video.duration || 10;
	const step = dur / lines.length;
	return lines
		.map((l, i) => `${i + 1}\n${srtTime(i * step)} --> ${srtTime((i + 1) * step)}\n${l}\n`)
		.join('\n');
}

/** ASS caption file (v1 caption_url). */
function assText(video) {
	const lines = captionLines(video);
	const dur = video.duration || 10;
	const step = dur / lines.length;
	const d = video.dimension || { width: 1920, height: 1080 };
	return [
		'[Script Info]',
		'ScriptType: v4.00+',
		`PlayResX: ${d.width}`,
		`PlayResY: ${d.height}`,
		'',
		'[V4+ Styles]',
		'Format: Name, Fontname, Fontsize, PrimaryColour, Alignment',
		'Style: Default,Arial,48,&H00FFFFFF,2',
		'',
		'[Events]',
		'Format: Layer, Start, End, Style, Text',
		...lines.map(
			(l, i) => `Dialogue: 0,${assTime(i * step)},${assTime((i + 1) * step)},Default,${l}`,
		),
		'',
	].join('\n');
}

module.exports = {
	createVideoStream,
	expectedVideoBytes,
	videoSha256,
	videoDuration,
	thumbnailBytes,
	GIF_BYTES,
	srtText,
	assText,
	MP4_HEADER_LEN: HEADER_LEN,
};
