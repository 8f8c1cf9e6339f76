/**
 * What this n8n process has verified about the videos a waiting execution awaits, kept between callbacks.
 *
 * Why process memory and not the execution: n8n (checked in 2.41.1) keeps nothing that webhook() writes while
 * the execution goes on waiting. Its waiting-webhooks handler loads the execution from the database for every
 * request, and when webhook() returns no workflowData, webhook-helpers' executeWebhook answers and returns
 * without saving the execution, so node context written then is gone at the next callback. Workflow static
 * data is no better: the waiting workflow is built from the execution's snapshot
 * (`execution.workflowData.staticData`), and only production (live) webhooks save static data.
 *
 * Only facts are kept: a video HeyGen reported final stays final. A memory that is missing (another webhook
 * process in queue mode, a restart) costs status reads, never a wrong decision.
 *
 * One more fact is kept from execute(): that this process parked the execution. In n8n's regular mode the process
 * that runs an execution is the one that receives its callbacks (queue mode parks on a worker, which never
 * receives webhooks, and a restart empties this memory), so there every callback reaches the memory that
 * execute() started: a video without a verified callback here has not called back yet.
 */
import { delay } from '../shared/backoff';
import type { VideoCheck } from './statusApi';

export interface VerifiedVideo {
	/** HeyGen's final answer for the video (completed, failed, or an item error such as an unknown ID). */
	check: VideoCheck;
	/** The answer carries the video's details (URLs, failure reason); a bulk status entry does not. */
	detailed: boolean;
}

/** One waiting execution's verified videos, and its one "is anything still rendering?" check at a time. */
export class WaitingMemory {
	readonly verified = new Map<string, VerifiedVideo>();

	readonly check = new CoalescedRun<'rendering' | 'all_final'>();

	/** This process parked the execution, so it receives every callback (n8n's regular mode). */
	parkedHere = false;

	/** A status-only check found a video final that no callback here had named: callbacks are being missed. */
	missedCallbacks = false;

	/** The parking process checks again when this few videos have not called back (unset: a quarter of them). */
	checkWhenUnheard: number | undefined;

	constructor(public expiresAt: number) {}
}

/** Executions are forgotten after their Max Wait, and at most this many are remembered at once. */
const MAX_EXECUTIONS = 500;

const memories = new Map<string, WaitingMemory>();

export function memoryFor(key: string, expiresAt: number, now = Date.now()): WaitingMemory {
	for (const [k, memory] of memories) if (memory.expiresAt <= now) memories.delete(k);
	let memory = memories.get(key);
	if (!memory) {
		if (memories.size >= MAX_EXECUTIONS) {
			const oldest = memories.keys().next().value;
			if (oldest !== undefined) memories.delete(oldest);
		}
		memory = new WaitingMemory(expiresAt);
		memories.set(key, memory);
	}
	memory.expiresAt = Math.max(memory.expiresAt, expiresAt);
	return memory;
}

/** The memory's key: the execution's resume URL (it carries the run's signature), as execute() and webhook() see it. */
export function memoryKey(resumeUrl: unknown, executionId: string | undefined): string {
	return typeof resumeUrl === 'string' && resumeUrl !== ''
		? resumeUrl
		: `execution:${executionId ?? ''}`;
}

/** execute() parked the execution in this process: its callbacks will come here (see the header). */
export function rememberParking(key: string, expiresAt: number): void {
	forgetMemory(key);
	memoryFor(key, expiresAt).parkedHere = true;
}

export function forgetMemory(key: string): void {
	memories.delete(key);
}

/** Everything this process remembers, as after a restart. */
export function forgetAllMemories(): void {
	memories.clear();
}

/** How long a run waits for more callers before it starts: callbacks of renders finishing together share it. */
export const COALESCE_MS = 50;

/**
 * Runs a check once for every caller that asks before it starts. A caller that asks while a run is already
 * under way waits for the next run, never reuses the running one: each caller's answer then reflects HeyGen's
 * state after the caller's own video was verified, which is what makes the last callback see every video final.
 */
export class CoalescedRun<T> {
	private running: Promise<unknown> = Promise.resolve();

	private queued: Promise<T> | undefined;

	async run(check: () => Promise<T>): Promise<T> {
		if (this.queued) return await this.queued;
		const previous = this.running;
		const next = (async () => {
			await previous.catch(() => undefined);
			await delay(COALESCE_MS);
			this.queued = undefined;
			return await check();
		})();
		this.queued = next;
		this.running = next;
		return await next;
	}
}
