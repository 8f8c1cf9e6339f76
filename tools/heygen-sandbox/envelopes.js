'use strict';
/**
 * The three response envelopes HeyGen uses (reference §8) and which family a path belongs to.
 *   v1: success {code:100, data, message:"Success"} (or msg/message null); error {code:<int>, message}
 *   v2: success {error:null, data};                  error {data:null, error:{code:<string>, message}}
 *   v3: success {data} (+ has_more/next_token);      error {error:{code, message, param?, doc_url}}
 */

const DOC_BASE = 'https://developers.heygen.com/docs/error-codes';

/**
 * Family of a path: /v1/* → v1, /v2/* → v2, /v3/* → v3.
 * SIM CHOICE: /v3/template/{id} (singular, the legacy "New AI Studio" detail) answers in the v2 envelope
 * ({error:null,data}), so its errors and faults use the v2 envelope too. Unknown prefixes use v3.
 */
function familyOf(path) {
	if (path.startsWith('/v1/')) return 'v1';
	if (path.startsWith('/v2/')) return 'v2';
	if (path.startsWith('/v3/template/')) return 'v2';
	return 'v3';
}

/**
 * Numeric v1 error codes. Documented: 400112 Unauthorized, 400573 PERMISSION_DENIED, 40001 invalid parameter,
 * 40031 INVALID_VIDEO_ID, 400664 TRIAL_VIDEO_LIMIT_EXCEEDED (third-party).
 * SIM CHOICE: the others are invented, shaped as 400 + HTTP status.
 */
const V1_CODES = {
	unauthorized: 400112,
	forbidden: 400573,
	invalid_parameter: 40001,
	not_found: 40031,
	trial_video_limit_exceeded: 400664,
	rate_limit_exceeded: 400429,
	insufficient_credit: 400402,
	method_not_allowed: 400405,
	request_in_progress: 400409,
	idempotency_key_reused: 400422,
	payload_too_large: 400413,
	internal_error: 500000,
	bad_gateway: 500002,
	service_unavailable: 500003,
};

const DEFAULT_MESSAGES = {
	unauthorized: 'Unauthorized',
	forbidden: 'missing user-read to execute this operation',
	not_found: 'Not found',
	method_not_allowed: 'Method Not Allowed',
	rate_limit_exceeded: 'Rate limit exceeded. Please retry later.',
	trial_video_limit_exceeded: "It seems you've reached your daily api trial limit 5.",
	insufficient_credit: 'Your account has 0 credits but this video requires 1 credits.',
	internal_error: 'Internal server error',
	bad_gateway: 'Bad gateway',
	service_unavailable: 'Service temporarily unavailable',
	request_in_progress: 'A request with this Idempotency-Key is still in progress. Retry later.',
	invalid_parameter: 'Invalid parameter',
};

/** Build an error body in the family's envelope. */
function errorBody(family, { code, message, param, detail, numericCode } = {}) {
	const msg = message || DEFAULT_MESSAGES[code] || code;
	if (family === 'v1') {
		const body = { code: numericCode ?? V1_CODES[code] ?? 400000, message: msg };
		return body;
	}
	if (family === 'v2') {
		return { data: null, error: { code, message: msg } };
	}
	const err = { code, message: msg };
	if (param) err.param = param;
	if (detail) err.detail = detail;
	err.doc_url = `${DOC_BASE}#${String(code).replace(/_/g, '-')}`;
	return { error: err };
}

/** An error response descriptor {status, body, headers}. */
function errorResponse(family, status, code, message, extra = {}) {
	const { headers, ...rest } = extra;
	return { status, body: errorBody(family, { code, message, ...rest }), headers: headers || {} };
}

/** v1 success: {code:100, data, message:"Success"}; style 'msg' gives {code:100,data,msg:null,message:null}. */
function v1Ok(data, style = 'success') {
	if (style === 'msg') return { status: 200, body: { code: 100, data, msg: null, message: null } };
	return { status: 200, body: { code: 100, data, message: 'Success' } };
}
function v2Ok(data) {
	return { status: 200, body: { error: null, data } };
}
/** A v3 error answer: {error:{code,message,param?}}. */
function v3Error(status, code, message, param) {
	return errorResponse('v3', status, code, message, { param });
}
function v3Ok(data, extra) {
	return { status: 200, body: extra ? { data, ...extra } : { data } };
}

module.exports = {
	v3Error,
	familyOf,
	errorBody,
	errorResponse,
	v1Ok,
	v2Ok,
	v3Ok,
	V1_CODES,
	DEFAULT_MESSAGES,
};
