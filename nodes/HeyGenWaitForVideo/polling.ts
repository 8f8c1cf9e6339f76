/**
 * The in-node polling loop: every round checks all unfinished videos together (v3 bulk), waits by the
 * schedule in pollSchedule.ts, and stops when every video is final, when the budget is spent, or at once
 * when the execution is cancelled. The budget also bounds the status requests themselves, so a slow or
 * rate-limiting HeyGen cannot keep the node (and its worker) past it.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { delay } from '../shared/backoff';
import type { PollSchedule } from './pollSchedule';
import {
	DEFAULT_POLL_SCHEDULE,
	ENGINE_IN_PROCESS_LIMIT_MS,
	nextPollDelay,
	roundDeadline,
} from './pollSchedule';
import type { VideoCheck, VideoQuery } from './statusApi';
import { checkVideos, StatusDeadlineError, unfinished } from './statusApi';

export interface PollResult {
	results: Map<number, VideoCheck>;
	rounds: number;
}

/** Callback mode's single look before parking: bounded like a poll, below n8n's in-process limit. */
const SINGLE_CHECK: PollSchedule = {
	...DEFAULT_POLL_SCHEDULE,
	budgetMs: ENGINE_IN_PROCESS_LIMIT_MS - 10_000,
};

function unansweredError(
	this: IExecuteFunctions,
	query: VideoQuery,
	deadlineMs: number,
	started: number,
): Error {
	const seconds = Math.round((deadlineMs - started) / 1000);
	return new NodeOperationError(
		this.getNode(),
		`No status from HeyGen for "${query.videoId}" within ${seconds} s`,
		{
			itemIndex: query.itemIndex,
			description:
				"HeyGen's status API was too slow, failing (5xx) or rate-limiting for the node's whole time budget (Max Time in Node; the first check always gets at least 10 seconds). Run the item again later, or raise Max Time in Node.",
		},
	);
}

/**
 * Polls until done or out of budget. With `schedule` undefined it checks once (callback mode's first look).
 * Each item's last answer is kept, so unfinished items carry their latest status; a round cut short by the
 * budget changes nothing, and only items HeyGen never answered become errors.
 */
export async function pollVideos(
	this: IExecuteFunctions,
	queries: VideoQuery[],
	schedule: PollSchedule | undefined,
): Promise<PollResult> {
	const signal = this.getExecutionCancelSignal();
	const plan = schedule ?? SINGLE_CHECK;
	const results = new Map<number, VideoCheck>();
	const started = Date.now();
	let pending = queries;
	let rounds = 0;

	while (pending.length > 0) {
		rounds++;
		const deadlineMs = roundDeadline(rounds, started, plan);
		let answers: Map<number, VideoCheck>;
		try {
			answers = await checkVideos.call(this, pending, { deadlineMs });
		} catch (error) {
			if (!(error instanceof StatusDeadlineError))
				throw new NodeOperationError(this.getNode(), error as Error);
			for (const query of pending) {
				if (!results.has(query.itemIndex)) {
					results.set(query.itemIndex, {
						error: unansweredError.call(this, query, deadlineMs, started),
					});
				}
			}
			break;
		}
		const stillPending: VideoQuery[] = [];
		for (const query of pending) {
			const answer = answers.get(query.itemIndex);
			if (!answer) continue;
			results.set(query.itemIndex, answer);
			if (answer.video && unfinished(answer)) {
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
			throw new NodeOperationError(
				this.getNode(),
				'The execution was cancelled while waiting for HeyGen',
				{
					description: (error as Error).message,
				},
			);
		}
	}
	return { results, rounds };
}
