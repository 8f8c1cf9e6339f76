/**
 * The one door to the HeyGen API. Authentication comes from the credential's generic header auth (the
 * key never leaves this layer), envelopes are read by ./errors, and the retry policy lives here:
 * - a request HeyGen refused with 429 + Retry-After is retried after the delay, whatever its method;
 * - a request that is safe to repeat (GET, or a POST carrying an Idempotency-Key) is also retried after
 *   network errors, timeouts, 5xx and 409 request_in_progress;
 * - any other POST is never repeated once it may have reached HeyGen, since a second generate call can
 *   create a second paid video.
 *
 * Trust boundaries: redirects are never followed by n8n's helper (it re-sends custom headers such as
 * X-Api-Key to any host; it strips only Authorization and Cookie). A redirect to the Base URL's own origin is
 * followed here (GETs only); any other is an error naming the host, and nothing is sent there. Answers are
 * read as streams and refused past MAX_API_RESPONSE_BYTES.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { backoffDelay, delay } from './backoff';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL } from './constants';
import type { HeyGenErrorInfo } from './errors';
import { describeHeyGenError, readHeyGenError } from './errors';
import { discardBody, parseBody, readBoundedText, ResponseTooLargeError } from './responseBody';

export type HeyGenContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** A Retry-After longer than this is not waited for: the error is raised instead. */
	maxRetryAfterMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	maxRetryAfterMs: 60_000,
	baseDelayMs: 1000,
	maxDelayMs: 20_000,
};

export interface HeyGenRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** True when repeating the request cannot have a second effect (GETs, keyed v3 POSTs). */
	idempotent: boolean;
	idempotencyKey?: string;
	itemIndex?: number;
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
}

/**
 * One Retry-After clock for requests sent side by side (Generate's Requests in Parallel): while HeyGen's
 * Retry-After runs, none of them is sent, and their 429s draw on one budget instead of one each.
 * It travels on the context (see withRetryAfterGate), so callers between the node and this layer need no change.
 */
export interface RetryAfterGate {
	/**
	 * Resolves true once `request` may be sent (no shared Retry-After wait is running, and whatever else the gate
	 * orders), false when it must not be sent at all: the execution was cancelled or the gate closed.
	 */
	ready(signal: AbortSignal | undefined, request: HeyGenRequest): Promise<boolean>;
	/** HeyGen refused a request sent at `sentAt` with 429 for `waitMs`: false once the shared budget is spent. */
	refused(waitMs: number, sentAt: number): boolean;
	/** A request went through: the next 429 starts the budget afresh. */
	passed(): void;
}

const RETRY_AFTER_GATE = Symbol('heyGenRetryAfterGate');

/** `context`, with requests made through it sharing `gate`. */
export function withRetryAfterGate<T extends HeyGenContext>(context: T, gate: RetryAfterGate): T {
	return Object.create(context, { [RETRY_AFTER_GATE]: { value: gate } }) as T;
}

function retryAfterGate(context: HeyGenContext): RetryAfterGate | undefined {
	return (context as unknown as Record<symbol, RetryAfterGate | undefined>)[RETRY_AFTER_GATE];
}

export interface HeyGenResponse<T = IDataObject> {
	statusCode: number;
	headers: Record<string, unknown>;
	body: T;
}

/** Raised with the parsed HeyGen failure attached, so callers can branch on `heyGen.kind`. */
export class HeyGenApiError extends NodeApiError {
	heyGen: HeyGenErrorInfo;

	constructor(context: HeyGenContext, info: HeyGenErrorInfo, body: unknown, itemIndex?: number) {
		const { message, description } = describeHeyGenError(info);
		super(context.getNode(), toJsonObject(body, info), {
			message,
			description,
			httpCode: String(info.httpCode),
			itemIndex,
		});
		this.heyGen = info;
	}
}

