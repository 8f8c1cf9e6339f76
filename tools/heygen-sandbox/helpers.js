'use strict';
/** Test helpers for the sandbox's own tests (and handy for other suites). */

const http = require('node:http');

/** Call the sandbox API. Returns {status, headers, text, json}. key: false to omit X-Api-Key. */
async function api(sb, method, path, { body, headers = {}, key = sb.apiKey, raw } = {}) {
	const h = { ...headers };
	if (key !== false && key !== undefined) h['X-Api-Key'] = key;
	let payload;
	if (raw !== undefined) payload = raw;
	else if (body !== undefined) {
		payload = JSON.stringify(body);
		h['Content-Type'] = 'application/json';
	}
	const res = await fetch(sb.url + path, { method, headers: h, body: payload });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** Raw HTTP request with node:http, resolving {error} when the socket is destroyed. */
function rawRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 10000 } = {}) {
	return new Promise((resolve) => {
		const req = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
			);
			res.on('error', (e) => resolve({ error: e.code || e.message, status: res.statusCode }));
		});
		req.on('timeout', () =>
			req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
		);
		req.on('error', (e) => resolve({ error: e.code || e.message }));
		req.end(body);
	});
}

function textVar(name, content) {
	return { name, type: 'text', properties: { content } };
}

function birthdayBody(extra = {}) {
	return {
		variables: { name: textVar('name', 'Ada'), message: textVar('message', 'Many happy returns!') },
		...extra,
	};
}

async function generateV3(sb, templateId = 'tpl_birthday', body = birthdayBody(), headers = {}) {
	const r = await api(sb, 'POST', `/v3/templates/${templateId}`, { body, headers });
	if (r.status !== 200) throw new Error(`generate failed ${r.status} ${r.text}`);
	return r.json.data.id;
}

async function generateLegacy(sb, templateId = 'tpl_birthday', body = birthdayBody()) {
	const r = await api(sb, 'POST', `/v2/template/${templateId}/generate`, { body });
	if (r.status !== 200) throw new Error(`generate failed ${r.status} ${r.text}`);
	return r.json.data.video_id;
}

/**
 * A local receiver for callbacks: answers with the statuses in `script` (one per request, last one repeats).
 * Records {headers, body (raw string)}.
 */
async function startReceiver(script = [200]) {
	const received = [];
	let i = 0;
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const status = script[Math.min(i, script.length - 1)];
			i++;
			received.push({
				method: req.method,
				url: req.url,
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				status,
			});
			if (status === 'drop') {
				req.socket.destroy();
				return;
			}
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		received,
		close: () =>
			new Promise((r) => {
				server.closeAllConnections?.();
				server.close(() => r());
			}),
	};
}

module.exports = {
	api,
	rawRequest,
	textVar,
	birthdayBody,
	generateV3,
	generateLegacy,
	startReceiver,
};
