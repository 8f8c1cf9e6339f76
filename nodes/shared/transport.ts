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
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { backoffDelay, delay } from './backoff';
import { cancelSignal, isAbort } from './cancel';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL } from './constants';
import type { HeyGenErrorInfo } from './errors';
import { HeyGenApiError, networkFailure, readHeyGenError } from './errors';
import { boundaryViolation, sendWithinOrigin, unreadableSuccess } from './exchange';
import type { HeyGenContext, HeyGenRequest, HeyGenResponse, RetryPolicy } from './requests';
import { DEFAULT_RETRY_POLICY, retryAfterGate } from './requests';

export { HeyGenApiError } from './errors';
export type {
	HeyGenContext,
	HeyGenRequest,
	HeyGenResponse,
	RetryAfterGate,
	RetryPolicy,
} from './requests';
export { DEFAULT_RETRY_POLICY, withRetryAfterGate } from './requests';

/**
 * The credential, read once per node run (one context object): n8n decrypts it and resolves its fields on every
 * getCredentials call, a cost per item otherwise. A failed read is not kept.
 */
const credentialReads = new WeakMap<object, Promise<ICredentialDataDecryptedObject>>();

export async function heyGenCredentials(
	this: HeyGenContext,
): Promise<ICredentialDataDecryptedObject> {
	let read = credentialReads.get(this);
	if (!read) {
		read = this.getCredentials(CREDENTIAL_TYPE);
		credentialReads.set(this, read);
		read.catch(() => credentialReads.delete(this));
	}
	return await read;
}

export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '');
}

function cancelled(context: HeyGenContext, request: HeyGenRequest, error?: Error) {
	const message = 'The execution was cancelled while waiting for HeyGen';
	return new NodeOperationError(context.getNode(), error ?? message, {
		message,
		itemIndex: request.itemIndex,
	});
}

function retryAfterTooLong(
	context: HeyGenContext,
	request: HeyGenRequest,
	info: HeyGenErrorInfo,
	body: unknown,
	policy: RetryPolicy,
): HeyGenApiError {
	return new HeyGenApiError(context, info, body, request.itemIndex, {
		kind: 'retryAfterTooLong',
		maxWaitMs: policy.maxRetryAfterMs,
	});
}

export async function heyGenRequest<T = IDataObject>(
	this: HeyGenContext,
	request: HeyGenRequest,
): Promise<HeyGenResponse<T>> {
	if (/(^|\/)\.{1,2}(\/|$)|[?#\\]/.test(request.path)) {
		// Callers encode IDs; a dot segment or query character here would send the key to another endpoint.
		throw new NodeOperationError(
			this.getNode(),
			`Refused to call HeyGen at an unsafe path: ${request.path.slice(0, 100)}`,
			{
				itemIndex: request.itemIndex,
			},
		);
	}
	const credentials = await heyGenCredentials.call(this);
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
	const backoff = (attempt: number) =>
		backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });

	for (let attempt = 1; ; attempt++) {
		const canRetry = attempt < policy.maxAttempts;
		let response: { statusCode: number; headers: Record<string, unknown>; body: unknown };
		if (gate && !(await gate.ready(signal, request))) {
			if (signal?.aborted) throw cancelled(this, request);
			throw new NodeOperationError(
				this.getNode(),
				'Not sent: an earlier item failed and the node stopped',
				{ itemIndex: request.itemIndex },
			);
		}
		const sentAt = Date.now();
		try {
			response = await sendWithinOrigin.call(this, options, request);
		} catch (error) {
			const boundary = boundaryViolation(error);
			if (boundary) throw boundary;
			if (isAbort(error, signal)) throw cancelled(this, request, error as Error);
			if (!request.idempotent || !canRetry) throw networkFailure(this, request, error);
			await delay(backoff(attempt), signal);
			continue;
		}

		const info =
			readHeyGenError(response.statusCode, response.body, response.headers) ??
			unreadableSuccess(request, response);
		if (!info) {
			gate?.passed();
			return {
				statusCode: response.statusCode,
				headers: response.headers,
				body: response.body as T,
			};
		}

		if (info.kind === 'rate_limited' && gate) {
			// The shared budget bounds these retries (plus a cap per request, so one unlucky request cannot loop
			// while the others get through), so they do not use up this request's own attempts.
			const wait = info.retryAfterMs ?? backoff(attempt);
			gatedRefusals++;
			const withinCap = gatedRefusals < 4 * policy.maxAttempts;
			if (wait > policy.maxRetryAfterMs)
				throw retryAfterTooLong(this, request, info, response.body, policy);
			if (withinCap && gate.refused(wait, sentAt)) {
				attempt--;
				continue;
			}
		} else if (info.kind === 'rate_limited' && canRetry) {
			const wait = info.retryAfterMs ?? backoff(attempt);
			if (wait > policy.maxRetryAfterMs)
				throw retryAfterTooLong(this, request, info, response.body, policy);
			await delay(wait, signal);
			continue;
		}
		if (request.idempotent && canRetry && (info.kind === 'server' || info.kind === 'in_progress')) {
			await delay(backoff(attempt), signal);
			continue;
		}
		if (info.kind === 'server' && request.method !== 'GET' && !request.idempotent) {
			throw new HeyGenApiError(this, info, response.body, request.itemIndex, {
				kind: 'unprotectedSend',
			});
		}
		throw new HeyGenApiError(this, info, response.body, request.itemIndex);
	}
}
