import {
	CoalescedRun,
	forgetMemory,
	memoryFor,
} from '../../nodes/HeyGenWaitForVideo/verifiedVideos';
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
