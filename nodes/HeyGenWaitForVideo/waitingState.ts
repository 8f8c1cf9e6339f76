/**
 * What a waiting execution remembers between execute() and webhook() in callback mode.
 *
 * Why the node's context: n8n forwards the parked stack entry's `data.main` when the maximum wait passes
 * (execute() shapes it as [Completed, Failed, Still Rendering]), but a webhook only sees `data.main[0]` as
 * its input, and n8n removes the node's own pre-wait run before calling webhook(). The node context
 * (`this.getContext('node')`) is stored with the execution's data, so it survives the wait, in queue mode
 * too, and webhook() reads it back through the `$node[<name>].context` expression.
 */
import type { IBinaryData, IContextObject, IDataObject } from 'n8n-workflow';

import { isRecord } from '../shared/json';
import type { VideoQuery } from './statusApi';
import type { InputRef } from './outputs';
import type { OutcomeSettings } from './finishing';

export const CONTEXT_KEY = 'heyGenWaitForVideo';

export interface StoredFinalItem {
	itemIndex: number;
	output: number;
	json: IDataObject;
	binary?: Record<string, IBinaryData>;
	/** The message of an item error (unknown video ID…), so webhook() can emit it the same way. */
	error?: string;
}

export interface WaitingState {
	version: 1;
	settings: OutcomeSettings;
	/** Items already final at the first check, emitted unchanged on resume. */
	final: StoredFinalItem[];
	/** The videos the execution waits for. */
	pending: Array<{ query: VideoQuery; input: InputRef }>;
	/** When Max Wait ends the wait (epoch ms): what callbacks verified is remembered until then. */
	waitTill?: number;
}

export function saveState(context: IContextObject, state: WaitingState): void {
	// A string: context values pass through n8n's expression proxies on the way back; a string comes back intact.
	context[CONTEXT_KEY] = JSON.stringify(state);
}

/** A JS string literal safe inside an n8n expression (no `{{`/`}}` can appear in it). */
function literal(value: string): string {
	return JSON.stringify(value).replace(
		/[{}]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** The expression that reads the state back in webhook(). */
export function stateExpression(nodeName: string): string {
	return `{{ $node[${literal(nodeName)}].context[${literal(CONTEXT_KEY)}] }}`;
}

export function parseState(value: unknown): WaitingState | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	try {
		const state = JSON.parse(value) as WaitingState;
		if (state?.version !== 1 || !Array.isArray(state.pending) || !Array.isArray(state.final))
			return undefined;
		return state;
	} catch {
		return undefined;
	}
}

/** The video a HeyGen callback is about: `{event_type, event_data: {video_id}}`, tolerating flat bodies. */
export function callbackVideoId(body: unknown): string | undefined {
	if (!isRecord(body)) return undefined;
	const data = isRecord(body.event_data) ? body.event_data : isRecord(body.data) ? body.data : body;
	const id = data.video_id ?? data.id;
	return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}
