'use strict';
/**
 * Generate rate limit (option `generateRateLimit: {limit, windowMs}`, off by default): at most `limit` generate
 * calls per fixed window; the next ones get 429 `rate_limit_exceeded` with `Retry-After` = seconds until the
 * window ends. SIM CHOICE: HeyGen publishes no requests-per-minute numbers (reference §7); the fixed window and
 * a fractional Retry-After (so time-scaled benchmarks stay consistent) are invented.
 */

const GENERATE = /^\/(v3\/templates\/[^/]+|v2\/template\/[^/]+\/generate)$/;

class GenerateRateLimit {
	constructor({ limit, windowMs = 1000 } = {}) {
		this.limit = Math.max(1, Math.floor(limit));
		this.windowMs = Math.max(1, windowMs);
		this.windowStart = 0;
		this.used = 0;
		this.refused = 0;
	}

	/** Seconds to wait when this request is over the limit, else null (the request counts against the window). */
	check(method, path, now = Date.now()) {
		if (method !== 'POST' || !GENERATE.test(path)) return null;
		if (now - this.windowStart >= this.windowMs) {
			this.windowStart = now;
			this.used = 0;
		}
		if (this.used < this.limit) {
			this.used++;
			return null;
		}
		this.refused++;
		return Math.max(0.001, (this.windowStart + this.windowMs - now) / 1000);
	}
}

module.exports = { GenerateRateLimit };
