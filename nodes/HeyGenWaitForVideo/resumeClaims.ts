/**
 * Which waiting executions a callback is already resuming in this n8n process.
 *
 * webhook() answers HeyGen before it reads the missing details and downloads, and n8n marks the execution
 * running only after webhook() returns. Another callback for the same execution (a second video finishing, a redelivery)
 * would otherwise pass every check again and download everything a second time. The first callback that
 * decides to resume claims the execution; later ones leave it alone. The claim is kept for a while after the
 * first webhook() returns, because n8n only then switches the execution to running.
 */

/** Long enough for any download; a claim never blocks a resume that nobody performs for longer. */
export const CLAIM_TTL_MS = 30 * 60_000;

const claims = new Map<string, number>();

/** True when `key` was free (now claimed until `now + ttlMs`), false when another callback holds it. */
export function claimResume(key: string, now = Date.now(), ttlMs = CLAIM_TTL_MS): boolean {
	for (const [k, expires] of claims) if (expires <= now) claims.delete(k);
	if (claims.has(key)) return false;
	claims.set(key, now + ttlMs);
	return true;
}

export function isClaimed(key: string, now = Date.now()): boolean {
	const expires = claims.get(key);
	return expires !== undefined && expires > now;
}

export function releaseClaim(key: string): void {
	claims.delete(key);
}
