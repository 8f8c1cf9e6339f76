/**
 * When to check HeyGen again while the node polls, and when to stop. Pure: the caller supplies the clock.
 *
 * The schedule grows geometrically (2 s, 3 s, 4.5 s, … capped at 15 s by default) so that quick renders are
 * seen quickly while long ones cost few status calls, and polling never runs past the time budget: a
 * round is only scheduled when it can start, and still have time to run, before the budget ends; the
 * status requests themselves are cut at the budget's end (see checkVideos' deadline).
 */

export interface PollSchedule {
	initialDelayMs: number;
	maxDelayMs: number;
	factor: number;
	/** Longest time the node may spend polling, from its first status check. */
	budgetMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
	initialDelayMs: 2000,
	maxDelayMs: 15_000,
	factor: 1.5,
	budgetMs: 55_000,
};

/** n8n keeps executions shorter than this in memory; longer waits are parked in the database. */
export const ENGINE_IN_PROCESS_LIMIT_MS = 65_000;

/** A round is not started with less budget left than this: its requests would be cut before HeyGen answers. */
export const MIN_ROUND_MS = 1000;

/**
 * The first status check may run this long even under a smaller budget: without any answer every item would
 * be an error, while a late round cut short only leaves items on Still Rendering with their last status.
 */
export const FIRST_CHECK_MIN_MS = 10_000;

/** Epoch ms at which the status requests of round `round` (1 = first check) are cut. */
export function roundDeadline(round: number, startedMs: number, schedule: PollSchedule): number {
	return (
		startedMs + (round === 1 ? Math.max(schedule.budgetMs, FIRST_CHECK_MIN_MS) : schedule.budgetMs)
	);
}

/** Delay before poll round `round` (1 = the wait after the first check). */
export function pollDelay(round: number, schedule: PollSchedule): number {
	const exponent = Math.max(0, round - 1);
	const raw = schedule.initialDelayMs * Math.pow(Math.max(1, schedule.factor), exponent);
	return Math.max(0, Math.round(Math.min(schedule.maxDelayMs, raw)));
}

/**
 * The wait before the next round, or undefined when the budget does not allow one: the node then emits
 * what is still rendering. `elapsedMs` is the time since the first check started.
 */
export function nextPollDelay(
	round: number,
	elapsedMs: number,
	schedule: PollSchedule,
): number | undefined {
	const remaining = schedule.budgetMs - elapsedMs;
	if (remaining <= 0) return undefined;
	const wanted = pollDelay(round, schedule);
	// Waiting past the budget would hold the worker longer than the user allowed, and a round that starts
	// just before the end would be cut before HeyGen answers.
	if (wanted + MIN_ROUND_MS > remaining) return undefined;
	return wanted;
}

/** The most status rounds a budget allows (first check included): a bound for tests and docs. */
export function maxPollRounds(schedule: PollSchedule): number {
	let elapsed = 0;
	let rounds = 1;
	for (;;) {
		const wait = nextPollDelay(rounds, elapsed, schedule);
		if (wait === undefined) return rounds;
		elapsed += wait;
		rounds++;
		if (rounds > 100_000) return rounds;
	}
}

/**
 * Builds a schedule from the node's settings (seconds), keeping it sane: a zero or negative interval
 * would hammer HeyGen, so the interval is at least 100 ms; the cap is never below the first delay.
 */
export function scheduleFromSettings(settings: {
	maxTimeSeconds: number;
	initialIntervalSeconds?: number;
	maxIntervalSeconds?: number;
}): PollSchedule {
	const initialDelayMs = Math.max(100, Math.round((settings.initialIntervalSeconds ?? 2) * 1000));
	const maxDelayMs = Math.max(
		initialDelayMs,
		Math.round((settings.maxIntervalSeconds ?? 15) * 1000),
	);
	const budgetMs = Math.max(0, Math.round(settings.maxTimeSeconds * 1000));
	return { ...DEFAULT_POLL_SCHEDULE, initialDelayMs, maxDelayMs, budgetMs };
}

/** Splits ids into chunks of at most `size` (the v3 bulk status endpoint takes 100 ids per call). */
export function chunk<T>(values: T[], size: number): T[][] {
	const out: T[][] = [];
	const step = Math.max(1, Math.floor(size));
	for (let i = 0; i < values.length; i += step) out.push(values.slice(i, i + step));
	return out;
}
