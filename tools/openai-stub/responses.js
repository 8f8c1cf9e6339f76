'use strict';
/** POST /v1/responses: input and instructions in, one output message out (or its events as server-sent events). */
const { generate, contentText, jsonFormat } = require('./content');
const { checkModel, hashId, missingParameter, oaError, send, sse, tokens } = require('./http');

function responsesPrompt(body) {
	const parts = [];
	if (body.instructions) parts.push(contentText(body.instructions));
	if (typeof body.input === 'string') parts.push(body.input);
	else if (Array.isArray(body.input))
		for (const item of body.input) parts.push(contentText(item.content ?? item));
	return parts.filter(Boolean).join('\n');
}

/** `nextNumber()` numbers the answers the stub gives, for their ids. */
function responses(res, body, nextNumber) {
	if (!checkModel(res, body)) return;
	if (body.input === undefined && !body.instructions) {
		return missingParameter(res, 'input');
	}
	const fmt = (body.text && body.text.format) || { type: 'text' };
	const prompt = responsesPrompt(body);
	const { jsonMode, lacksJsonWord } = jsonFormat(fmt.type, prompt);
	if (lacksJsonWord) {
		const message =
			"Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.";
		return oaError(res, 400, message, { param: 'input' });
	}
	const { content } = generate({ prompt, jsonMode, schema: fmt.schema });
	const n = nextNumber();
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

module.exports = { responses };
