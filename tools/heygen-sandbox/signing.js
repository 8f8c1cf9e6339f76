'use strict';
/**
 * HMAC helpers: signed CDN URLs and webhook signatures.
 *
 * Signed URL (SIM CHOICE, CloudFront-like): <cdn><path>?Expires=<unix s>&Nonce=<hex>&Signature=<hex>
 *   Signature = hex(HMAC-SHA256(urlSecret, `${path}\n${Expires}\n${Nonce}`)).
 *   Every status call signs afresh (new Expires and Nonce, so the URL always changes even within one second);
 *   older URLs stay valid until their Expires.
 * Webhook signature (reference §5.4): Heygen-Signature = hex(HMAC-SHA256(secret, raw body)).
 */

const crypto = require('node:crypto');

function hmacHex(secret, message) {
	return crypto.createHmac('sha256', secret).update(message).digest('hex');
}

function signPath(cdnBase, path, { secret, ttlSeconds, now = Date.now() }) {
	const expires = Math.floor(now / 1000) + ttlSeconds;
	const nonce = crypto.randomBytes(6).toString('hex');
	const sig = hmacHex(secret, `${path}\n${expires}\n${nonce}`);
	return `${cdnBase}${path}?Expires=${expires}&Nonce=${nonce}&Signature=${sig}`;
}

/** 'ok' | 'missing' | 'expired' | 'bad' */
function verifySignedPath(path, query, { secret, now = Date.now() }) {
	const { Expires, Nonce, Signature } = query;
	if (!Expires || !Signature || Nonce === undefined) return 'missing';
	if (!/^\d+$/.test(Expires) || !/^[0-9a-f]{64}$/.test(Signature)) return 'bad';
	const expected = hmacHex(secret, `${path}\n${Expires}\n${Nonce}`);
	const a = Buffer.from(expected, 'hex');
	const b = Buffer.from(Signature, 'hex');
	if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return 'bad';
	if (Number(Expires) * 1000 < now) return 'expired';
	return 'ok';
}

/** Webhook signature of a raw body. */
function signBody(secret, rawBody) {
	return hmacHex(secret, rawBody);
}

/** Constant-time check of a Heygen-Signature header against a raw body. */
function verifyBodySignature(secret, rawBody, signature) {
	if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/i.test(signature)) return false;
	const a = Buffer.from(signBody(secret, rawBody), 'hex');
	const b = Buffer.from(signature.toLowerCase(), 'hex');
	return a.length === b.length && crypto.timingSafeEqual(a, b);
}

module.exports = { hmacHex, signPath, verifySignedPath, signBody, verifyBodySignature };
