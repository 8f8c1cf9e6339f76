/**
 * What became of each legacy generate call within one execution, so that n8n's Retry On Fail never sends a
 * legacy item twice. The legacy route (POST /v2/template/{id}/generate) has no idempotency: a resent item is a
 * second paid video. n8n retries a node by running it again in the same execution, with the same run index
 * and the same node context (n8n-core WorkflowExecute: the `maxTries` loop around runNode), also when an item
 * error under "Continue" makes the first output's first item an error. So the node context remembers, per run,
 * item and request hash: the video HeyGen made, or that the request may or may not have started one.
 *
 * What it cannot cover: a new execution (n8n's "Retry execution", a re-run, a crash before n8n saved the
 * execution) starts with an empty context; the legacy route gives HeyGen no way to recognise the request.
 */
import type { IContextObject, IDataObject } from 'n8n-workflow';

import { canonicalJson, sha256 } from './generate';

export interface LegacyOutcome {
	videoId?: string;
	/** The request may have reached HeyGen, and whether it made a video is unknown: never sent again. */
	ambiguous?: { message: string; description?: string };
}

const CONTEXT_KEY = 'heyGenLegacyOutcomes';

export function legacyOutcomeKey(runIndex: number, itemIndex: number, body: IDataObject): string {
	return `${runIndex}:${itemIndex}:${sha256(canonicalJson(body)).slice(0, 40)}`;
}

function outcomes(context: IContextObject): Record<string, LegacyOutcome> {
	const stored = context[CONTEXT_KEY] as Record<string, LegacyOutcome> | undefined;
	if (stored && typeof stored === 'object') return stored;
	const fresh: Record<string, LegacyOutcome> = {};
	context[CONTEXT_KEY] = fresh;
	return fresh;
}

export function recallLegacyOutcome(
	context: IContextObject,
	key: string,
): LegacyOutcome | undefined {
	return outcomes(context)[key];
}

export function rememberLegacyOutcome(
	context: IContextObject,
	key: string,
	outcome: LegacyOutcome,
): void {
	outcomes(context)[key] = outcome;
}

/** The transport's words for a legacy request it did not repeat because it may have made a video. */
export function mayHaveStarted(error: unknown): boolean {
	return error instanceof Error && error.message.includes('may or may not have started');
}
