'use strict';
/**
 * The answer an injected API fault turns into, in the family's own error envelope.
 * Methods of the sandbox core (index.js mixes them in); `this` is the core.
 */
const { errorResponse, errorBody } = require('./envelopes');

class SandboxFaultResponses {
	_faultResponse(family, fault) {
		const status = fault.status;
		const over = (code, message) => ({
			code: fault.code || code,
			message: fault.message || message,
		});
		if (fault.body !== undefined) {
			return {
				status: status || 500,
				body: typeof fault.body === 'string' ? fault.body : fault.body,
				headers: fault.contentType ? { 'content-type': fault.contentType } : {},
			};
		}
		switch (fault.type) {
			case 'rate_limit': {
				const retryAfter = fault.retryAfter ?? 1;
				const e = over(
					'rate_limit_exceeded',
					`Rate limit exceeded. Retry after ${retryAfter} seconds.`,
				);
				return errorResponse(family, status || 429, e.code, e.message, {
					headers: { 'retry-after': String(retryAfter) },
				});
			}
			case 'trial_limit': {
				const e = over(
					'trial_video_limit_exceeded',
					"It seems you've reached your daily api trial limit 5.",
				);
				return errorResponse(family, status || 429, e.code, e.message);
			}
			case 'insufficient_credit': {
				const e = over(
					'insufficient_credit',
					'Your account has 0 credits but this video requires 1 credits.',
				);
				return errorResponse(family, status || 402, e.code, e.message);
			}
			case 'server_error': {
				const s = status || 500;
				const code =
					s === 502 ? 'bad_gateway' : s === 503 ? 'service_unavailable' : 'internal_error';
				const e = over(
					code,
					s === 502
						? 'Bad gateway'
						: s === 503
							? 'Service temporarily unavailable'
							: 'Internal server error',
				);
				return errorResponse(family, s, e.code, e.message);
			}
			case 'unauthorized': {
				const e = over('unauthorized', 'Unauthorized');
				return errorResponse(family, status || 401, e.code, e.message);
			}
			case 'redirect':
				return {
					status: status || 302,
					body: '',
					headers: {
						location:
							fault.location || `${this.cdnUrl.replace('127.0.0.1', 'localhost')}/elsewhere`,
					},
				};
			case 'malformed_json':
				return {
					status: status || 200,
					body: '{"error":null,"data":{"video_id":"vid_',
					headers: { 'content-type': 'application/json' },
				};
			case 'html_error':
				return {
					status: status || 502,
					body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
					headers: { 'content-type': 'text/html' },
				};
			case 'envelope_error': {
				// HTTP 200 carrying the family's error envelope: clients must check `error` / `code` on 2xx.
				const e = over(
					'internal_error',
					'Something went wrong while processing the request (sandbox envelope_error)',
				);
				return {
					status: status || 200,
					body: errorBody(family, { code: e.code, message: e.message }),
					headers: {},
				};
			}
			default:
				return null;
		}
	}
}

module.exports = { SandboxFaultResponses };
