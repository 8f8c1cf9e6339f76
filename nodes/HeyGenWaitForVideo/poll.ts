/**
 * The in-node polling loop: every round checks all unfinished videos together (v3 bulk), waits by the
 * schedule in ./polling, and stops when every video is final, when the budget is spent, or at once when the
 * execution is cancelled.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { delay } from '../shared/backoff';
import type { PollSchedule } from '../shared/polling';
import { nextPollDelay } from '../shared/polling';
import type { VideoCheck, VideoQuery } from '../shared/videos';
import { checkVideos } from '../shared/videos';
import { isFinal } from '../shared/videoStatus';

export interface PollResult {
	results: Map<number, VideoCheck>;
	rounds: number;
}

/**
 * Polls until done or out of budget. With `schedule` undefined it checks once (callback mode's first look).
 * Each item's last answer is kept, so unfinished items carry their latest status.
 */
export async function pollVideos(
	this: IExecuteFunctions,
	queries: VideoQuery[],
	schedule: PollSchedule | undefined,
): Promise<PollResult> {
	const signal = this.getExecutionCancelSignal();
	const results = new Map<number, VideoCheck>();
	const started = Date.now();
	let pending = queries;
	let rounds = 0;

	while (pending.length > 0) {
		rounds++;
		const answers = await checkVideos.call(this, pending);
		const stillPending: VideoQuery[] = [];
		for (const query of pending) {
			const answer = answers.get(query.itemIndex);
			if (!answer) continue;
			results.set(query.itemIndex, answer);
			if (answer.video && !isFinal(answer.video.status)) {
				// Auto resolved the family in this round: ask that family directly from now on.
				stillPending.push({ ...query, api: answer.video.api_version });
			}
		}
		pending = stillPending;
		if (pending.length === 0 || !schedule) break;

		const wait = nextPollDelay(rounds, Date.now() - started, schedule);
		if (wait === undefined) break;
		try {
			await delay(wait, signal);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), 'The execution was cancelled while waiting for HeyGen', {
				description: (error as Error).message,
			});
		}
	}
	return { results, rounds };
}
