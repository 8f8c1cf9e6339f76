/**
 * Generate's requests in parallel: a bounded pool that starts items in input order and keeps each result at
 * its item's place, and the Retry-After clock the requests in flight share.
 *
 * Nothing here repeats a request: the pool runs each item's work once, and a 429 is retried (by the transport)
 * only because HeyGen refused it. So the v3 Idempotency-Key per item and the never-repeated legacy generate call
 * keep their guarantees whatever the number in flight. Generate requests also leave in item order (SendOrder):
 * an item that fails its checks stops every later item before it is sent, as when items went one at a time.
 */
import { delay } from '../shared/backoff';
import type { HeyGenRequest, RetryAfterGate } from '../shared/transport';

/** The outcome of one item's work; `undefined` in the result array: never started (the pool stopped first). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface PoolOptions {
	/** Most items whose work runs at the same time (at least 1). */
	limit: number;
	/** Asked after a failure: true starts no further item (items already running still finish). */
	stopAfter?: (error: unknown, index: number) => boolean;
	/** Asked before each start: true starts no further item. */
	stopped?: () => boolean;
	/** Told when each item settles, and where the pool stopped. */
	order?: SendOrder;
}

/**
 * Runs `work(0)`, `work(1)`, … with at most `limit` running, starting them in index order. Resolves when every
 * started item has settled, with one entry per index; items never started (after a stop) are `undefined`.
 */
export async function runInFlight<T>(
	count: number,
	work: (index: number) => Promise<T>,
	options: PoolOptions,
): Promise<Array<Settled<T> | undefined>> {
	const results: Array<Settled<T> | undefined> = new Array(count).fill(undefined);
	const limit = Math.max(1, Math.floor(options.limit) || 1);
	let next = 0;
	let stop = false;
	const lane = async () => {
		while (!stop && next < count) {
			if (options.stopped?.()) {
				stop = true;
				return;
			}
			const index = next++;
			try {
				results[index] = { ok: true, value: await work(index) };
			} catch (error) {
				results[index] = { ok: false, error };
				if (options.stopAfter?.(error, index)) {
					stop = true;
					options.order?.stop(index);
				}
			}
			options.order?.settled(index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
	return results;
}

/** Reads the "Requests in Parallel" option: a whole number from 1 to `max`, `fallback` when unset or unreadable. */
export function parallelLimit(value: unknown, fallback: number, max: number): number {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	if (!Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(1, Math.floor(n)));
}

/**
 * Lets item N's request out only once every earlier item has sent its own request or settled, and none after
 * an item where the pool stopped. Items still prepare (fetch, map, check) side by side; only the sending is
 * in order, and the wait is short: earlier items are at most one preparation ahead.
 */
export class SendOrder {
	private readonly reached = new Set<number>();
	/** Lowest index that has neither sent nor settled. */
	private lowest = 0;
	private stopIndex = Infinity;
	private waiters: Array<() => void> = [];

	private mark(index: number): void {
		this.reached.add(index);
		while (this.reached.has(this.lowest)) this.reached.delete(this.lowest++);
		this.wake();
	}

	private wake(): void {
		const waiters = this.waiters;
		this.waiters = [];
		for (const wake of waiters) wake();
	}

	/** Waits for item `index`'s turn to send; false when it must not be sent (the pool stopped before it). */
	async turn(index: number, signal?: AbortSignal): Promise<boolean> {
		while (index > this.lowest && index <= this.stopIndex && !signal?.aborted) {
			await new Promise<void>((resolve) => {
				const onAbort = () => resolve();
				signal?.addEventListener('abort', onAbort, { once: true });
				this.waiters.push(() => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				});
			});
		}
		if (index > this.stopIndex || signal?.aborted) return false;
		if (index >= this.lowest) this.mark(index);
		return true;
	}

	settled(index: number): void {
		if (index >= this.lowest) this.mark(index);
	}

	stop(index: number): void {
		this.stopIndex = Math.min(this.stopIndex, index);
		this.wake();
	}
}

export interface SharedRetryAfterOptions {
	/**
	 * 429 rounds in a row (with no request getting through in between) before the requests give up: the same
	 * bound one request alone has. A 429 for a request sent before the current wait began is part of that round.
	 */
	maxRounds: number;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The Retry-After clock and 429 budget of one execution's generate requests. */
export class SharedRetryAfter implements RetryAfterGate {
	private pausedUntil = 0;
	private roundStartedAt = -Infinity;
	private rounds = 0;
	private readonly now: () => number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

	/** 429 answers seen, and how many of them started a new round (for tests and benchmarks). */
	readonly stats = { refusals: 0, rounds: 0 };

	constructor(private readonly options: SharedRetryAfterOptions) {
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? delay;
	}

	async ready(signal?: AbortSignal): Promise<boolean> {
		for (let wait = this.pausedUntil - this.now(); wait > 0; wait = this.pausedUntil - this.now()) {
			try {
				await this.sleep(wait, signal);
			} catch {
				return false;
			}
		}
		return signal?.aborted !== true;
	}

	refused(waitMs: number, sentAt: number): boolean {
		const now = this.now();
		this.stats.refusals++;
		if (sentAt < this.roundStartedAt) {
			// Sent before this round's wait began: the same burst HeyGen is already refusing.
			this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
			return true;
		}
		this.rounds++;
		this.stats.rounds++;
		if (this.rounds > this.options.maxRounds) return false;
		this.roundStartedAt = now;
		this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
		return true;
	}

	passed(): void {
		this.rounds = 0;
	}
}

/** The gate Generate's requests share: generate calls in item order, then one Retry-After clock for all. */
export class GenerateGate implements RetryAfterGate {
	readonly order = new SendOrder();
	readonly retryAfter: SharedRetryAfter;

	constructor(options: SharedRetryAfterOptions) {
		this.retryAfter = new SharedRetryAfter(options);
	}

	async ready(signal: AbortSignal | undefined, request: HeyGenRequest): Promise<boolean> {
		const sends = request.method !== 'GET' && request.itemIndex !== undefined;
		if (sends && !(await this.order.turn(request.itemIndex as number, signal))) return false;
		return await this.retryAfter.ready(signal);
	}

	refused(waitMs: number, sentAt: number): boolean {
		return this.retryAfter.refused(waitMs, sentAt);
	}

	passed(): void {
		this.retryAfter.passed();
	}
}
