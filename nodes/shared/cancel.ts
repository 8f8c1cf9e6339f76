/**
 * The execution's cancel signal and how an aborted request shows itself. Webhook contexts have no cancel
 * signal, so every reader goes through here instead of probing the context itself.
 */
export function cancelSignal(context: object): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context
		? (
				context as { getExecutionCancelSignal(): AbortSignal | undefined }
			).getExecutionCancelSignal()
		: undefined;
}

/** Whether a request failed because it was aborted (the signal fired, or the error names an abort). */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
	if (signal?.aborted) return true;
	const name = (error as { name?: string } | undefined)?.name;
	return name === 'AbortError' || name === 'CanceledError';
}
