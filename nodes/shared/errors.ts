/**
 * HeyGen answers in three envelopes (v1 `{code, message}`, v2 `{error, data}`, v3 `{error: {code, message}}`),
 * sometimes with an error inside an HTTP 200. This module turns any of them into one description of the
 * failure (kind, and the advice from the one advice table) and raises it as the error a HeyGen request ends
 * in; a connection that failed ends in networkFailure.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { parseRetryAfter } from './backoff';
import { headerValue } from './headers';
import { isRecord } from './json';
import type { HeyGenContext, HeyGenRequest } from './requests';

export type HeyGenErrorKind =
	| 'unauthorized'
	| 'forbidden'
	| 'insufficient_credit'
	| 'rate_limited'
	| 'trial_limit'
	| 'not_found'
	| 'invalid_request'
	| 'in_progress'
	| 'server'
	| 'unknown';

export interface HeyGenErrorInfo {
	httpCode: number;
	kind: HeyGenErrorKind;
	code?: string;
	message: string;
	detail?: string;
	param?: string;
	docUrl?: string;
	requestId?: string;
	retryAfterMs?: number;
}

type Headers = Record<string, unknown>;

const V1_SUCCESS = 100;

function asText(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value.trim() === '' ? undefined : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

interface EnvelopeError {
	code?: string;
	message?: string;
	detail?: string;
	param?: string;
	docUrl?: string;
}

/** The error an envelope carries, if any, whatever the HTTP status. */
export function envelopeError(body: unknown): EnvelopeError | undefined {
	if (!isRecord(body)) return undefined;
	const { error } = body;
	if (typeof error === 'string' && error.trim() !== '') return { message: error };
	if (isRecord(error)) {
		return {
			code: asText(error.code),
			message: asText(error.message) ?? asText(error.msg),
			detail: asText(error.detail),
			param: asText(error.param),
			docUrl: asText(error.doc_url),
		};
	}
	// v1: a numeric `code` that is not 100 is an error, even in an HTTP 200.
	if (typeof body.code === 'number' && body.code !== V1_SUCCESS) {
		return {
			code: String(body.code),
			message: asText(body.message) ?? asText(body.msg),
		};
	}
	return undefined;
}

/** A rule matches an error code (lower-cased) it lists or, when it names one, the HTTP status. */
type KindRule = [codes: string[], httpCode: number | undefined, kind: HeyGenErrorKind];

/** Decided before the HTTP status 429 is looked at. */
const CODE_RULES: KindRule[] = [
	[['trial_video_limit_exceeded', '400664'], undefined, 'trial_limit'],
	[['rate_limit_exceeded'], undefined, 'rate_limited'],
	[['insufficient_credit'], 402, 'insufficient_credit'],
	[['request_in_progress'], undefined, 'in_progress'],
];

const STATUS_RULES: KindRule[] = [
	[['unauthorized', '400112', '40009'], 401, 'unauthorized'],
	[['forbidden', 'resource_access_denied', '400573'], 403, 'forbidden'],
	[['not_found'], 404, 'not_found'],
	[[], 409, 'in_progress'],
];

function firstRule(rules: KindRule[], httpCode: number, code: string): HeyGenErrorKind | undefined {
	return rules.find(([codes, status]) => codes.includes(code) || status === httpCode)?.[2];
}

export function classifyError(
	httpCode: number,
	code: string | undefined,
	hasRetryAfter: boolean,
): HeyGenErrorKind {
	const normalized = (code ?? '').toLowerCase();
	const byCode = firstRule(CODE_RULES, httpCode, normalized);
	if (byCode) return byCode;
	if (httpCode === 429) return hasRetryAfter ? 'rate_limited' : 'trial_limit';
	const byStatus = firstRule(STATUS_RULES, httpCode, normalized);
	if (byStatus) return byStatus;
	if (httpCode >= 500) return 'server';
	if (httpCode >= 400 || normalized !== '') return 'invalid_request';
	return 'unknown';
}

/**
 * Reads a HeyGen response. Returns undefined for a success, otherwise what went wrong.
 * An HTTP 2xx with an error envelope counts as a failure.
 */
export function readHeyGenError(
	httpCode: number,
	body: unknown,
	headers?: Headers,
	nowMs: number = Date.now(),
): HeyGenErrorInfo | undefined {
	const fromEnvelope = envelopeError(body);
	if (httpCode >= 200 && httpCode < 300 && !fromEnvelope) return undefined;

	const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), nowMs);
	const effectiveHttp = httpCode >= 200 && httpCode < 300 ? 200 : httpCode;
	const kind = classifyError(effectiveHttp, fromEnvelope?.code, retryAfterMs !== undefined);
	const rawText =
		typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : undefined;
	return {
		httpCode,
		kind,
		code: fromEnvelope?.code,
		message: fromEnvelope?.message ?? rawText ?? `HTTP ${httpCode}`,
		detail: fromEnvelope?.detail,
		param: fromEnvelope?.param,
		docUrl: fromEnvelope?.docUrl,
		requestId: asText(headerValue(headers, 'x-request-id')),
		retryAfterMs,
	};
}

/**
 * The one advice table: for each kind of failure, what it means for the user (the error's description) and,
 * where the user can act on the item, the next step (added to the message by nodes whose items are run again).
 */
