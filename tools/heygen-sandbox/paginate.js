'use strict';
/**
 * v3 cursor pagination: {data:[...], has_more, next_token}. The token is opaque to clients
 * (SIM CHOICE: base64url of {k: list kind, o: offset}); a token of another list or a garbled one → 400.
 */
const { v3Error, v3Ok } = require('./envelopes');

function encodeToken(kind, offset) {
	return Buffer.from(JSON.stringify({ k: kind, o: offset })).toString('base64url');
}

function decodeToken(kind, token) {
	try {
		const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
		if (t && t.k === kind && Number.isInteger(t.o) && t.o >= 0) return t.o;
	} catch {
		/* fall through */
	}
	return null;
}

/**
 * Returns { page, has_more, next_token } or { error: {code, message, param} }.
 * query.limit must be an integer in [1, maxLimit]; query.token an opaque token from a previous page.
 */
function paginate(items, query, { kind, defaultLimit = 10, maxLimit = 100 }) {
	let limit = defaultLimit;
	if (query.limit !== undefined && query.limit !== '') {
		if (!/^\d+$/.test(String(query.limit))) {
			return {
				error: { code: 'invalid_parameter', message: 'limit must be an integer', param: 'limit' },
			};
		}
		limit = Number(query.limit);
		if (limit < 1 || limit > maxLimit) {
			return {
				error: {
					code: 'invalid_parameter',
					message: `limit must be between 1 and ${maxLimit}`,
					param: 'limit',
				},
			};
		}
	}
	let offset = 0;
	if (query.token !== undefined && query.token !== '') {
		const o = decodeToken(kind, query.token);
		if (o === null) {
			return {
				error: { code: 'invalid_parameter', message: 'Invalid pagination token', param: 'token' },
			};
		}
		offset = o;
	}
	const page = items.slice(offset, offset + limit);
	const next = offset + page.length;
	const hasMore = next < items.length;
	return { page, has_more: hasMore, next_token: hasMore ? encodeToken(kind, next) : null };
}

/** A v3 list answer of `items` (each passed through `map`), or the 400 a bad limit or token earns. */
function v3Page(items, query, opts, map = (x) => x) {
	const p = paginate(items, query, opts);
	if (p.error) return v3Error(400, p.error.code, p.error.message, p.error.param);
	return v3Ok(p.page.map(map), { has_more: p.has_more, next_token: p.next_token });
}

module.exports = { paginate, v3Page, encodeToken, decodeToken };
