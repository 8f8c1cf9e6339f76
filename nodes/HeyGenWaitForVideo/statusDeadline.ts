/**
 * A status check's time budget: the context its requests run in, bounded by a deadline, and how an expired
 * deadline or a cancelled execution ends the check instead of becoming an item error.
 */
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignal, isAbort } from '../shared/cancel';
import type { HeyGenContext } from '../shared/transport';

export interface CheckOptions {
	/** Epoch ms after which no status request may still run (the node's time budget). */
	deadlineMs?: number;
	/** Only the status: final v3 videos come from the bulk answer, without their detail read. */
	statusOnly?: boolean;
}

/** A status check cut short by the caller's deadline: HeyGen answered too slowly, nothing is known to be wrong. */
export class StatusDeadlineError extends NodeOperationError {}

/**
 * The context the status requests run in, bounded by a deadline. The transport and n8n's request helper
 * both take their abort signal from `getExecutionCancelSignal()`, so a context whose signal also fires at
 * the deadline bounds the whole transport call: each attempt, each backoff and each Retry-After wait.
 * A signal passed with the request would not do: n8n's httpRequestWithAuthentication overwrites
 * `abortSignal` with the context's cancel signal (n8n-core request-helpers/authentication.js).
 */
export function boundedContext(
	context: HeyGenContext,
	deadlineMs: number,
): { context: HeyGenContext; expired: AbortSignal } {
	const expired = AbortSignal.timeout(Math.max(0, deadlineMs - Date.now()));
	const cancel = cancelSignal(context);
	const signal = cancel ? AbortSignal.any([cancel, expired]) : expired;
	const bounded = Object.create(context, {
		getExecutionCancelSignal: { value: () => signal },
	}) as HeyGenContext;
	return { context: bounded, expired };
}

/**
 * Cancellation must end the run, and an expired deadline the check, never an item error. `context` is the
 * caller's own (unbounded) context, `expired` the deadline's signal.
 */
export function rethrowIfAborted(
	context: HeyGenContext,
	error: unknown,
	expired?: AbortSignal,
): void {
	const cancel = cancelSignal(context);
	if (expired?.aborted && !cancel?.aborted) {
		throw new StatusDeadlineError(
			context.getNode(),
			'HeyGen did not answer the status check in time',
			{
				description: (error as Error | undefined)?.message,
			},
		);
	}
	if (isAbort(error, cancelSignal(context))) {
		throw new NodeOperationError(context.getNode(), 'The execution was cancelled', {
			description: (error as Error | undefined)?.message,
		});
	}
}