const ADVICE: Record<HeyGenErrorKind, { advice: string; nextStep?: string }> = {
	unauthorized: {
		advice: 'HeyGen rejected the API key. Check the HeyGen credential (HeyGen → Settings → API).',
		nextStep: 'Check the API key in the HeyGen credential.',
	},
	forbidden: {
		advice:
			'The API key is valid but lacks permission for this call, or the resource belongs to another account or plan.',
		nextStep: 'The API key lacks permission for this template or call.',
	},
	insufficient_credit: {
		advice:
			'The HeyGen account has too few credits for this video. Top up or upgrade the plan, then run the item again.',
		nextStep: 'Not enough HeyGen credits: top up or upgrade the plan, then run the item again.',
	},
	rate_limited: {
		advice:
			'HeyGen is rate limiting this account: too many requests or renders at once. Retry later or send fewer items at a time.',
		nextStep:
			'HeyGen still refused after the allowed waits (too many requests or renders at once). Run the item again later, or spread the batch with Options → Delay Between Items.',
	},
	trial_limit: {
		advice:
			"The account's daily trial/test video limit is used up. It resets 24 hours after the first video of the window; upgrade the plan to lift it.",
		nextStep:
			'The daily trial/test video limit is used up: wait until it resets (24 h after the first video) or upgrade the HeyGen plan.',
	},
	not_found: {
		advice:
			'HeyGen does not know this ID for this API key (wrong ID, deleted, or another account).',
	},
	invalid_request: { advice: 'HeyGen rejected the request as invalid.' },
	in_progress: { advice: 'An identical request is still being processed by HeyGen.' },
	server: { advice: 'HeyGen had an internal error.' },
	unknown: { advice: 'HeyGen returned an unexpected answer.' },
};

/** Why a request that may have started a paid video was not repeated, and what to check. */
export const UNPROTECTED_SEND_ADVICE =
	'This request has no idempotency protection, so it was not repeated: repeating it could create and charge a second video. Check the HeyGen dashboard for a new video before running this item again.';

/**
 * When the failure happened, where that changes what the user is told: a plain answer; an answer to a request
 * that may have started a video and was not repeated; a 429 whose Retry-After exceeds what the node waits.
 */
export type ErrorCircumstance =
	| { kind: 'answer' }
	| { kind: 'unprotectedSend' }
	| { kind: 'retryAfterTooLong'; maxWaitMs: number };

/** A message and a description for an n8n error, with the advice that helps a user act on it. */
export function describeHeyGenError(
	info: HeyGenErrorInfo,
	circumstance: ErrorCircumstance = { kind: 'answer' },
): { message: string; description: string } {
	if (circumstance.kind === 'unprotectedSend') {
		return {
			message: `HeyGen answered HTTP ${info.httpCode} after the request was sent: the video may or may not have started`,
			description: UNPROTECTED_SEND_ADVICE,
		};
	}
	const parts = [ADVICE[info.kind].advice];
	if (info.detail && info.detail !== info.message) parts.push(`Detail: ${info.detail}`);
	if (info.param) parts.push(`Parameter: ${info.param}`);
	if (info.docUrl) parts.push(`See ${info.docUrl}`);
	if (info.requestId) parts.push(`HeyGen request ID: ${info.requestId}`);
	parts.push(`HTTP ${info.httpCode}`);
	const description = parts.join(' ');
	if (circumstance.kind === 'retryAfterTooLong') {
		const asked = Math.ceil((info.retryAfterMs ?? 0) / 1000);
		return {
			message: `HeyGen refused the request (HTTP 429) and asked to wait ${asked} s (Retry-After) before trying again, longer than the ${Math.round(circumstance.maxWaitMs / 1000)} s the node waits`,
			description: `${description} Nothing was retried. Run the item again after that time, or send fewer items at a time.`,
		};
	}
	const code = info.code ? ` [${info.code}]` : '';
	return { message: `HeyGen error${code}: ${info.message}`, description };
}

/**
 * The message with the table's next step for this kind appended, or undefined when there is none to add (no
 * step for the kind, a Retry-After that was not waited for already says what to do, or the step is there).
 */
export function messageWithNextStep(
	message: string,
	kind: HeyGenErrorKind,
	circumstance: ErrorCircumstance = { kind: 'answer' },
): string | undefined {
	const step = ADVICE[kind].nextStep;
	if (!step || circumstance.kind === 'retryAfterTooLong' || message.includes(step))
		return undefined;
	return `${message.replace(/[.\s]+$/, '')}. ${step}`;
}

/**
 * Raised with the parsed HeyGen failure attached, so callers can branch on `heyGen.kind`. Its message and
 * description come from the advice table above, chosen by kind and circumstance.
 */
export class HeyGenApiError extends NodeApiError {
	heyGen: HeyGenErrorInfo;

	readonly circumstance: ErrorCircumstance;

	constructor(
		context: HeyGenContext,
		info: HeyGenErrorInfo,
		body: unknown,
		itemIndex?: number,
		circumstance: ErrorCircumstance = { kind: 'answer' },
	) {
		const { message, description } = describeHeyGenError(info, circumstance);
		super(context.getNode(), toJsonObject(body, info), {
			message,
			description,
			httpCode: String(info.httpCode),
			itemIndex,
		});
		this.heyGen = info;
		this.circumstance = circumstance;
	}

	/** For nodes whose items the user runs again: the message also names the next step (advice table). */
	withNextStep(): this {
		this.message =
			messageWithNextStep(this.message, this.heyGen.kind, this.circumstance) ?? this.message;
		return this;
	}
}

function toJsonObject(body: unknown, info: HeyGenErrorInfo): JsonObject {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as JsonObject;
	return { message: info.message, httpCode: info.httpCode };
}

export function networkFailure(
	context: HeyGenContext,
	request: HeyGenRequest,
	error: unknown,
): NodeApiError {
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
				? UNPROTECTED_SEND_ADVICE
				: 'Check the Base URL in the HeyGen credential and the network between n8n and HeyGen.',
			itemIndex: request.itemIndex,
		},
	);
}
