'use strict';
/** OpenAI's wire format as the stub writes it: JSON answers, errors in OpenAI's shape, server-sent events. */
const crypto = require('node:crypto');

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

/** False (and a 400 sent) when the request names no model. */
function checkModel(res, body) {
	if (!body.model) {
		oaError(res, 400, 'you must provide a model parameter', { param: 'model' });
		return false;
	}
	return true;
}

/** OpenAI's 400 for a required parameter the request lacks. */
function missingParameter(res, param) {
	oaError(res, 400, `Missing required parameter: '${param}'.`, {
		param,
		code: 'missing_required_parameter',
	});
}

module.exports = { tokens, hashId, oaError, send, sse, checkModel, missingParameter };