function toJsonObject(body: unknown, info: HeyGenErrorInfo): JsonObject {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as JsonObject;
	return { message: info.message, httpCode: info.httpCode };
}

export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '');
}

function cancelSignal(context: HeyGenContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
	if (signal?.aborted) return true;
	const name = (error as { name?: string } | undefined)?.name;
	return name === 'AbortError' || name === 'CanceledError';
}

function networkFailure(context: HeyGenContext, request: HeyGenRequest, error: unknown): NodeApiError {
	const reason = (error as Error | undefined)?.message ?? String(error);
	const mayHaveStarted = request.method !== 'GET' && !request.idempotent;
	return new NodeApiError(
		context.getNode(),
		{ message: reason },
		{
			message: mayHaveStarted
				? 'The connection to HeyGen failed after the request was sent: the video may or may not have started'
				: `Could not reach HeyGen: ${reason}`,
			description: mayHaveStarted
				? 'This request has no idempotency protection, so it was not repeated: repeating it could create and charge a second video. Check the HeyGen dashboard for a new video before running this item again.'
				: 'Check the Base URL in the HeyGen credential and the network between n8n and HeyGen.',
			itemIndex: request.itemIndex,
		},
	);
}

function serverFailure(context: HeyGenContext, request: HeyGenRequest, info: HeyGenErrorInfo, body: unknown) {
	const error = new HeyGenApiError(context, info, body, request.itemIndex);
	error.message = `HeyGen answered HTTP ${info.httpCode} after the request was sent: the video may or may not have started`;
	error.description =
		'This request has no idempotency protection, so it was not repeated: repeating it could create and charge a second video. Check the HeyGen dashboard for a new video before running this item again.';
	return error;
}

/** A 429 whose Retry-After is longer than the node may wait: say what HeyGen asked for; no wait happened. */
function retryAfterTooLong(context: HeyGenContext, request: HeyGenRequest, info: HeyGenErrorInfo, body: unknown, policy: RetryPolicy) {
	const error = new HeyGenApiError(context, info, body, request.itemIndex);
	const asked = Math.ceil((info.retryAfterMs ?? 0) / 1000);
	error.message = `HeyGen refused the request (HTTP 429) and asked to wait ${asked} s (Retry-After) before trying again, longer than the ${Math.round(policy.maxRetryAfterMs / 1000)} s the node waits`;
	error.description = `${error.description ?? ''} Nothing was retried. Run the item again after that time, or send fewer items at a time.`.trim();
	return error;
}

