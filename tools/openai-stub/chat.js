'use strict';
/** POST /v1/chat/completions: messages in, one assistant message out (or its chunks as server-sent events). */
const { generate, contentText, jsonFormat } = require('./content');
const { checkModel, hashId, missingParameter, oaError, send, sse, tokens } = require('./http');

function chatPrompt(body) {
	return (body.messages || [])
		.map((m) => contentText(m.content))
		.filter(Boolean)
		.join('\n');
}

/** `nextNumber()` numbers the answers the stub gives, for their ids. */
function chatCompletions(res, body, nextNumber) {
	if (!checkModel(res, body)) return;
	if (!Array.isArray(body.messages) || body.messages.length === 0) {
		return missingParameter(res, 'messages');
	}
	const rf = body.response_format || {};
	const prompt = chatPrompt(body);
	const { jsonMode, lacksJsonWord } = jsonFormat(rf.type, prompt);
	if (lacksJsonWord) {
		const message =
			"'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
		return oaError(res, 400, message, { param: 'messages' });
	}
	const { content } = generate({
		prompt,
		jsonMode,
		schema: rf.json_schema && rf.json_schema.schema,
	});
	const n = nextNumber();
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

module.exports = { chatCompletions };
