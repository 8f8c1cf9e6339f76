/**
 * One HTTP exchange with HeyGen through the credential: redirects followed only within the Base URL's origin
 * (GETs only), answers read from their stream with a hard size bound (a hostile or broken 100 MB "status" is
 * refused after 5 MB instead of being buffered whole and copied into items), and a 2xx that is not JSON
 * recognised as an unknown answer.
 */
import type { IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './constants';
import type { HeyGenErrorInfo } from './errors';
import type { HeyGenContext, HeyGenRequest } from './requests';

/** Far above any HeyGen JSON answer (a 100-video bulk status is ~60 KB), far below what hurts a worker. */
export const MAX_API_RESPONSE_BYTES = 5 * 1024 * 1024;

export class ResponseTooLargeError extends NodeApiError {
	constructor(node: INode, bytes: number, itemIndex?: number) {
		super(
			node,
			{ message: 'response too large' },
			{
				message: `HeyGen's answer was larger than ${MAX_API_RESPONSE_BYTES / 1024 / 1024} MB and was refused`,
				description: `At least ${bytes} bytes arrived. No HeyGen API answer is this large; check the Base URL in the HeyGen credential (a proxy or another service may be answering).`,
				itemIndex,
			},
		);
	}
}

interface ReadableLike {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy?: (error?: Error) => void;
}

function isStream(value: unknown): value is ReadableLike {
	return (
		typeof value === 'object' && value !== null && typeof (value as ReadableLike).on === 'function'
	);
}

export type BodyRead = { ok: true; text: string } | { ok: false; tooLarge: number };

/** Collects a response stream as UTF-8 text, giving up (and closing it) past `limit` bytes. */
export async function readBoundedText(
	body: unknown,
	limit = MAX_API_RESPONSE_BYTES,
): Promise<BodyRead> {
	if (!isStream(body)) {
		const text =
			typeof body === 'string'
				? body
				: body === undefined || body === null
					? ''
					: JSON.stringify(body);
		return Buffer.byteLength(text) > limit
			? { ok: false, tooLarge: Buffer.byteLength(text) }
			: { ok: true, text };
	}
	return await new Promise<BodyRead>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		body.on('data', (chunk: unknown) => {
			if (settled) return;
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += buffer.length;
			if (size > limit) {
				settled = true;
				body.destroy?.();
				resolve({ ok: false, tooLarge: size });
				return;
			}
			chunks.push(buffer);
		});
		body.on('end', () => {
			if (settled) return;
			settled = true;
			resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
		});
		body.on('error', (error: unknown) => {
			if (settled) return;
			settled = true;
			reject(error instanceof Error ? error : new Error(String(error)));
		});
	});
}

/** JSON when it parses; the text itself otherwise (an HTML error page, a truncated answer). */
export function parseBody(text: string): unknown {
	if (text.trim() === '') return '';
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Closes a response stream whose body is not needed (a redirect, a refused download). */
export function discardBody(body: unknown): void {
	if (isStream(body)) body.destroy?.();
}

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