export async function heyGenRequest<T = IDataObject>(
	this: HeyGenContext,
	request: HeyGenRequest,
): Promise<HeyGenResponse<T>> {
	if (/(^|\/)\.{1,2}(\/|$)|[?#\\]/.test(request.path)) {
		// Callers encode IDs; a dot segment or query character here would send the key to another endpoint.
		throw new NodeOperationError(this.getNode(), `Refused to call HeyGen at an unsafe path: ${request.path.slice(0, 100)}`, {
			itemIndex: request.itemIndex,
		});
	}
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...request.retry };
	const signal = cancelSignal(this);
	const headers: IDataObject = { Accept: 'application/json' };
	if (request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;

	const baseURL = normalizeBaseUrl(credentials.baseUrl);
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL,
		url: request.path,
		qs: request.qs,
		headers,
		json: true,
		encoding: 'stream',
		disableFollowRedirect: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs ?? 60_000,
	};
	if (request.body !== undefined) {
		// Serialised here: n8n's request helpers deep-copy an object body and drop keys named `__proto__`,
		// `constructor` or `prototype`, which are legitimate HeyGen variable names.
		options.body = JSON.stringify(request.body);
		headers['Content-Type'] = 'application/json';
	}
	if (signal) options.abortSignal = signal;
	const gate = retryAfterGate(this);
	let gatedRefusals = 0;

	for (let attempt = 1; ; attempt++) {
		const canRetry = attempt < policy.maxAttempts;
		let response: { statusCode: number; headers: Record<string, unknown>; body: unknown };
		if (gate && !(await gate.ready(signal, request))) {
			throw new NodeOperationError(this.getNode(), signal?.aborted ? 'The execution was cancelled while waiting for HeyGen' : 'Not sent: an earlier item failed and the node stopped', {
				itemIndex: request.itemIndex,
			});
		}
		const sentAt = Date.now();
		try {
			response = await sendWithinOrigin.call(this, options, request);
		} catch (error) {
			const boundary = boundaryViolation(error);
			if (boundary) throw boundary;
			if (isAbort(error, signal)) {
				throw new NodeOperationError(this.getNode(), error as Error, {
					message: 'The execution was cancelled while waiting for HeyGen',
					itemIndex: request.itemIndex,
				});
			}
			if (!request.idempotent || !canRetry) throw networkFailure(this, request, error);
			await delay(backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }), signal);
			continue;
		}

		const info =
			readHeyGenError(response.statusCode, response.body, response.headers) ?? unreadableSuccess(request, response);
		if (!info) {
			gate?.passed();
			return { statusCode: response.statusCode, headers: response.headers, body: response.body as T };
		}

		if (info.kind === 'rate_limited' && gate) {
			// The shared budget bounds these retries (plus a cap per request, so one unlucky request cannot loop
			// while the others get through), so they do not use up this request's own attempts.
			const wait = info.retryAfterMs ?? backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
			gatedRefusals++;
			const withinCap = gatedRefusals < 4 * policy.maxAttempts;
			if (wait > policy.maxRetryAfterMs) throw retryAfterTooLong(this, request, info, response.body, policy);
			if (withinCap && gate.refused(wait, sentAt)) {
				attempt--;
				continue;
			}
		} else if (info.kind === 'rate_limited' && canRetry) {
			const wait = info.retryAfterMs ?? backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
			if (wait <= policy.maxRetryAfterMs) {
				await delay(wait, signal);
				continue;
			}
			throw retryAfterTooLong(this, request, info, response.body, policy);
		}
		if (request.idempotent && canRetry && (info.kind === 'server' || info.kind === 'in_progress')) {
			await delay(backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }), signal);
			continue;
		}
		if (info.kind === 'server' && request.method !== 'GET' && !request.idempotent) {
			throw serverFailure(this, request, info, response.body);
		}
		throw new HeyGenApiError(this, info, response.body, request.itemIndex);
	}
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const MAX_SAME_ORIGIN_REDIRECTS = 3;

/** A redirect or size refusal: final, never retried and never reported as a network failure. */
function boundaryViolation(error: unknown): NodeApiError | undefined {
	return error instanceof NodeApiError && (error as { heyGenBoundary?: boolean }).heyGenBoundary ? error : undefined;
}

function boundaryError(error: NodeApiError): NodeApiError {
	(error as { heyGenBoundary?: boolean }).heyGenBoundary = true;
	return error;
}

function redirectRefused(context: HeyGenContext, request: HeyGenRequest, target: URL, base: URL): NodeApiError {
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
async function sendWithinOrigin(
	this: HeyGenContext,
	first: IHttpRequestOptions,
	request: HeyGenRequest,
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: unknown }> {
	const base = new URL(`${first.baseURL}/`);
	let options = first;
	for (let hop = 0; ; hop++) {
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as {
			statusCode: number;
			headers: Record<string, unknown>;
			body: unknown;
		};
		const location = response.headers?.location;
		if (REDIRECT_CODES.has(response.statusCode) && typeof location === 'string' && location !== '') {
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
		if (!read.ok) throw boundaryError(new ResponseTooLargeError(this.getNode(), read.tooLarge, request.itemIndex));
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: parseBody(read.text) };
	}
}

/** A 2xx whose body is not a JSON object (cut off, an HTML page from a proxy): HeyGen's answer is unknown. */
function unreadableSuccess(
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
