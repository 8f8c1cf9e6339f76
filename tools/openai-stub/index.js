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
 * ## Content convention (what the answer contains)
 * The stub reads the whole prompt (system/developer/user messages, `instructions`, `input`) and:
 *  1. **Requested keys**, first match wins:
 *     - a line `Keys: first_name, company, script` (also `JSON keys:`, `Return JSON with keys:`;
 *       separators `,` `;` or whitespace; quotes/backticks stripped);
 *     - else the `properties` of a JSON schema (`response_format.json_schema.schema` /
 *       `text.format.schema`);
 *     - else none.
 *  2. **Contact data**, merged from
 *     - `Label: value` lines (`Name: Ada Lovelace`, `First name: Ada`, `Company: Analytical Engines Ltd`,
 *       `Email: …`, `Title: …`); labels are normalised to snake_case;
 *     - JSON objects embedded in the prompt (`{"first_name":"Ada","company":"…"}`), nested ones flattened;
 *     - the phrase `for <Full Name> at <Company>` (e.g. "Write a personal video script for Ada Lovelace at
 *       Analytical Engines Ltd").
 *     Derived: `first_name`/`last_name` from `name`, `name` from first+last, `company` from
 *     `company_name`/`organization`/`organisation`/`employer`.
 *  3. **Answer**: with requested keys, or in JSON mode (json_object/json_schema), the content is a JSON
 *     object (one line, keys in requested order). Each key gets:
 *       - the contact value with the same normalised key (or a synonym, e.g. `firstname`, `company_name`);
 *       - for keys containing script/message/text/body/pitch/intro/greeting/content: the script
 *         `Hi <First>! I recorded this video just for you and the team at <Company>. …` (see makeScript);
 *       - else `<key> for <Full Name>`.
 *     Without keys and not in JSON mode the content is the plain script.
 * Everything is a pure function of the request, so answers are reproducible. `usage` counts ~4 chars/token.
 */
const http = require('node:http');
const crypto = require('node:crypto');

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5'];
const CREATED = 1735689600; // 2025-01-01T00:00:00Z, fixed for model objects

// ---------------------------------------------------------------------------------------------
// Prompt analysis (exported for unit tests and for documentation of the convention)

function normKey(k) {
	return String(k)
		.trim()
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/** Flatten text out of OpenAI message contents (string | [{type:'text'|'input_text'|'output_text', text}]). */
function contentText(content) {
	if (content == null) return '';
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map(contentText).join('\n');
	if (typeof content === 'object') {
		if (typeof content.text === 'string') return content.text;
		if (content.content !== undefined) return contentText(content.content);
	}
	return '';
}

function parseRequestedKeys(prompt) {
	const re =
		/^[^\S\n]*(?:[-*>#]+[^\S\n]*)?(?:return\s+(?:a\s+)?json(?:\s+object)?\s+with\s+(?:the\s+)?keys|json\s+keys|output\s+keys|keys)\s*:\s*(.+)$/gim;
	const m = re.exec(prompt);
	if (!m) return null;
	const keys = m[1]
		.replace(/[.]+\s*$/, '')
		.split(/[,;\s]+/)
		.map((k) => k.replace(/^["'`{[(]+|["'`}\])]+$/g, '').trim())
		.filter((k) => /^[A-Za-z_][\w.-]*$/.test(k));
	return keys.length ? [...new Set(keys)] : null;
}

function schemaKeys(schema) {
	if (!schema || typeof schema !== 'object') return null;
	const props = schema.properties;
	if (props && typeof props === 'object' && Object.keys(props).length) return Object.keys(props);
	return null;
}

/** Extract balanced {...} substrings that parse as JSON objects. */
function embeddedJsonObjects(text) {
	const out = [];
	for (let i = 0; i < text.length; i++) {
		if (text[i] !== '{') continue;
		let depth = 0;
		let inStr = false;
		let esc = false;
		for (let j = i; j < text.length; j++) {
			const c = text[j];
			if (inStr) {
				if (esc) esc = false;
				else if (c === '\\') esc = true;
				else if (c === '"') inStr = false;
				continue;
			}
			if (c === '"') inStr = true;
			else if (c === '{') depth++;
			else if (c === '}' && --depth === 0) {
				try {
					const v = JSON.parse(text.slice(i, j + 1));
					if (v && typeof v === 'object' && !Array.isArray(v)) {
						out.push(v);
						i = j;
					}
				} catch {
					/* not JSON */
				}
				break;
			}
		}
	}
	return out;
}

function flatten(obj, into, depth = 0) {
	for (const [k, v] of Object.entries(obj)) {
		if (v == null) continue;
		if (typeof v === 'object' && !Array.isArray(v)) {
			if (depth < 3) flatten(v, into, depth + 1);
		} else if (typeof v !== 'object') {
			const key = normKey(k);
			if (key && into[key] === undefined) into[key] = String(v);
		}
	}
	return into;
}

const IGNORED_LABELS = new Set([
	'keys',
	'json_keys',
	'output_keys',
	'http',
	'https',
	'note',
	'important',
	'format',
]);

function parseContact(prompt) {
	const c = {};
	for (const obj of embeddedJsonObjects(prompt)) flatten(obj, c);
	for (const line of prompt.split('\n')) {
		const m = line.match(/^\s*(?:[-*>]+\s*)?([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*:\s*(\S.*?)\s*$/);
		if (!m) continue;
		const key = normKey(m[1]);
		if (!key || IGNORED_LABELS.has(key) || /^(return|write|use|respond|answer|output)/.test(key))
			continue;
		if (m[2].startsWith('{') || m[2].startsWith('[')) continue;
		if (c[key] === undefined) c[key] = m[2].replace(/^["']|["']$/g, '');
	}
	const phrase = prompt.match(
		/\bfor\s+((?:[A-Z][\p{L}'’-]+)(?:\s+[A-Z][\p{L}'’-]+){0,3})\s+(?:at|from|of)\s+([A-Z0-9][^\n.,;:!?"]*?)(?=\s*(?:[.,;:!?"\n]|$))/u,
	);
	if (phrase) {
		if (c.name === undefined && c.full_name === undefined) c.name = phrase[1];
		if (c.company === undefined) c.company = phrase[2].trim();
	}
	// Derivations
	if (c.name === undefined) c.name = c.full_name || c.contact_name || c.contact;
	if (c.company === undefined)
		c.company = c.company_name || c.organization || c.organisation || c.employer || c.account;
	if (c.first_name === undefined)
		c.first_name = c.firstname || c.given_name || (c.name ? c.name.split(/\s+/)[0] : undefined);
	if (c.last_name === undefined) {
		c.last_name =
			c.lastname ||
			c.surname ||
			c.family_name ||
			(c.name && c.name.includes(' ') ? c.name.split(/\s+/).slice(1).join(' ') : undefined);
	}
	if (c.name === undefined && c.first_name)
		c.name = [c.first_name, c.last_name].filter(Boolean).join(' ');
	for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
	return c;
}

const SYNONYMS = {
	first_name: ['firstname', 'given_name', 'first'],
	last_name: ['lastname', 'surname', 'family_name', 'last'],
	name: ['full_name', 'contact_name', 'fullname'],
	full_name: ['name', 'contact_name'],
	company: ['company_name', 'organization', 'organisation', 'employer', 'account'],
	company_name: ['company'],
	organization: ['company'],
	email: ['email_address', 'mail'],
	title: ['job_title', 'role', 'position'],
	job_title: ['title', 'role', 'position'],
	role: ['title', 'job_title'],
};

function makeScript(c) {
	const first = c.first_name || c.name || 'there';
	const company = c.company || 'your team';
	return (
		`Hi ${first}! I recorded this video just for you and the team at ${company}. ` +
		`I'd love to show you how personalised video can help ${company} connect with every customer. ` +
		`Talk soon!`
	);
}

function valueFor(key, c) {
	const k = normKey(key);
	if (c[k] !== undefined) return c[k];
	for (const s of SYNONYMS[k] || []) if (c[s] !== undefined) return c[s];
	if (/script|message|text|body|pitch|intro|greeting|content|speech|voiceover/.test(k))
		return makeScript(c);
	if (/first/.test(k) && c.first_name) return c.first_name;
	if (/company|org|business/.test(k) && c.company) return c.company;
	if (/name/.test(k) && c.name) return c.name;
	return `${key} for ${c.name || 'the contact'}`;
}

/**
 * @param {{ prompt: string, jsonMode: boolean, schema?: object }} p
 * @returns {{ content: string, keys: string[]|null, contact: object }}
 */
function generate({ prompt, jsonMode, schema }) {
	const contact = parseContact(prompt);
	let keys = parseRequestedKeys(prompt) || schemaKeys(schema);
	if (!keys && jsonMode) keys = ['first_name', 'company', 'script'];
	if (!keys) return { content: makeScript(contact), keys: null, contact };
	const obj = {};
	for (const k of keys) obj[k] = valueFor(k, contact);
	return { content: JSON.stringify(obj), keys, contact };
}

// ---------------------------------------------------------------------------------------------
// HTTP server

function tokens(s) {
	return Math.max(1, Math.ceil(String(s).length / 4));
}

function hashId(prefix, body, n) {
	const h = crypto
		.createHash('sha256')
		.update(JSON.stringify(body))
		.update(String(n))
		.digest('hex');
	return `${prefix}${h.slice(0, 24)}`;
}

function oaError(
	res,
	status,
	message,
	{ type = 'invalid_request_error', param = null, code = null } = {},
) {
	send(res, status, { error: { message, type, param, code } });
}

function send(res, status, obj) {
	const body = JSON.stringify(obj);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(body),
		'openai-processing-ms': '1',
		'x-request-id': `req_${crypto.randomBytes(8).toString('hex')}`,
	});
	res.end(body);
}

function sse(res) {
	res.writeHead(200, {
		'content-type': 'text/event-stream',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
	return {
		data: (obj, event) =>
			res.write(
				`${event ? `event: ${event}\n` : ''}data: ${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n\n`,
			),
		end: () => res.end(),
	};
}

function chatPrompt(body) {
	return (body.messages || [])
		.map((m) => contentText(m.content))
		.filter(Boolean)
		.join('\n');
}

function responsesPrompt(body) {
	const parts = [];
	if (body.instructions) parts.push(contentText(body.instructions));
	if (typeof body.input === 'string') parts.push(body.input);
	else if (Array.isArray(body.input))
		for (const item of body.input) parts.push(contentText(item.content ?? item));
	return parts.filter(Boolean).join('\n');
}

/**
 * @param {{ port?: number, host?: string, apiKey?: string, models?: string[], log?: (l: string) => void }} [opts]
 */
function startOpenAiStub(opts = {}) {
	const apiKey = opts.apiKey === undefined ? 'sk-stub-key' : opts.apiKey;
	const models = opts.models || DEFAULT_MODELS;
	const host = opts.host || '127.0.0.1';
	const requests = [];
	let counter = 0;

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url, 'http://stub');
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
		if (apiKey) {
			const auth = req.headers.authorization || '';
			const m = auth.match(/^Bearer\s+(.+)$/i);
			if (!m) {
				return oaError(
					res,
					401,
					"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
				);
			}
			if (m[1].trim() !== apiKey) {
				const k = m[1].trim();
				const shown = k.length > 8 ? `${k.slice(0, 3)}*****${k.slice(-4)}` : k;
				return oaError(
					res,
					401,
					`Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
					{
						code: 'invalid_api_key',
					},
				);
			}
		}
		if (req.method === 'GET' && p === '/v1/models') {
			return send(res, 200, {
				object: 'list',
				data: models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'openai' })),
			});
		}
		if (req.method === 'GET' && p.startsWith('/v1/models/')) {
			const id = decodeURIComponent(p.slice('/v1/models/'.length));
			if (!models.includes(id)) {
				return oaError(res, 404, `The model '${id}' does not exist`, {
					code: 'model_not_found',
					param: 'model',
				});
			}
			return send(res, 200, { id, object: 'model', created: CREATED, owned_by: 'openai' });
		}
		if (req.method === 'POST' && p === '/v1/chat/completions') return chatCompletions(res, body);
		if (req.method === 'POST' && p === '/v1/responses') return responses(res, body);
		return oaError(res, 404, `Invalid URL (${req.method} ${url.pathname})`);
	}

	function checkModel(res, body) {
		if (!body.model) {
			oaError(res, 400, 'you must provide a model parameter', { param: 'model' });
			return false;
		}
		return true;
	}

	function chatCompletions(res, body) {
		if (!checkModel(res, body)) return;
		if (!Array.isArray(body.messages) || body.messages.length === 0) {
			return oaError(res, 400, "Missing required parameter: 'messages'.", {
				param: 'messages',
				code: 'missing_required_parameter',
			});
		}
		const rf = body.response_format || {};
		const jsonMode = rf.type === 'json_object' || rf.type === 'json_schema';
		const prompt = chatPrompt(body);
		if (rf.type === 'json_object' && !/json/i.test(prompt)) {
			return oaError(
				res,
				400,
				"'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
				{
					param: 'messages',
				},
			);
		}
		const { content } = generate({
			prompt,
			jsonMode,
			schema: rf.json_schema && rf.json_schema.schema,
		});
		const n = ++counter;
		const id = hashId('chatcmpl-', body, n);
		const created = Math.floor(Date.now() / 1000);
		const model = body.model;
		const usage = {
			prompt_tokens: tokens(prompt),
			completion_tokens: tokens(content),
			total_tokens: tokens(prompt) + tokens(content),
			prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
			completion_tokens_details: {
				reasoning_tokens: 0,
				audio_tokens: 0,
				accepted_prediction_tokens: 0,
				rejected_prediction_tokens: 0,
			},
		};
		if (body.stream) {
			const s = sse(res);
			const base = {
				id,
				object: 'chat.completion.chunk',
				created,
				model,
				service_tier: 'default',
				system_fingerprint: 'fp_stub',
			};
			s.data({
				...base,
				choices: [
					{
						index: 0,
						delta: { role: 'assistant', content: '', refusal: null },
						logprobs: null,
						finish_reason: null,
					},
				],
			});
			for (let i = 0; i < content.length; i += 16) {
				s.data({
					...base,
					choices: [
						{
							index: 0,
							delta: { content: content.slice(i, i + 16) },
							logprobs: null,
							finish_reason: null,
						},
					],
				});
			}
			s.data({
				...base,
				choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
			});
			if (body.stream_options && body.stream_options.include_usage)
				s.data({ ...base, choices: [], usage });
			s.data('[DONE]');
			return s.end();
		}
		return send(res, 200, {
			id,
			object: 'chat.completion',
			created,
			model,
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content, refusal: null, annotations: [] },
					logprobs: null,
					finish_reason: 'stop',
				},
			],
			usage,
			service_tier: 'default',
			system_fingerprint: 'fp_stub',
		});
	}

	function responses(res, body) {
		if (!checkModel(res, body)) return;
		if (body.input === undefined && !body.instructions) {
			return oaError(res, 400, "Missing required parameter: 'input'.", {
				param: 'input',
				code: 'missing_required_parameter',
			});
		}
		const fmt = (body.text && body.text.format) || { type: 'text' };
		const jsonMode = fmt.type === 'json_object' || fmt.type === 'json_schema';
		const prompt = responsesPrompt(body);
		if (fmt.type === 'json_object' && !/json/i.test(prompt)) {
			return oaError(
				res,
				400,
				"Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
				{
					param: 'input',
				},
			);
		}
		const { content } = generate({ prompt, jsonMode, schema: fmt.schema });
		const n = ++counter;
		const id = hashId('resp_', body, n);
		const msgId = hashId('msg_', body, n);
		const createdAt = Math.floor(Date.now() / 1000);
		const usage = {
			input_tokens: tokens(prompt),
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: tokens(content),
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: tokens(prompt) + tokens(content),
		};
		const message = {
			id: msgId,
			type: 'message',
			status: 'completed',
			role: 'assistant',
			content: [{ type: 'output_text', text: content, annotations: [], logprobs: [] }],
		};
		const response = {
			id,
			object: 'response',
			created_at: createdAt,
			status: 'completed',
			background: false,
			error: null,
			incomplete_details: null,
			instructions: body.instructions ?? null,
			max_output_tokens: body.max_output_tokens ?? null,
			max_tool_calls: null,
			model: body.model,
			output: [message],
			parallel_tool_calls: body.parallel_tool_calls ?? true,
			previous_response_id: body.previous_response_id ?? null,
			reasoning: { effort: null, summary: null },
			service_tier: 'default',
			store: body.store ?? true,
			temperature: body.temperature ?? 1,
			text: { format: fmt, verbosity: 'medium' },
			tool_choice: body.tool_choice ?? 'auto',
			tools: body.tools ?? [],
			top_logprobs: 0,
			top_p: body.top_p ?? 1,
			truncation: 'disabled',
			usage,
			user: null,
			metadata: body.metadata ?? {},
		};
		if (body.stream) {
			const s = sse(res);
			let seq = 0;
			const ev = (type, extra) => s.data({ type, sequence_number: seq++, ...extra }, type);
			const inProgress = { ...response, status: 'in_progress', output: [], usage: null };
			ev('response.created', { response: inProgress });
			ev('response.in_progress', { response: inProgress });
			ev('response.output_item.added', {
				output_index: 0,
				item: { ...message, status: 'in_progress', content: [] },
			});
			ev('response.content_part.added', {
				item_id: msgId,
				output_index: 0,
				content_index: 0,
				part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
			});
			for (let i = 0; i < content.length; i += 16) {
				ev('response.output_text.delta', {
					item_id: msgId,
					output_index: 0,
					content_index: 0,
					delta: content.slice(i, i + 16),
					logprobs: [],
				});
			}
			ev('response.output_text.done', {
				item_id: msgId,
				output_index: 0,
				content_index: 0,
				text: content,
				logprobs: [],
			});
			ev('response.content_part.done', {
				item_id: msgId,
				output_index: 0,
				content_index: 0,
				part: message.content[0],
			});
			ev('response.output_item.done', { output_index: 0, item: message });
			ev('response.completed', { response });
			return s.end();
		}
		return send(res, 200, response);
	}

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port || 0, host, () => {
			const { port } = server.address();
			const sockets = new Set();
			server.on('connection', (s) => {
				sockets.add(s);
				s.on('close', () => sockets.delete(s));
			});
			resolve({
				url: `http://${host}:${port}/v1`,
				port,
				apiKey,
				requests,
				server,
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
