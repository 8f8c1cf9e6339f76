import { backoffDelay, delay, parseRetryAfter } from '../../nodes/shared/backoff';

describe('backoffDelay', () => {
	it('grows exponentially from the base and stops at the cap', () => {
		const noJitter = { baseMs: 1000, maxMs: 8000, factor: 2, jitter: 0 };
		expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([
			1000, 2000, 4000, 8000, 8000, 8000,
		]);
	});

	it('spreads by at most the jitter fraction and never exceeds the cap', () => {
		const options = { baseMs: 1000, maxMs: 3000, factor: 2, jitter: 0.2 };
		expect(backoffDelay(1, options, () => 0)).toBe(800);
		expect(backoffDelay(1, options, () => 1)).toBe(1200);
		expect(backoffDelay(5, options, () => 1)).toBe(3000);
	});
});

describe('parseRetryAfter', () => {
	it('reads delta seconds, decimals and HTTP dates', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter('1.5')).toBe(1500);
		expect(parseRetryAfter(['2'])).toBe(2000);
		const now = Date.parse('2026-11-27T12:00:00Z');
		expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
		expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
	});

	it('returns undefined for an absent or unreadable header', () => {
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});

describe('delay', () => {
	it('rejects at once when the signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(delay(60_000, controller.signal)).rejects.toThrow();
	});

	it('rejects promptly when the signal aborts during a long wait', async () => {
		const controller = new AbortController();
		const waiting = delay(60_000, controller.signal);
		controller.abort(new Error('cancelled by user'));
		await expect(waiting).rejects.toThrow('cancelled by user');
	});

	it('resolves after the time when nothing aborts', async () => {
		await expect(delay(5, new AbortController().signal)).resolves.toBeUndefined();
		await expect(delay(0)).resolves.toBeUndefined();
	});
});
