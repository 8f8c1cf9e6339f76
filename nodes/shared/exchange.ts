/**
 * One HTTP exchange with HeyGen through the credential: redirects followed only within the Base URL's origin
 * (GETs only), answers read whole but bounded, and a 2xx that is not JSON recognised as an unknown answer.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './constants';
import type { HeyGenErrorInfo } from './errors';
import { discardBody, parseBody, readBoundedText, ResponseTooLargeError } from './responseBody';
import type { HeyGenContext, HeyGenRequest } from './requests';

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

const MAX_SAME_ORIGIN_REDIRECTS = 3;

/** A redirect or size refusal: final, never retried and never reported as a network failure. */
export function boundaryViolation(error: unknown): NodeApiError | undefined {
	return error instanceof NodeApiError && (error as { heyGenBoundary?: boolean }).heyGenBoundary
		? error
		: undefined;
}

function boundaryError(error: NodeApiError): NodeApiError {
	(error as { heyGenBoundary?: boolean }).heyGenBoundary = true;
	return error;
}

function redirectRefused(
	context: HeyGenContext,
	request: HeyGenRequest,
	target: URL,
	base: URL,
): NodeApiError {
	return boundaryError(
		new NodeApiError(
			context.getNode(),
			{ message: `redirect to ${target.host}` },
			{
				message: `HeyGen's API answered with a redirect to ${target.host}; the request was not sent there`,
				description: `The API key goes only to ${base.host}, so redirects to other hosts are never followed. Check the Base URL in the HeyGen credential (a proxy may be redirecting).`,
				httpCode: 'redirect',
				itemIndex: request.itemIndex,
			},
		),
	);
}

/**
 * One request, read whole (bounded), following redirects only within the Base URL's origin and only for GETs.
 * Network failures are thrown as they come (the caller decides on retries); boundary violations are marked.
 */
export async function sendWithinOrigin(
	this: HeyGenContext,
	first: IHttpRequestOptions,
	request: HeyGenRequest,
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: unknown }> {
	const base = new URL(`${first.baseURL}/`);
	let options = first;
	for (let hop = 0; ; hop++) {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as {
			statusCode: number;
			headers: Record<string, unknown>;
			body: unknown;
		};
		const location = response.headers?.location;
		if (
			REDIRECT_CODES.has(response.statusCode) &&
			typeof location === 'string' &&
			location !== ''
		) {
			discardBody(response.body);
			const current = new URL(String(options.url), `${options.baseURL ?? first.baseURL}/`);
			const target = new URL(location, current);
			const sameOrigin = target.origin === base.origin;
			if (!sameOrigin || request.method !== 'GET' || hop >= MAX_SAME_ORIGIN_REDIRECTS) {
				throw redirectRefused(this, request, target, base);
			}
			options = { ...first, baseURL: undefined, url: target.href, qs: undefined };
			continue;
		}
		const read = await readBoundedText(response.body);
		if (!read.ok)
			throw boundaryError(
				new ResponseTooLargeError(this.getNode(), read.tooLarge, request.itemIndex),
			);
		return {
			statusCode: response.statusCode,
			headers: response.headers ?? {},
			body: parseBody(read.text),
		};
	}
}

/** A 2xx whose body is not a JSON object (cut off, an HTML page from a proxy): HeyGen's answer is unknown. */
export function unreadableSuccess(
	request: HeyGenRequest,
	response: { statusCode: number; headers: Record<string, unknown>; body: unknown },
) {
	if (typeof response.body === 'object' && response.body !== null) return undefined;
	if (response.statusCode === 204) return undefined;
	const text = typeof response.body === 'string' ? response.body.trim().slice(0, 200) : '';
	const info: HeyGenErrorInfo = {
		httpCode: response.statusCode,
		kind: 'server',
		code: 'unreadable_response',
		message: `${request.method} ${request.path} answered HTTP ${response.statusCode} with a body that is not JSON${text ? `: ${text}` : ''}`,
	};
	return info;
}
