/**
 * What a HeyGen request is: the contexts it runs in, the request and answer shapes, the retry policy, and the
 * Retry-After gate requests sent side by side share.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

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

export interface HeyGenResponse<T = IDataObject> {
	statusCode: number;
	headers: Record<string, unknown>;
	body: T;
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

export function retryAfterGate(context: HeyGenContext): RetryAfterGate | undefined {
	return (context as unknown as Record<symbol, RetryAfterGate | undefined>)[RETRY_AFTER_GATE];
}
