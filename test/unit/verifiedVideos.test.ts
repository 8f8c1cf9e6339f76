import {
	CoalescedRun,
	forgetMemory,
	memoryFor,
	memoryKey,
	rememberParking,
	WaitingMemory,
} from '../../nodes/HeyGenWaitForVideo/verifiedVideos';
import type { PendingVideo } from '../../nodes/HeyGenWaitForVideo/callbackCheck';
import {
	statusCheckWorthwhile,
	unheardAllowance,
} from '../../nodes/HeyGenWaitForVideo/callbackCheck';
import {
	legacyOutcomeKey,
	mayHaveStarted,
	recallLegacyOutcome,
	rememberLegacyOutcome,
} from '../../nodes/HeyGenGenerateFromTemplate/legacyOutcomes';
import { isValidVideoId } from '../../nodes/HeyGenWaitForVideo/statusApi';

describe('CoalescedRun: callbacks arriving together share one check', () => {
	test('callers that ask before a run starts share it; a caller asking while it runs gets the next run', async () => {
		const run = new CoalescedRun<number>();
		let runs = 0;
		let release: () => void = () => undefined;
		let started: () => void = () => undefined;
		const firstStarted = new Promise<void>((resolve) => (started = resolve));
		const check = async () => {
			runs++;
			const mine = runs;
			if (mine === 1) {
				started();
				await new Promise<void>((resolve) => (release = resolve));
			}
			return mine;
		};
		const first = run.run(check);
		const second = run.run(check);
		// Let the first run start (it waits for release), then ask again: that caller must not reuse run 1.
		await firstStarted;
		const third = run.run(check);
		const fourth = run.run(check);
		release();
		expect(await first).toBe(1);
		expect(await second).toBe(1);
		expect(await third).toBe(2);
		expect(await fourth).toBe(2);
		expect(runs).toBe(2);
	});

	test('a failed run fails its callers only; the next run goes ahead', async () => {
		const run = new CoalescedRun<string>();
		const failing = run.run(async () => {
			throw new Error('HeyGen down');
		});
		await expect(failing).rejects.toThrow('HeyGen down');
		await expect(run.run(async () => 'ok')).resolves.toBe('ok');
	});
});

describe('memoryFor: what callbacks verified, per waiting execution', () => {
	test('the same execution gets the same memory until it expires or is forgotten', () => {
		const now = 1_000_000;
		const a = memoryFor('exec-a', now + 1000, now);
		expect(memoryFor('exec-a', now + 1000, now)).toBe(a);
		expect(memoryFor('exec-b', now + 1000, now)).not.toBe(a);
		expect(memoryFor('exec-a', now + 5000, now + 2000)).not.toBe(a); // expired at now + 1000
		const c = memoryFor('exec-c', now + 1000, now);
		forgetMemory('exec-c');
		expect(memoryFor('exec-c', now + 1000, now)).not.toBe(c);
	});
});

