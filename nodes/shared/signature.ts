/**
 * HeyGen signs each webhook delivery: `Heygen-Signature` = hex(HMAC-SHA256(endpoint secret, raw body)), the
 * secret taken literally (its `whsec_` prefix included). `Signature` is accepted as the older header name.
 * The comparison runs in constant time, so a forger learns nothing from how fast a guess is refused.
 */
import { createHmac, timingSafeEqual } from 'crypto';

import { headerValue } from './headers';

export { headerValue };

export const SIGNATURE_HEADERS = ['heygen-signature', 'signature'] as const;

export function signatureOf(secret: string, rawBody: Buffer | string): string {
	return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The signature the delivery claims, lower-cased, or undefined when it carries none. */
export function claimedSignature(headers: Record<string, unknown>): string | undefined {
	for (const name of SIGNATURE_HEADERS) {
		const value = headerValue(headers, name)?.trim();
		if (value) return value.toLowerCase();
	}
	return undefined;
}

/** Whether `signature` (hex) is the HMAC of `rawBody` under `secret`. Malformed signatures are false. */
export function signatureMatches(
	secret: string,
	rawBody: Buffer | string,
	signature: string | undefined,
): boolean {
	if (!secret || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	const given = Buffer.from(signature, 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Checks a delivery's headers against its raw body. */
export function verifyHeyGenSignature(
	secret: string,
	rawBody: Buffer | string,
	headers: Record<string, unknown>,
): boolean {
	return signatureMatches(secret, rawBody, claimedSignature(headers));
}
