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
export function saveRegistration(
	staticData: IDataObject,
	url: string,
	registration: Registration,
): void {
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
	for (const [key, value] of Object.entries(staticData.seen))
		if (typeof value === 'number') out[key] = value;
	return out;
}

export function alreadySeen(staticData: IDataObject, key: string, nowMs: number): boolean {
	const at = seenMap(staticData)[key];
	return at !== undefined && nowMs - at < SEEN_TTL_MS;
}

/** Entries younger than the TTL, the newest `limit` of them. */
export function prunedSeen(
	seen: Record<string, number>,
	nowMs: number,
	limit = SEEN_LIMIT,
): Record<string, number> {
	const fresh = Object.entries(seen).filter(([, at]) => nowMs - at < SEEN_TTL_MS);
	fresh.sort((a, b) => b[1] - a[1]);
	return Object.fromEntries(fresh.slice(0, limit));
}

/**
 * What this process handled lately, per trigger (workflow + node). n8n loads the static data when a delivery
 * arrives and saves the whole object after it, so deliveries handled at the same time overwrite each other's
 * additions; writing this process's own memory back with every save keeps the saved list complete. It also
 * answers a retry that arrives while the first delivery is still being handled (not saved yet).
 */
const recent = new Map<string, Map<string, number>>();
const SCOPE_LIMIT = 1000;

function recentFor(scope: string): Map<string, number> {
	let keys = recent.get(scope);
	if (!keys) {
		if (recent.size >= SCOPE_LIMIT) recent.delete(recent.keys().next().value as string);
		keys = new Map();
		recent.set(scope, keys);
	}
	return keys;
}

/** Claims a delivery key in this process; false when it was handled (or is being handled) already. */
export function claimDelivery(
	scope: string,
	key: string,
	nowMs: number,
	limit = SEEN_LIMIT,
): boolean {
	const keys = recentFor(scope);
	const at = keys.get(key);
	if (at !== undefined && nowMs - at < SEEN_TTL_MS) return false;
	keys.delete(key);
	keys.set(key, nowMs);
	while (keys.size > limit) keys.delete(keys.keys().next().value as string);
	return true;
}

export function releaseDelivery(scope: string, key: string): void {
	recent.get(scope)?.delete(key);
}

/** Records the delivery in the static data, together with everything else this process handled lately. */
export function rememberSeen(
	staticData: IDataObject,
	scope: string,
	key: string,
	nowMs: number,
	limit = SEEN_LIMIT,
): void {
	const mine = Object.fromEntries(recent.get(scope) ?? []);
	staticData.seen = prunedSeen({ ...seenMap(staticData), ...mine, [key]: nowMs }, nowMs, limit);
}
