/**
 * The status reads of callback mode, in O(1) requests per callback:
 * - the video a callback names is verified with one read, which also brings its details (kept);
 * - whether everything awaited is final is decided from what was verified before, plus, for videos not yet
 *   verified in this process and only when that can decide anything (statusCheckWorthwhile), status-only bulk
 *   reads newest first that stop at the first unfinished video (callbacks arriving together share one);
 * - at resume, after HeyGen has its answer, videos known only from a bulk entry get their one detail read.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { VideoCheck, VideoQuery } from './statusApi';
import { BULK_LIMIT, checkVideos, isAnswerError, readVideo, unfinished } from './statusApi';
import type { InputRef } from './outputs';
import type { WaitingMemory } from './verifiedVideos';

export interface PendingVideo {
	query: VideoQuery;
	input: InputRef;
}

const transientErrors = new WeakSet<Error>();

/** A status request failed (network, 5xx, 429, deadline): nothing is known; HeyGen should deliver again. */
function transientError(context: IWebhookFunctions, message: string): NodeOperationError {
	const error = new NodeOperationError(context.getNode(), message);
	transientErrors.add(error);
	return error;
}

export function isTransientCheckError(error: unknown): error is Error {
	return error instanceof Error && transientErrors.has(error);
}

/** An answer about the video itself (unknown ID, unreadable answer) is final; a failed request is not. */
function isAnswer(check: VideoCheck): boolean {
	return check.video !== undefined || isAnswerError(check.error);
}

function remember(
	memory: WaitingMemory,
	query: VideoQuery,
	check: VideoCheck,
	detailed: boolean,
): void {
	memory.verified.set(query.videoId, { check, detailed });
}

/** Verifies the callback's video: one read with details. Returns whether it is final. */
export async function verifyNamedVideo(
	this: IWebhookFunctions,
	memory: WaitingMemory,
	pending: PendingVideo,
	deadlineMs: number,
): Promise<boolean> {
	if (memory.verified.has(pending.query.videoId)) return true;
	let check: VideoCheck;
	try {
		check = await readVideo.call(this, pending.query, { deadlineMs });
	} catch (error) {
		throw transientError(this, (error as Error).message);
	}
	if (!isAnswer(check)) throw transientError(this, check.error?.message ?? 'No answer');
	if (unfinished(check)) return false;
	remember(memory, pending.query, check, true);
	return true;
}

/** The not yet verified videos in the order they are checked: newest first, since those finish last. */
function unverified(memory: WaitingMemory, pending: PendingVideo[]): VideoQuery[] {
	return pending
		.filter((p) => !memory.verified.has(p.query.videoId))
		.map((p) => p.query)
		.sort((a, b) => b.itemIndex - a.itemIndex);
}

/**
 * How many awaited videos may lack a verified callback, in the process that parked the execution, before every
 * callback reads them: callbacks HeyGen never delivers at the very end, up to this many, are found at the last
 * one that arrives.
 */
export function unheardAllowance(awaited: number): number {
	return Math.max(1, Math.ceil(awaited / 50));
}

function unheardCount(memory: WaitingMemory, pending: PendingVideo[]): number {
	return pending.filter((p) => !memory.verified.has(p.query.videoId)).length;
}

/**
 * Whether a callback, its own video verified, should read the awaited videos not verified in this process.
 * - None left: no, everything is final.
 * - A process that did not park the execution (queue mode's webhook processes, or after a restart): yes, every
 *   time. The other videos' callbacks may reach another process, so this callback may be the last one.
 * - The process that parked it (n8n's regular mode) receives every callback: an unverified video has not called
 *   back yet, so while many are unverified this callback is not the last one. It reads them when a quarter of
 *   those left at the previous read have not called back (a quarter of all at first), and at every callback once
 *   at most unheardAllowance are left: a few status-only calls per execution beside one detail read per video.
 *   A read that finds a video final whose callback never came here shows callbacks are being lost (n8n failing
 *   them under load, HeyGen giving up): from then on every callback reads, as in any other process.
 */
export function statusCheckWorthwhile(memory: WaitingMemory, pending: PendingVideo[]): boolean {
	const unheard = unheardCount(memory, pending);
	if (unheard === 0) return false;
	if (!memory.parkedHere || memory.missedCallbacks) return true;
	const scheduled = memory.checkWhenUnheard ?? Math.floor(pending.length / 4);
	return unheard <= Math.max(unheardAllowance(pending.length), scheduled);
}

/** The next group one request answers: up to 100 v3/auto videos in one bulk call, or one legacy video. */
function nextGroup(queue: VideoQuery[]): VideoQuery[] {
	if (queue[0].api === 'legacy') return [queue[0]];
	return queue.filter((q) => q.api !== 'legacy').slice(0, BULK_LIMIT);
}

/**
 * Whether any awaited video is still rendering. Reads only videos this process has not verified, status only,
 * and stops at the first group with an unfinished video: one request while renders go on.
 */
export async function findUnfinished(
	this: IWebhookFunctions,
	memory: WaitingMemory,
	pending: PendingVideo[],
	deadlineMs: number,
): Promise<'rendering' | 'all_final'> {
	let queue = unverified(memory, pending);
	while (queue.length > 0) {
		const group = nextGroup(queue);
		let results: Map<number, VideoCheck>;
		try {
			results = await checkVideos.call(this, group, { deadlineMs, statusOnly: true });
		} catch (error) {
			throw transientError(this, (error as Error).message);
		}
		let rendering = false;
		for (const query of group) {
			const check = results.get(query.itemIndex);
			if (!check || !isAnswer(check))
				throw transientError(this, check?.error?.message ?? 'No answer');
			if (unfinished(check)) rendering = true;
			// A callback may have verified the video with its details while this status-only read was under way.
			else if (!memory.verified.get(query.videoId)?.detailed) {
				if (!memory.verified.has(query.videoId)) memory.missedCallbacks = true;
				remember(memory, query, check, check.video?.api_version === 'legacy');
			}
		}
		if (rendering) {
			memory.checkWhenUnheard = Math.floor(unheardCount(memory, pending) / 4);
			return 'rendering';
		}
		const done = new Set(group.map((q) => q.itemIndex));
		queue = queue.filter((q) => !done.has(q.itemIndex));
	}
	return 'all_final';
}

/**
 * The final answer of every awaited video, after HeyGen has had its answer: what was verified with details as
 * it is, one detail read for each video known only from a bulk entry (URLs, failure reason).
 */
export async function finalChecks(
	this: IWebhookFunctions,
	memory: WaitingMemory,
	pending: PendingVideo[],
): Promise<Map<number, VideoCheck>> {
	const results = new Map<number, VideoCheck>();
	const missing: VideoQuery[] = [];
	for (const { query } of pending) {
		const known = memory.verified.get(query.videoId);
		if (known && (known.detailed || known.check.error)) results.set(query.itemIndex, known.check);
		else missing.push({ ...query, api: known?.check.video?.api_version ?? query.api });
	}
	let next = 0;
	const lanes = Array.from({ length: Math.min(5, missing.length) }, async () => {
		while (next < missing.length) {
			const query = missing[next++];
			try {
				results.set(query.itemIndex, await readVideo.call(this, query));
			} catch (error) {
				results.set(query.itemIndex, { error: error as Error });
			}
		}
	});
	await Promise.all(lanes);
	return results;
}
