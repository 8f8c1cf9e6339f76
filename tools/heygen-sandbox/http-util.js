'use strict';
/** Small HTTP helpers shared by the API, CDN and control handlers. */

const MAX_BODY = 10 * 1024 * 1024;

/** Read a request body. Resolves { raw: Buffer, tooLarge: boolean }. */
function readBody(req, limit = MAX_BODY) {
	return new Promise((resolve) => {
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c) => {
			size += c.length;
			if (size > limit) {
				tooLarge = true;
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve({ raw: Buffer.concat(chunks), tooLarge }));
		req.on('error', () => resolve({ raw: Buffer.concat(chunks), tooLarge, aborted: true }));
		req.on('close', () =>
			resolve({ raw: Buffer.concat(chunks), tooLarge, aborted: !req.complete }),
		);
	});
}

/** Parse a raw body: JSON object/array when it parses, else the raw string, null when empty. */
function parseBody(raw) {
	if (!raw || raw.length === 0) return { value: null, json: false, invalid: false };
	const text = raw.toString('utf8');
	try {
		return { value: JSON.parse(text), json: true, invalid: false };
	} catch {
		return { value: text, json: false, invalid: true };
	}
}

function queryObject(searchParams) {
	const q = {};
	for (const [k, v] of searchParams) q[k] = v;
	return q;
}

/** Write a response descriptor {status, body, headers}. Objects are JSON-encoded. */
function writeResponse(res, { status = 200, body = null, headers = {} }) {
	if (res.headersSent || res.destroyed || res.writableEnded) return;
	let payload;
	const h = { ...headers };
	if (Buffer.isBuffer(body)) payload = body;
	else if (typeof body === 'string') {
		payload = Buffer.from(body);
		if (!h['content-type']) h['content-type'] = 'text/plain; charset=utf-8';
	} else if (body === null || body === undefined) payload = Buffer.alloc(0);
	else {
		payload = Buffer.from(JSON.stringify(body));
		if (!h['content-type']) h['content-type'] = 'application/json; charset=utf-8';
	}
	h['content-length'] = String(payload.length);
	res.writeHead(status, h);
	res.end(payload);
}

function sleep(ms, timers) {
	return new Promise((resolve) => {
		const t = setTimeout(() => {
			timers.delete(t);
			resolve(true);
		}, ms);
		t.unref();
		t._sandboxResolve = resolve;
		timers.add(t);
	});
}

module.exports = { readBody, parseBody, queryObject, writeResponse, sleep, MAX_BODY };
