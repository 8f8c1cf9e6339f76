/**
 * Who may wake a waiting execution: HeyGen's signature over the raw body (checked by the one HMAC helper the
 * HeyGen Trigger uses too), and the execution's own resume token.
 */
import { timingSafeEqual } from 'crypto';

export { verifyHeyGenSignature } from '../shared/signature';

/**
 * Whether the request carries this execution's resume token. n8n checks it for its own waiting nodes
 * only in some versions, so the node checks it as well. No token in the execution (older n8n): true.
 */
export function resumeTokenMatches(resumeUrl: unknown, query: Record<string, unknown>): boolean {
	if (typeof resumeUrl !== 'string') return true;
	let expected: string | null;
	try {
		expected = new URL(resumeUrl).searchParams.get('signature');
	} catch {
		return true;
	}
	if (!expected) return true;
	const given = query.signature;
	if (typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
