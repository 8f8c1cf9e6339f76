'use strict';
/**
 * The OpenAI-compatible stub, exercised with the official `openai` SDK (v6) as the client.
 * No timing assertions; ports are ephemeral.
 */
const { OpenAI, AuthenticationError, NotFoundError, BadRequestError } = require('openai');
const {
	startOpenAiStub,
	generate,
	parseRequestedKeys,
	parseContact,
} = require('../../tools/openai-stub/index');

const API_KEY = 'sk-test-stub-0123456789';
const PROMPT =
	'Write a personal video script for Ada Lovelace at Analytical Engines Ltd. ' +
	'Answer with a JSON object only.\nKeys: first_name, company, script';

let stub;
let client;

beforeAll(async () => {
	stub = await startOpenAiStub({ port: 0, apiKey: API_KEY });
	client = new OpenAI({ apiKey: API_KEY, baseURL: stub.url, maxRetries: 0, timeout: 10000 });
});

afterAll(async () => {
	await stub.close();
});

beforeEach(() => {
	stub.requests.length = 0;
});

describe('startOpenAiStub', () => {
	test('url is a base URL ending in /v1', () => {
		expect(stub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
	});

	test('GET /v1/models lists models in OpenAI list shape', async () => {
		const page = await client.models.list();
		const ids = page.data.map((m) => m.id);
		expect(ids).toContain('gpt-4o-mini');
		expect(page.data[0]).toEqual({
			id: expect.any(String),
			object: 'model',
			created: expect.any(Number),
			owned_by: 'openai',
		});
		const one = await client.models.retrieve('gpt-4o-mini');
		expect(one.id).toBe('gpt-4o-mini');
		await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(NotFoundError);
	});

	test('chat completions: JSON mode returns the requested keys filled from the contact', async () => {
		const r = await client.chat.completions.create({
			model: 'gpt-4o-mini',
			messages: [
				{ role: 'system', content: 'You write short, warm sales video scripts.' },
				{ role: 'user', content: PROMPT },
			],
			response_format: { type: 'json_object' },
		});
		expect(r.object).toBe('chat.completion');
		expect(r.id).toMatch(/^chatcmpl-/);
		expect(r.model).toBe('gpt-4o-mini');
		expect(typeof r.created).toBe('number');
		expect(r.choices).toHaveLength(1);
		expect(r.choices[0].finish_reason).toBe('stop');
		expect(r.choices[0].message.role).toBe('assistant');
		const json = JSON.parse(r.choices[0].message.content);
		expect(Object.keys(json)).toEqual(['first_name', 'company', 'script']);
		expect(json.first_name).toBe('Ada');
		expect(json.company).toBe('Analytical Engines Ltd');
		expect(json.script).toContain('Ada');
		expect(json.script).toContain('Analytical Engines Ltd');
		expect(r.usage.total_tokens).toBe(r.usage.prompt_tokens + r.usage.completion_tokens);

		expect(stub.requests).toHaveLength(1);
		expect(stub.requests[0]).toMatchObject({
			method: 'POST',
			path: '/v1/chat/completions',
			status: 200,
		});
		expect(stub.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(stub.requests[0].body.response_format).toEqual({ type: 'json_object' });
	});

	test('chat completions: deterministic content for the same prompt', async () => {
		const req = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] };
		const a = await client.chat.completions.create(req);
		const b = await client.chat.completions.create(req);
		expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
	});

	test('chat completions: json_schema structured output uses the schema properties', async () => {
		const r = await client.chat.completions.create({
			model: 'gpt-4o-mini',
			messages: [
				{
					role: 'user',
					content:
						'Contact: {"firstName":"Grace","lastName":"Hopper","company":"COBOL Inc"}. Write a video script.',
				},
			],
			response_format: {
				type: 'json_schema',
				json_schema: {
					name: 'vars',
					strict: true,
					schema: {
						type: 'object',
						properties: {
							first_name: { type: 'string' },
							company_name: { type: 'string' },
							video_script: { type: 'string' },
						},
						required: ['first_name', 'company_name', 'video_script'],
						additionalProperties: false,
					},
				},
			},
		});
		const json = JSON.parse(r.choices[0].message.content);
		expect(json).toEqual({
			first_name: 'Grace',
			company_name: 'COBOL Inc',
			video_script: expect.stringContaining('Hi Grace!'),
		});
	});

	test('chat completions: json_object without the word json is rejected like OpenAI', async () => {
		await expect(
			client.chat.completions.create({
				model: 'gpt-4o-mini',
				messages: [{ role: 'user', content: 'hello' }],
				response_format: { type: 'json_object' },
			}),
		).rejects.toBeInstanceOf(BadRequestError);
	});

	test('chat completions: plain text without keys is the script', async () => {
		const r = await client.chat.completions.create({
			model: 'gpt-4o',
			messages: [
				{
					role: 'user',
					content: 'Name: Alan Turing\nCompany: Bletchley Park\nWrite a short video script.',
				},
			],
		});
		expect(r.choices[0].message.content).toMatch(/^Hi Alan! .*Bletchley Park/);
	});

	test('chat completions: streaming', async () => {
		const stream = await client.chat.completions.create({
			model: 'gpt-4o-mini',
			messages: [{ role: 'user', content: PROMPT }],
			stream: true,
			stream_options: { include_usage: true },
		});
		let text = '';
		let usage;
		for await (const chunk of stream) {
			expect(chunk.object).toBe('chat.completion.chunk');
			if (chunk.choices[0]) text += chunk.choices[0].delta.content || '';
			if (chunk.usage) usage = chunk.usage;
		}
		expect(JSON.parse(text).first_name).toBe('Ada');
		expect(usage.total_tokens).toBeGreaterThan(0);
	});

	test('responses API: text.format json_object, output_text', async () => {
		const r = await client.responses.create({
			model: 'gpt-4.1-mini',
			instructions: 'You write short, warm sales video scripts.',
			input: [{ role: 'user', content: [{ type: 'input_text', text: PROMPT }] }],
			text: { format: { type: 'json_object' } },
		});
		expect(r.object).toBe('response');
		expect(r.id).toMatch(/^resp_/);
		expect(r.status).toBe('completed');
		expect(r.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
		expect(r.output[0].content[0].type).toBe('output_text');
		expect(r.output_text).toBe(r.output[0].content[0].text); // SDK convenience getter
		const json = JSON.parse(r.output_text);
		expect(json).toEqual({
			first_name: 'Ada',
			company: 'Analytical Engines Ltd',
			script: expect.stringContaining('Analytical Engines Ltd'),
		});
		expect(r.usage.total_tokens).toBe(r.usage.input_tokens + r.usage.output_tokens);
		expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/v1/responses', status: 200 });
	});

	test('responses API: string input + json_schema', async () => {
		const r = await client.responses.create({
			model: 'gpt-4.1-mini',
			input: 'Name: Ada Lovelace\nCompany: Analytical Engines Ltd\nWrite a personal script.',
			text: {
				format: {
					type: 'json_schema',
					name: 'vars',
					strict: true,
					schema: {
						type: 'object',
						properties: { first_name: { type: 'string' }, script: { type: 'string' } },
						required: ['first_name', 'script'],
						additionalProperties: false,
					},
				},
			},
		});
		expect(JSON.parse(r.output_text)).toEqual({
			first_name: 'Ada',
			script: expect.stringContaining('Hi Ada!'),
		});
	});

	test('responses API: streaming', async () => {
		const stream = await client.responses.create({
			model: 'gpt-4.1-mini',
			input: PROMPT,
			stream: true,
		});
		let text = '';
		let completed;
		for await (const ev of stream) {
			if (ev.type === 'response.output_text.delta') text += ev.delta;
			if (ev.type === 'response.completed') completed = ev.response;
		}
		expect(JSON.parse(text).company).toBe('Analytical Engines Ltd');
		expect(completed.status).toBe('completed');
	});

	test('wrong API key → 401 in OpenAI error shape', async () => {
		const bad = new OpenAI({ apiKey: 'sk-wrong-key-987654321', baseURL: stub.url, maxRetries: 0 });
		const err = await bad.chat.completions
			.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
			.catch((e) => e);
		expect(err).toBeInstanceOf(AuthenticationError);
		expect(err.status).toBe(401);
		expect(err.code).toBe('invalid_api_key');
		expect(err.type).toBe('invalid_request_error');
		expect(err.message).toMatch(/Incorrect API key provided/);
		await expect(
			bad.responses.create({ model: 'gpt-4o-mini', input: 'hi' }),
		).rejects.toBeInstanceOf(AuthenticationError);
		await expect(bad.models.list()).rejects.toBeInstanceOf(AuthenticationError);
	});

	test('missing Authorization header → 401 and raw error body shape', async () => {
		const res = await fetch(`${stub.url}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
		});
		expect(res.status).toBe(401);
		const body = await res.json();
		expect(body).toEqual({
			error: {
				message: expect.stringMatching(/didn't provide an API key/),
				type: 'invalid_request_error',
				param: null,
				code: null,
			},
		});
	});

	test('unknown route → 404 Invalid URL', async () => {
		const res = await fetch(`${stub.url}/embeddings/nope`, {
			headers: { authorization: `Bearer ${API_KEY}` },
		});
		expect(res.status).toBe(404);
		expect((await res.json()).error.message).toBe('Invalid URL (GET /v1/embeddings/nope)');
	});
});

describe('prompt convention', () => {
	test('parseRequestedKeys', () => {
		expect(parseRequestedKeys('blah\nKeys: first_name, company, script\n')).toEqual([
			'first_name',
			'company',
			'script',
		]);
		expect(parseRequestedKeys('Return JSON with keys: `a`; "b" c.')).toEqual(['a', 'b', 'c']);
		expect(parseRequestedKeys('- JSON keys: x_1, y')).toEqual(['x_1', 'y']);
		expect(parseRequestedKeys('no keys here')).toBeNull();
	});

	test('parseContact merges lines, embedded JSON and the "for X at Y" phrase', () => {
		expect(
			parseContact('Write a personal video script for Ada Lovelace at Analytical Engines Ltd.'),
		).toMatchObject({
			name: 'Ada Lovelace',
			first_name: 'Ada',
			last_name: 'Lovelace',
			company: 'Analytical Engines Ltd',
		});
		expect(parseContact('Data: {"contact":{"firstName":"Grace","company":"Navy"}}')).toMatchObject({
			first_name: 'Grace',
			company: 'Navy',
		});
		expect(parseContact('First name: Alan\nCompany name: Bletchley Park')).toMatchObject({
			first_name: 'Alan',
			company: 'Bletchley Park',
		});
	});

	test('generate: JSON mode without keys falls back to first_name, company, script', () => {
		const { content } = generate({
			prompt: 'for Ada Lovelace at Analytical Engines Ltd, as json',
			jsonMode: true,
		});
		expect(Object.keys(JSON.parse(content))).toEqual(['first_name', 'company', 'script']);
	});
});

describe('control API', () => {
	test('GET /__stub/requests (no auth, not recorded) and POST /__stub/reset', async () => {
		await client.models.list();
		const base = stub.url.replace(/\/v1$/, '');
		const r = await (await fetch(`${base}/__stub/requests`)).json();
		expect(r.requests.map((q) => q.path)).toEqual(['/v1/models']);
		expect((await fetch(`${base}/__stub/reset`, { method: 'POST' })).status).toBe(200);
		expect(stub.requests).toHaveLength(0);
	});
});

describe('n8n 2.41.1 OpenAI node (v2.3, text › Message a Model) request, as captured from a real run', () => {
	test('json_object request → output[0].content[0].text is the JSON n8n parses', async () => {
		const res = await fetch(`${stub.url}/responses`, {
			method: 'POST',
			headers: {
				accept: 'application/json',
				'content-type': 'application/json',
				authorization: `Bearer ${API_KEY}`,
				'openai-organization': '',
				'user-agent': 'n8n',
			},
			body: JSON.stringify({
				model: 'gpt-4o-mini',
				input: [
					{
						role: 'system',
						content: [
							{ type: 'input_text', text: 'You are a helpful assistant designed to output JSON.' },
						],
					},
					{
						role: 'user',
						content: [
							{
								type: 'input_text',
								text: 'Write a personal video script for Grace Hopper at COBOL Inc. Answer in JSON.\nKeys: first_name, company, script',
							},
						],
					},
				],
				parallel_tool_calls: true,
				store: true,
				instructions: 'You write short personal video scripts.',
				background: false,
				text: { verbosity: 'medium', format: { type: 'json_object' } },
			}),
		});
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.error).toBeNull();
		const msg = body.output.find((o) => o.type === 'message');
		expect(JSON.parse(msg.content[0].text)).toEqual({
			first_name: 'Grace',
			company: 'COBOL Inc',
			script: expect.stringMatching(/^Hi Grace! .*COBOL Inc/),
		});
		expect(body.usage).toEqual(
			expect.objectContaining({
				input_tokens: expect.any(Number),
				output_tokens: expect.any(Number),
			}),
		);
	});
});
