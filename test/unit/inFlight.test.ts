/* Generate's request pool and shared Retry-After clock: counts and order only, never elapsed time. */
import {
	GenerateGate,
	parallelLimit,
	runInFlight,
	SendOrder,
	SharedRetryAfter,
} from '../../nodes/HeyGenGenerateFromTemplate/inFlight';

/** A promise the test settles by hand. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
async function flush() {
	for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('runInFlight', () => {
	test('never more than the limit running, starts in index order, results at their index', async () => {
		const gates = Array.from({ length: 10 }, () => deferred<string>());
		const started: number[] = [];
		let running = 0;
		let peak = 0;
		const done = runInFlight(
			10,
			async (i) => {
				started.push(i);
				running++;
				peak = Math.max(peak, running);
				try {
					return await gates[i].promise;
				} finally {
					running--;
				}
			},
			{ limit: 3 },
		);
		await flush();
		expect(started).toEqual([0, 1, 2]);
		// Finishing out of order frees slots; results still land at their own index.
		for (const i of [2, 0, 1, 5, 4, 3, 9, 8, 7, 6]) {
			gates[i].resolve(`v${i}`);
			await flush();
		}
		const results = await done;
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(peak).toBe(3);
		expect(results.map((r) => (r?.ok ? r.value : 'x'))).toEqual(
			Array.from({ length: 10 }, (_, i) => `v${i}`),
		);
	});

	test('each index runs exactly once', async () => {
		const calls = new Map<number, number>();
		await runInFlight(
			50,
			async (i) => {
				calls.set(i, (calls.get(i) ?? 0) + 1);
				await flush();
				return i;
			},
			{ limit: 8 },
		);
		expect([...calls.keys()].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 50 }, (_, i) => i),
		);
		expect([...calls.values()].every((n) => n === 1)).toBe(true);
	});

	test('a failure with stopAfter: nothing new starts, running items finish, later items stay undefined', async () => {
		const gates = Array.from({ length: 6 }, () => deferred<number>());
		const started: number[] = [];
		const done = runInFlight(
			6,
			async (i) => {
				started.push(i);
				return await gates[i].promise;
			},
			{ limit: 2, stopAfter: () => true },
		);
		await flush();
		gates[0].reject(new Error('item 0 failed'));
		await flush();
		gates[1].resolve(1);
		const results = await done;
		expect(started).toEqual([0, 1]);
		expect(results[0]).toMatchObject({ ok: false });
		expect(results[1]).toEqual({ ok: true, value: 1 });
		expect(results.slice(2)).toEqual([undefined, undefined, undefined, undefined]);
	});

	test('failures without a stop are kept per item and the rest still run', async () => {
		const results = await runInFlight(
			5,
			async (i) => {
				if (i % 2 === 1) throw new Error(`bad ${i}`);
				return i;
			},
			{ limit: 4, stopAfter: () => false },
		);
		expect(results.map((r) => r?.ok)).toEqual([true, false, true, false, true]);
	});

	test('stopped() ends the run before the next start', async () => {
		let stop = false;
		const started: number[] = [];
		await runInFlight(
			5,
			async (i) => {
				started.push(i);
				if (i === 1) stop = true;
				return i;
			},
			{ limit: 1, stopped: () => stop },
		);
		expect(started).toEqual([0, 1]);
	});

	test('zero items, and a limit below 1 runs one at a time', async () => {
		expect(await runInFlight(0, async () => 1, { limit: 4 })).toEqual([]);
		let running = 0;
		let peak = 0;
		await runInFlight(
			4,
			async () => {
				running++;
				peak = Math.max(peak, running);
				await flush();
				running--;
			},
			{ limit: 0 },
		);
		expect(peak).toBe(1);
	});
});

describe('parallelLimit', () => {
	test('whole numbers within 1..max, fallback when unset', () => {
		expect(parallelLimit(undefined, 8, 32)).toBe(8);
		expect(parallelLimit('', 8, 32)).toBe(8);
		expect(parallelLimit('abc', 8, 32)).toBe(8);
		expect(parallelLimit(0, 8, 32)).toBe(1);
		expect(parallelLimit(-3, 8, 32)).toBe(1);
		expect(parallelLimit(4.7, 8, 32)).toBe(4);
		expect(parallelLimit('16', 8, 32)).toBe(16);
		expect(parallelLimit(500, 8, 32)).toBe(32);
	});
});

describe('SharedRetryAfter', () => {
	function clockGate(maxRounds = 4) {
		let now = 1000;
		const slept: number[] = [];
		const gate = new SharedRetryAfter({
			maxRounds,
			now: () => now,
			sleep: async (ms) => {
				slept.push(ms);
				now += ms;
			},
		});
		return { gate, slept, advance: (ms: number) => (now += ms), at: () => now };
	}

	test('one 429 pauses every request until its Retry-After has passed', async () => {
		const { gate, slept, at } = clockGate();
		await gate.ready();
		expect(slept).toEqual([]);
		expect(gate.refused(2000, at())).toBe(true);
		await gate.ready();
		expect(slept).toEqual([2000]);
		await gate.ready(); // the wait is over for the next request too
		expect(slept).toEqual([2000]);
	});

	test('429s of requests sent before the wait began are one round, not one each', () => {
		const { gate, at, advance } = clockGate(1);
		const sentTogether = at();
		advance(10);
		expect(gate.refused(1000, sentTogether)).toBe(true);
		for (let i = 0; i < 7; i++) expect(gate.refused(1000, sentTogether)).toBe(true);
		expect(gate.stats).toEqual({ refusals: 8, rounds: 1 });
	});

	test('the budget: maxRounds rounds in a row, then refused() says give up; a success starts afresh', () => {
		const { gate, at, advance } = clockGate(2);
		expect(gate.refused(100, at())).toBe(true);
		advance(200);
		expect(gate.refused(100, at())).toBe(true);
		advance(200);
		expect(gate.refused(100, at())).toBe(false);
		gate.passed();
		advance(200);
		expect(gate.refused(100, at())).toBe(true);
	});

	test('a later, longer Retry-After extends the pause; a shorter one does not shorten it', async () => {
		const { gate, slept, at } = clockGate();
		const sent = at();
		gate.refused(3000, sent);
		gate.refused(500, sent);
		await gate.ready();
		expect(slept.reduce((a, b) => a + b, 0)).toBe(3000);
	});
});

describe('SendOrder', () => {
	test('a later item sends only after every earlier item has sent or settled', async () => {
		const order = new SendOrder();
		const sent: number[] = [];
		const two = order.turn(2).then((ok) => ok && sent.push(2));
		const one = order.turn(1).then((ok) => ok && sent.push(1));
		await flush();
		expect(sent).toEqual([]);
		order.settled(0); // item 0 failed its checks before sending, without a stop
		await one;
		await two;
		expect(sent).toEqual([1, 2]);
	});

	test('after a stop at item N, later items are refused and earlier ones still go', async () => {
		const order = new SendOrder();
		const late = order.turn(3);
		const early = order.turn(1);
		order.stop(2);
		order.settled(0);
		expect(await early).toBe(true);
		expect(await late).toBe(false);
		expect(await order.turn(4)).toBe(false);
	});

	test('an aborted signal refuses the turn', async () => {
		const order = new SendOrder();
		const controller = new AbortController();
		const waiting = order.turn(5, controller.signal);
		controller.abort();
		expect(await waiting).toBe(false);
	});
});

describe('GenerateGate', () => {
	test('GET requests (template reads) skip the send order; generate POSTs keep it', async () => {
		const gate = new GenerateGate({ maxRounds: 4 });
		expect(
			await gate.ready(undefined, {
				method: 'GET',
				path: '/v3/templates/t',
				idempotent: true,
				itemIndex: 3,
			}),
		).toBe(true);
		let posted = false;
		const post = gate
			.ready(undefined, { method: 'POST', path: '/v3/templates/t', idempotent: true, itemIndex: 1 })
			.then((ok) => (posted = ok));
		await flush();
		expect(posted).toBe(false);
		gate.order.settled(0);
		await post;
		expect(posted).toBe(true);
	});
});
