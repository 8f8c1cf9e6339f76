import { sleep } from 'n8n-workflow';

export interface BackoffOptions {
	baseMs: number;
	maxMs: number;
	factor: number;
	/** Fraction of the delay that is randomised, so parallel executions do not retry in lockstep. */
	jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
	baseMs: 1000,
	maxMs: 30_000,
	factor: 2,
	jitter: 0.2,
};

/** Delay before retry number `attempt` (1-based): exponential, capped, with symmetric jitter. */
export function backoffDelay(
	attempt: number,
	options: Partial<BackoffOptions> = {},
	random: () => number = Math.random,
): number {
	const { baseMs, maxMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...options };
	const exponential = Math.min(maxMs, baseMs * Math.pow(factor, Math.max(0, attempt - 1)));
	const spread = exponential * jitter * (random() * 2 - 1);
	return Math.max(0, Math.round(Math.min(maxMs, exponential + spread)));
}

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (raw === undefined || raw === null) return undefined;
	const text = String(raw).trim();
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(parseFloat(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

/**
 * Waits `ms`, or rejects as soon as `signal` aborts. n8n 1.x's `sleep` ignores an abort signal,
 * so the abort is raced here as well, which keeps cancellation prompt on every n8n version.
 */
export async function delay(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0) return;
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw abortError(signal);
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(abortError(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

function abortError(signal: AbortSignal): Error {
	const reason: unknown = signal.reason;
	if (reason instanceof Error) return reason;
	const error = new Error('The execution was cancelled');
	error.name = 'AbortError';
	return error;
}
