'use strict';
/**
 * Fault queue: sb.fault(spec) queues a fault; each matching request consumes one use.
 *   spec: { method?, path? (exact string, prefix ending in '*', RegExp, or "regex:..." string), times? (default 1,
 *           Infinity allowed), server? ('api' default | 'cdn'), type, ...type options }
 * Types: rate_limit, trial_limit, insufficient_credit, server_error, drop, drop_after_processing, slow,
 *        fail_after_processing (performed, then answered with `status`, default 502),
 *        envelope_error, unauthorized, redirect (status 302 default, `location`; default: another origin),
 *        malformed_json (HTTP 200, cut-off JSON), html_error (502 HTML page from a proxy), oversize (HTTP 200,
 *        `bytes` of JSON, default 6 MB), stall (headers and `afterBytes` bytes, default 1024, then nothing until
 *        the client gives up), and for the CDN also truncate (send part of the body, then cut).
 */

const TYPES = new Set([
	'rate_limit',
	'trial_limit',
	'insufficient_credit',
	'server_error',
	'drop',
	'drop_after_processing',
	'fail_after_processing',
	'slow',
	'envelope_error',
	'unauthorized',
	'truncate',
	'redirect',
	'malformed_json',
	'html_error',
	'oversize',
	'stall',
]);

/** Normalise a spec that may come from JSON (control API): "regex:..." paths, "Infinity"/null times. */
function normalizeSpec(input) {
	if (!input || typeof input !== 'object') throw new Error('fault spec must be an object');
	const spec = { ...input };
	if (!TYPES.has(spec.type)) throw new Error(`unknown fault type: ${spec.type}`);
	if (typeof spec.path === 'string' && spec.path.startsWith('regex:')) {
		spec.path = new RegExp(spec.path.slice('regex:'.length));
	}
	if (spec.times === undefined) spec.times = 1;
	else if (spec.times === null || spec.times === 'Infinity' || spec.times === 'infinity')
		spec.times = Infinity;
	else spec.times = Number(spec.times);
	if (!(spec.times > 0)) throw new Error('fault times must be > 0');
	if (spec.method) spec.method = String(spec.method).toUpperCase();
	spec.server = spec.server || 'api';
	return spec;
}

function pathMatches(pattern, path) {
	if (pattern === undefined || pattern === null || pattern === '*') return true;
	if (pattern instanceof RegExp) {
		pattern.lastIndex = 0;
		return pattern.test(path);
	}
	if (typeof pattern === 'string') {
		if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
		return path === pattern;
	}
	return false;
}

class FaultQueue {
	constructor() {
		this.list = [];
	}
	add(spec) {
		const s = normalizeSpec(spec);
		this.list.push(s);
		return s;
	}
	/** Find the first fault matching (server, method, path), consume one use, and return it (or null). */
	take(server, method, path) {
		for (let i = 0; i < this.list.length; i++) {
			const f = this.list[i];
			if (f.server !== server) continue;
			if (f.method && f.method !== method) continue;
			if (!pathMatches(f.path, path)) continue;
			f.times -= 1;
			if (f.times <= 0) this.list.splice(i, 1);
			return f;
		}
		return null;
	}
	clear() {
		this.list.length = 0;
	}
	get pending() {
		return this.list.map((f) => ({
			...f,
			path: f.path instanceof RegExp ? `regex:${f.path.source}` : f.path,
		}));
	}
}

module.exports = { FaultQueue, normalizeSpec, pathMatches, FAULT_TYPES: [...TYPES] };
