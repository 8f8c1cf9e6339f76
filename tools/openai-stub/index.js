'use strict';
/**
 * Deterministic OpenAI-compatible stub (no dependencies, Node >= 20).
 *
 *   const { startOpenAiStub } = require('./tools/openai-stub');
 *   const stub = await startOpenAiStub({ port: 0, apiKey: 'sk-test' });
 *   stub.url        // 'http://127.0.0.1:<port>/v1'  → OpenAI SDK `baseURL`, n8n credential `openAiApi.url`
 *   stub.requests   // [{ method, path, headers, body, status, at }]
 *   await stub.close();
 *
 * Endpoints (Bearer auth on all; wrong/missing key → 401 in OpenAI's error shape):
 *   GET  /v1/models, GET /v1/models/:id
 *   POST /v1/chat/completions   (messages; response_format json_object / json_schema; stream)
 *   POST /v1/responses          (input string|items, instructions; text.format json_object / json_schema; stream)
 *   Control (no auth, not recorded): GET /__stub/requests → { requests }, POST /__stub/reset
 *
 * n8n 2.41.1: the OpenAI node `@n8n/n8n-nodes-langchain.openAi` v2.3, resource "text", operation "response"
 * ("Message a Model") calls POST {credential url}/responses; with Options › Output Format = JSON Object it
 * sends text.format {type:'json_object'} plus a system message "You are a helpful assistant designed to output
 * JSON.", and n8n JSON.parses output[].content[].text. The editor's model list calls GET /models.
 * The "OpenAI Chat Model" sub-node (LangChain) uses /chat/completions (or /responses).
 *
 * One job a file: content.js (what an answer says), http.js (OpenAI's envelope, errors and event streams),
 * chat.js (/v1/chat/completions), responses.js (/v1/responses); this file routes and authenticates.
 */
const http = require('node:http');

const { chatCompletions } = require('./chat');
const { generate, makeScript, parseContact, parseRequestedKeys } = require('./content');
const { oaError, send } = require('./http');
const { responses } = require('./responses');

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5'];
const CREATED = 1735689600; // 2025-01-01T00:00:00Z, fixed for model objects

/** Sends OpenAI's 401 and returns true when the request lacks the Bearer key or carries another one. */
function refusedKey(req, res, apiKey) {
	const auth = req.headers.authorization || '';
	const m = auth.match(/^Bearer\s+(.+)$/i);
	if (!m) {
		oaError(
			res,
			401,
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
		);
		return true;
	}
	const k = m[1].trim();
	if (k === apiKey) return false;
	const shown = k.length > 8 ? `${k.slice(0, 3)}*****${k.slice(-4)}` : k;
	oaError(
		res,
		401,
		`Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
		{ code: 'invalid_api_key' },
	);
	return true;
}

/** Answers GET /v1/models and /v1/models/:id; false for any other request. */
function modelAnswer(req, res, p, models) {
	if (req.method !== 'GET') return false;
	if (p === '/v1/models') {
		send(res, 200, {
			object: 'list',
			data: models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'openai' })),
		});
		return true;
	}
	if (!p.startsWith('/v1/models/')) return false;
	const id = decodeURIComponent(p.slice('/v1/models/'.length));
	if (!models.includes(id)) {
		oaError(res, 404, `The model '${id}' does not exist`, {
			code: 'model_not_found',
			param: 'model',
		});
	} else send(res, 200, { id, object: 'model', created: CREATED, owned_by: 'openai' });
	return true;
}

/** The request as `stub.requests` lists it (control requests are not listed), its status filled in when sent. */
function recordRequest(req, res, url, requests) {
	const record = {
		method: req.method,
		path: url.pathname,
		query: url.search,
		headers: req.headers,
		body: undefined,
		status: 0,
		at: Date.now(),
	};
	if (!url.pathname.startsWith('/__stub/')) requests.push(record);
	const origWriteHead = res.writeHead.bind(res);
	res.writeHead = (status, ...rest) => {
		record.status = status;
		return origWriteHead(status, ...rest);
	};
	return record;
}

/**
 * @param {{ port?: number, host?: string, apiKey?: string, models?: string[], log?: (l: string) => void }} [opts]
 */
async function startOpenAiStub(opts = {}) {
	const apiKey = opts.apiKey === undefined ? 'sk-stub-key' : opts.apiKey;
	const models = opts.models || DEFAULT_MODELS;
	const host = opts.host || '127.0.0.1';
	const requests = [];
	let counter = 0;
	const nextNumber = () => ++counter;

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url, 'http://stub');
			const record = recordRequest(req, res, url, requests);
			try {
				if (raw) {
					try {
						record.body = JSON.parse(raw);
					} catch {
						record.body = raw;
						if (req.method === 'POST') {
							return oaError(
								res,
								400,
								"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
							);
						}
					}
				}
				handle(req, res, url, record.body || {});
			} catch (e) {
				oaError(res, 500, `stub error: ${e.message}`, { type: 'server_error' });
			}
			if (opts.log) opts.log(`[openai-stub] ${req.method} ${url.pathname} → ${record.status}`);
		});
	});

	function handle(req, res, url, body) {
		const p = url.pathname.replace(/\/+$/, '');
		// Stub control API (no auth, not recorded): GET /__stub/requests, POST /__stub/reset.
		if (p === '/__stub/requests' && req.method === 'GET') return send(res, 200, { requests });
		if (p === '/__stub/reset' && req.method === 'POST') {
			requests.length = 0;
			return send(res, 200, { ok: true });
		}
		// Auth first, as OpenAI does.
		if (apiKey && refusedKey(req, res, apiKey)) return;
		if (modelAnswer(req, res, p, models)) return;
		if (req.method === 'POST' && p === '/v1/chat/completions')
			return chatCompletions(res, body, nextNumber);
		if (req.method === 'POST' && p === '/v1/responses') return responses(res, body, nextNumber);
		return oaError(res, 404, `Invalid URL (${req.method} ${url.pathname})`);
	}

	const { port, close } = await listening(server, opts.port || 0, host);
	return { url: `http://${host}:${port}/v1`, port, apiKey, requests, server, close };
}

/** The server listening on `host:port` (0: a free port); `close()` also ends open connections. */
function listening(server, port, host) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			const sockets = new Set();
			server.on('connection', (s) => {
				sockets.add(s);
				s.on('close', () => sockets.delete(s));
			});
			resolve({
				port: server.address().port,
				close: () =>
					new Promise((r) => {
						for (const s of sockets) s.destroy();
						server.close(() => r());
					}),
			});
		});
	});
}

module.exports = {
	startOpenAiStub,
	generate,
	parseContact,
	parseRequestedKeys,
	makeScript,
	DEFAULT_MODELS,
};
