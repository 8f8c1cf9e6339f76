/**
 * What a callback may cost. Every admitted callback leads to status reads on the user's API quota, so:
 * - signed callbacks (a signing secret is set and the signature is valid) are admitted once per event:
 *   `Heygen-Event-Id`, else video ID + event type, per waiting execution. A replay answers 200 and reads nothing;
 * - unsigned callbacks (no secret anywhere) are admitted at most once per awaited video per interval; the rest
 *   get 429 with Retry-After, so a flood of forged callbacks spends at most one read per video per interval,
 *   while HeyGen, which delivers again after a non-2xx answer, still gets its genuine callback through.
 * An admitted callback whose status read failed (the webhook answers 503) is released, so its redelivery counts.
 *
 * The memory is this process's: n8n runs a waiting execution's webhooks in its main or webhook process, where
 * it lives until the execution resumes or the entry ages out.
 */
import { CREDENTIAL_TYPE } from '../shared/constants';
import type { IWebhookFunctions } from 'n8n-workflow';

/** Mutable so tests can use a short interval instead of waiting. */
export const CALLBACK_GUARD = {
	unsignedIntervalMs: 30_000,
	/** How long a seen event ID is remembered (HeyGen redelivers for up to a day). */
	eventMemoryMs: 24 * 60 * 60 * 1000,
	/** Bound on remembered entries across all waiting executions. */
	maxEntries: 50_000,
};

const seen = new Map<string, number>();

function prune(now: number): void {
	if (seen.size < CALLBACK_GUARD.maxEntries) return;
	for (const [key, expires] of seen) {
		if (expires <= now || seen.size >= CALLBACK_GUARD.maxEntries) seen.delete(key);
		if (seen.size < CALLBACK_GUARD.maxEntries / 2) break;
	}
}

export interface CallbackFacts {
	/** The execution the callback is for (its resume URL). */
	execution: string;
	signed: boolean;
	videoId: string | undefined;
	eventType: string | undefined;
	eventId: string | undefined;
}

export type Admission =
	| { admitted: true; release: () => void }
	| {
			admitted: false;
			statusCode: number;
			body: Record<string, unknown>;
			retryAfterSeconds?: number;
	  };

export function admitCallback(facts: CallbackFacts, now = Date.now()): Admission {
	prune(now);
	const key = facts.signed
		? `${facts.execution}\nevent\n${facts.eventId ?? `${facts.videoId ?? ''}:${facts.eventType ?? ''}`}`
		: `${facts.execution}\nvideo\n${facts.videoId ?? ''}`;
	const until = seen.get(key);
	if (until !== undefined && until > now) {
		if (facts.signed) {
			return {
				admitted: false,
				statusCode: 200,
				body: { received: true, resumed: false, reason: 'Duplicate event, already handled' },
			};
		}
		const retryAfterSeconds = Math.max(1, Math.ceil((until - now) / 1000));
		return {
			admitted: false,
			statusCode: 429,
			retryAfterSeconds,
			body: {
				error: 'Too many unsigned callbacks for this video; retry later',
				retry_after: retryAfterSeconds,
			},
		};
	}
	const expires =
		now + (facts.signed ? CALLBACK_GUARD.eventMemoryMs : CALLBACK_GUARD.unsignedIntervalMs);
	seen.set(key, expires);
	return {
		admitted: true,
		release: () => {
			if (seen.get(key) === expires) seen.delete(key);
		},
	};
}

/** Forgets everything (tests). */
export function resetCallbackGuard(): void {
	seen.clear();
}

function text(value: unknown): string | undefined {
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' && first.trim() !== '' ? first.trim().slice(0, 200) : undefined;
}

/** The signing secret: the credential's, else the deprecated node option's. */
export async function signingSecret(this: IWebhookFunctions): Promise<string> {
	let fromCredential = '';
	try {
		const credentials = await this.getCredentials(CREDENTIAL_TYPE);
		fromCredential = String(credentials.webhookSecret ?? '').trim();
	} catch {
		fromCredential = '';
	}
	if (fromCredential !== '') return fromCredential;
	return String(this.getNodeParameter('callbackSecret', '') ?? '').trim();
}

/** The guard's view of a callback request. */
export function callbackFacts(
	execution: string,
	signed: boolean,
	videoId: string | undefined,
	body: unknown,
	headers: Record<string, unknown>,
): CallbackFacts {
	const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
	return {
		execution,
		signed,
		videoId,
		eventType: text(record.event_type),
		eventId: text(headers['heygen-event-id']) ?? text(record.event_id),
	};
}

/** Answers a callback the guard did not admit. */
export function refuseCallback(
	this: IWebhookFunctions,
	admission: Extract<Admission, { admitted: false }>,
): { noWebhookResponse: true } {
	const response = this.getResponseObject();
	if (admission.retryAfterSeconds !== undefined)
		response.setHeader('Retry-After', String(admission.retryAfterSeconds));
	response.status(admission.statusCode).json(admission.body);
	return { noWebhookResponse: true };
}