describe('statusCheckWorthwhile: when a callback reads the videos not verified in this process', () => {
	const awaited = (count: number): PendingVideo[] =>
		Array.from({ length: count }, (_, i) => ({
			query: { itemIndex: i, videoId: `v${i}`, api: 'v3' },
			input: { itemIndex: i, json: {} },
		}));
	const verify = (memory: WaitingMemory, pending: PendingVideo[], count: number) => {
		for (const p of pending.slice(0, count))
			memory.verified.set(p.query.videoId, { check: { error: new Error('gone') }, detailed: true });
	};

	test('the allowance: one, then one more per 50 awaited videos', () => {
		expect([1, 50, 51, 100, 101, 1000].map(unheardAllowance)).toEqual([1, 1, 2, 2, 3, 20]);
	});

	test('in the process that parked the execution, when a quarter of those left have not called back, and at the end', () => {
		const pending = awaited(50);
		const memory = new WaitingMemory(0);
		memory.parkedHere = true;
		const worthwhile: number[] = [];
		for (let verified = 0; verified <= 50; verified++) {
			verify(memory, pending, verified);
			if (statusCheckWorthwhile(memory, pending)) worthwhile.push(verified);
		}
		// 12 unverified (a quarter of 50) or fewer: a read there would set the next point (see findUnfinished).
		expect(worthwhile[0]).toBe(38);
		memory.verified.clear();
		verify(memory, pending, 38);
		memory.checkWhenUnheard = 3; // what a read at 12 unverified, all rendering, leaves
		const after: number[] = [];
		for (let verified = 38; verified <= 50; verified++) {
			verify(memory, pending, verified);
			if (statusCheckWorthwhile(memory, pending)) after.push(verified);
		}
		expect(after).toEqual([47, 48, 49]);
	});

	test('in the process that parked it, at every callback once a read found a callback missing', () => {
		const pending = awaited(50);
		const memory = new WaitingMemory(0);
		memory.parkedHere = true;
		memory.missedCallbacks = true;
		for (let verified = 0; verified < 50; verified++) {
			verify(memory, pending, verified);
			expect(statusCheckWorthwhile(memory, pending)).toBe(true);
		}
	});

	test('in any other process, whenever a video is not verified there', () => {
		const pending = awaited(5);
		const memory = new WaitingMemory(0);
		for (let verified = 0; verified < 5; verified++) {
			verify(memory, pending, verified);
			expect(statusCheckWorthwhile(memory, pending)).toBe(true);
		}
		verify(memory, pending, 5);
		expect(statusCheckWorthwhile(memory, pending)).toBe(false);
	});

	test('parking starts a fresh memory marked as parked here, under the key webhook() uses', () => {
		const key = memoryKey('https://n8n.example/webhook-waiting/7?signature=abc', '7');
		expect(key).toBe('https://n8n.example/webhook-waiting/7?signature=abc');
		expect(memoryKey(undefined, '7')).toBe('execution:7');
		const before = memoryFor(key, Date.now() + 60_000);
		before.verified.set('old', { check: { error: new Error('gone') }, detailed: true });
		rememberParking(key, Date.now() + 60_000);
		const after = memoryFor(key, Date.now() + 60_000);
		expect(after).not.toBe(before);
		expect(after.parkedHere).toBe(true);
		expect(after.verified.size).toBe(0);
		forgetMemory(key);
		expect(memoryFor(key, Date.now() + 60_000).parkedHere).toBe(false);
	});
});

describe('legacy generate outcomes', () => {
	test('keyed by run, item and request: a changed request or another run is another key', () => {
		const body = { title: 'A', variables: { x: { content: 'hi' } } };
		expect(legacyOutcomeKey(0, 1, body)).toBe(
			legacyOutcomeKey(0, 1, { variables: { x: { content: 'hi' } }, title: 'A' }),
		);
		expect(legacyOutcomeKey(1, 1, body)).not.toBe(legacyOutcomeKey(0, 1, body));
		expect(legacyOutcomeKey(0, 2, body)).not.toBe(legacyOutcomeKey(0, 1, body));
		expect(legacyOutcomeKey(0, 1, { ...body, title: 'B' })).not.toBe(legacyOutcomeKey(0, 1, body));
	});

	test('remembered in the node context it is given', () => {
		const context: Record<string, unknown> = {};
		rememberLegacyOutcome(context, 'k', { videoId: 'v1' });
		expect(recallLegacyOutcome(context, 'k')).toEqual({ videoId: 'v1' });
		expect(recallLegacyOutcome({}, 'k')).toBeUndefined();
		expect(
			mayHaveStarted(
				new Error(
					'HeyGen answered HTTP 502 after the request was sent: the video may or may not have started',
				),
			),
		).toBe(true);
		expect(mayHaveStarted(new Error('HeyGen error: invalid'))).toBe(false);
	});
});

describe('video IDs', () => {
	test('HeyGen IDs are letters, digits, _ and -', () => {
		expect(isValidVideoId('a1B2_c-3')).toBe(true);
		for (const bad of ['a,b', 'a b', '', 'a/b', 'a?b', '../x', 'ä'])
			expect(isValidVideoId(bad)).toBe(false);
	});
});
