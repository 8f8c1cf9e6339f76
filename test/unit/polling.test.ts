import {
	chunk,
	DEFAULT_POLL_SCHEDULE,
	FIRST_CHECK_MIN_MS,
	maxPollRounds,
	MIN_ROUND_MS,
	nextPollDelay,
	pollDelay,
	roundDeadline,
	scheduleFromSettings,
} from '../../nodes/HeyGenWaitForVideo/pollSchedule';

describe('poll schedule', () => {
	test('grows from 2 s by half each round and stops growing at 15 s', () => {
		const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((round) => pollDelay(round, DEFAULT_POLL_SCHEDULE));
		expect(delays).toEqual([2000, 3000, 4500, 6750, 10125, 15000, 15000, 15000]);
	});

	test('never schedules a round that would start after the budget, or without time left to run', () => {
		const schedule = { ...DEFAULT_POLL_SCHEDULE, budgetMs: 10_000 };
		expect(nextPollDelay(1, 0, schedule)).toBe(2000);
		expect(nextPollDelay(3, 4000, schedule)).toBe(4500); // starts at 8.5 s, 1.5 s left to run
		expect(MIN_ROUND_MS).toBe(1000);
		expect(nextPollDelay(3, 5000, schedule)).toBeUndefined(); // would start at 9.5 s with 0.5 s left
		expect(nextPollDelay(3, 6000, schedule)).toBeUndefined(); // 6 s + 4.5 s > 10 s
		expect(nextPollDelay(1, 10_000, schedule)).toBeUndefined();
	});

	test('status requests are cut at the budget; the first check gets at least 10 s', () => {
		const schedule = { ...DEFAULT_POLL_SCHEDULE, budgetMs: 3000 };
		expect(FIRST_CHECK_MIN_MS).toBe(10_000);
		expect(roundDeadline(1, 1_000_000, schedule)).toBe(1_010_000);
		expect(roundDeadline(2, 1_000_000, schedule)).toBe(1_003_000);
		expect(roundDeadline(1, 0, DEFAULT_POLL_SCHEDULE)).toBe(55_000);
		expect(roundDeadline(4, 0, DEFAULT_POLL_SCHEDULE)).toBe(55_000);
	});

	test('the default 55 s budget allows a bounded number of status rounds', () => {
		// 0 → 2 → 5 → 9.5 → 16.25 → 26.375 → 41.375 (+15 = 56.4 > 55): 7 rounds.
		expect(maxPollRounds(DEFAULT_POLL_SCHEDULE)).toBe(7);
		expect(maxPollRounds({ ...DEFAULT_POLL_SCHEDULE, budgetMs: 1000 })).toBe(1);
	});

	test('settings are clamped to something that cannot hammer HeyGen', () => {
		const schedule = scheduleFromSettings({
			maxTimeSeconds: 30,
			initialIntervalSeconds: 0,
			maxIntervalSeconds: -5,
		});
		expect(schedule.initialDelayMs).toBe(100);
		expect(schedule.maxDelayMs).toBe(100);
		expect(schedule.budgetMs).toBe(30_000);
		expect(scheduleFromSettings({ maxTimeSeconds: 55 })).toMatchObject({
			initialDelayMs: 2000,
			maxDelayMs: 15_000,
		});
	});
});

describe('chunk', () => {
	test('splits 150 ids into 100 + 50 for the v3 bulk endpoint', () => {
		const ids = Array.from({ length: 150 }, (_, i) => `v${i}`);
		const parts = chunk(ids, 100);
		expect(parts.map((p) => p.length)).toEqual([100, 50]);
		expect(parts.flat()).toEqual(ids);
		expect(chunk([], 100)).toEqual([]);
	});
});
