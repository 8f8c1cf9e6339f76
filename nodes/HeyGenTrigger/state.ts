/**
 * What the trigger keeps in the node's workflow static data (n8n stores it with the workflow and saves it after
 * activation, deactivation and every trigger webhook call):
 * - `registrations`: one HeyGen endpoint per webhook URL (the production and the test URL are separate), with
 *   the signing secret HeyGen shows only once;
 * - `seen`: the keys of deliveries already turned into executions, so HeyGen's retries start nothing. Bounded in
 *   count and age: HeyGen retries for up to a day.
 * Pure functions over plain objects, so they can be unit-tested without n8n.
 */
import type { IDataObject } from 'n8n-workflow';

import { isRecord } from '../shared/json';

export type WebhookApi = 'v3' | 'legacy';
export type WebhookApiChoice = 'auto' | WebhookApi;

export interface Registration {
	endpointId: string;
	secret: string;
	events: string[];
	api: WebhookApi;
	createdAt: string;
}

/** Deliveries remembered at most (oldest forgotten first). */
export const SEEN_LIMIT = 2000;
/** How long a delivery is remembered: longer than HeyGen's retry window (about 24 h). */
export const SEEN_TTL_MS = 48 * 60 * 60 * 1000;

function registrations(staticData: IDataObject): IDataObject {
	return isRecord(staticData.registrations) ? staticData.registrations : {};
}

export function registrationFor(staticData: IDataObject, url: string): Registration | undefined {
	const entry = registrations(staticData)[url];
	if (!isRecord(entry)) return undefined;
	const { endpointId, secret, events, api, createdAt } = entry;
	if (typeof endpointId !== 'string' || endpointId === '') return undefined;
	return {
		endpointId,
		secret: typeof secret === 'string' ? secret : '',
		events: Array.isArray(events) ? events.filter((e): e is string => typeof e === 'string') : [],
		api: api === 'legacy' ? 'legacy' : 'v3',
		createdAt: typeof createdAt === 'string' ? createdAt : '',
	};
}

/** Every registration this node holds (production and, while listening for a test event, test). */
export function allRegistrations(staticData: IDataObject): Registration[] {
	return Object.keys(registrations(staticData))
		.map((url) => registrationFor(staticData, url))
		.filter((r): r is Registration => r !== undefined && r.secret !== '');
}

// Whole objects are assigned (never mutated in place) so n8n's change tracking always sees the write.
export function saveRegistration(staticData: IDataObject, url: string, registration: Registration): void {
	staticData.registrations = { ...registrations(staticData), [url]: { ...registration } };
}

export function forgetRegistration(staticData: IDataObject, url: string): void {
	const next = { ...registrations(staticData) };
	if (!(url in next)) return;
	delete next[url];
	staticData.registrations = next;
}

function seenMap(staticData: IDataObject): Record<string, number> {
	const out: Record<string, number> = {};
	if (!isRecord(staticData.seen)) return out;
	for (const [key, value] of Object.entries(staticData.seen)) if (typeof value === 'number') out[key] = value;
	return out;
}

export function alreadySeen(staticData: IDataObject, key: string, nowMs: number): boolean {
	const at = seenMap(staticData)[key];
	return at !== undefined && nowMs - at < SEEN_TTL_MS;
}

/** Entries younger than the TTL, the newest `limit` of them. */
export function prunedSeen(seen: Record<string, number>, nowMs: number, limit = SEEN_LIMIT): Record<string, number> {
	const fresh = Object.entries(seen).filter(([, at]) => nowMs - at < SEEN_TTL_MS);
	fresh.sort((a, b) => b[1] - a[1]);
	return Object.fromEntries(fresh.slice(0, limit));
}

export function rememberSeen(staticData: IDataObject, key: string, nowMs: number, limit = SEEN_LIMIT): void {
	staticData.seen = prunedSeen({ ...seenMap(staticData), [key]: nowMs }, nowMs, limit);
}

/**
 * Deliveries being handled right now in this process. Static data is saved only after webhook() returns, so
 * a retry arriving meanwhile (HeyGen gives up after ~10 s) would not find the first one in it yet.
 */
const inFlight = new Map<string, number>();
const IN_FLIGHT_LIMIT = 10_000;
const IN_FLIGHT_TTL_MS = 10 * 60 * 1000;

/** Claims a delivery key for this process; false when another call holds it. */
export function claimInFlight(key: string, nowMs: number): boolean {
	const held = inFlight.get(key);
	if (held !== undefined && nowMs - held < IN_FLIGHT_TTL_MS) return false;
	if (inFlight.size >= IN_FLIGHT_LIMIT) {
		for (const [k, at] of inFlight) if (nowMs - at >= IN_FLIGHT_TTL_MS) inFlight.delete(k);
		if (inFlight.size >= IN_FLIGHT_LIMIT) inFlight.delete(inFlight.keys().next().value as string);
	}
	inFlight.set(key, nowMs);
	return true;
}

export function releaseInFlight(key: string): void {
	inFlight.delete(key);
}
