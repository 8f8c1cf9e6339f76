'use strict';
/**
 * Outgoing deliveries: avatar_video.success / avatar_video.fail events to a video's callback_url and to every
 * registered webhook endpoint subscribed to the event (reference §5).
 *
 * Each POST carries Content-Type: application/json, Heygen-Signature = hex HMAC-SHA256(secret, raw body),
 * Heygen-Timestamp (unix s) and Heygen-Event-Id (same id for every attempt and destination of one event).
 * SIM CHOICE: callback_url deliveries are signed with the sandbox's callbackSecret (real signing of ad-hoc
 * callback URLs is UNCONFIRMED); endpoint deliveries with the endpoint's secret.
 * Retries (SIM CHOICE): on connection error, timeout, 5xx, 409 (n8n "execution still running") and 429,
 * up to `attempts` tries with `delaysMs` backoff. Every attempt is recorded (answered ones with `answeredInMs`).
 */

const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const { signBody } = require('./signing');

class Deliverer {
	constructor({
		log,
		onChange,
		attempts = 5,
		delaysMs = [250, 500, 1000, 1500],
		timeoutMs = 10000,
	}) {
		this.log = log; // array to push attempt records into
		this.onChange = onChange || (() => {});
		this.attempts = attempts;
		this.delaysMs = delaysMs;
		this.timeoutMs = timeoutMs;
		this.timers = new Set();
		this.requests = new Set();
		this.closed = false;
		this.inFlight = 0;
		this.generation = 0;
	}

	/**
	 * Deliver `payload` to `url`, signed with `secret`. meta is copied into each attempt record
	 * (e.g. {kind:'callback_url'|'webhook', endpointId, videoId}).
	 */
	deliver(
		url,
		payload,
		secret,
		meta = {},
		eventId = `evt_${crypto.randomBytes(12).toString('hex')}`,
	) {
		const rawBody = JSON.stringify(payload);
		const gen = this.generation;
		this.inFlight++;
		const attempt = (n) => {
			if (this.closed || gen !== this.generation) return this._done(gen);
			const ts = Math.floor(Date.now() / 1000);
			const headers = {
				'content-type': 'application/json',
				'content-length': String(Buffer.byteLength(rawBody)),
				'user-agent': 'HeyGen-Webhook/1.0 (sandbox)',
				'heygen-signature': signBody(secret, rawBody),
				'heygen-timestamp': String(ts),
				'heygen-event-id': eventId,
			};
			const record = {
				url,
				body: payload,
				rawBody,
				headers,
				attempt: n,
				eventId,
				eventType: payload.event_type,
				time: Date.now(),
				...meta,
			};
			this._post(url, headers, rawBody)
				.then(({ status, responseBody }) => {
					if (gen !== this.generation) return;
					record.status = status;
					record.responseBody = responseBody;
					record.answeredInMs = Date.now() - record.time;
					this.log.push(record);
					this.onChange();
					const retry = status >= 500 || status === 409 || status === 429;
					if (retry && n < this.attempts) this._later(() => attempt(n + 1), this._delay(n), gen);
					else this._done(gen);
				})
				.catch((err) => {
					if (gen !== this.generation) return;
					record.error = err.code || err.message;
					this.log.push(record);
					this.onChange();
					if (n < this.attempts && !this.closed)
						this._later(() => attempt(n + 1), this._delay(n), gen);
					else this._done(gen);
				});
		};
		attempt(1);
		return eventId;
	}

	_done(gen) {
		if (gen !== this.generation) return;
		this.inFlight--;
		this.onChange();
	}
	_delay(n) {
		return this.delaysMs[Math.min(n - 1, this.delaysMs.length - 1)] ?? 1000;
	}
	_later(fn, ms, gen) {
		if (this.closed) return this._done(gen);
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		t.unref();
		this.timers.add(t);
	}

	_post(url, headers, rawBody) {
		return new Promise((resolve, reject) => {
			let u;
			try {
				u = new URL(url);
			} catch (e) {
				reject(Object.assign(new Error('invalid url'), { code: 'EINVALIDURL' }));
				return;
			}
			const mod = u.protocol === 'https:' ? https : http;
			const req = mod.request(
				u,
				{ method: 'POST', headers, agent: false, timeout: this.timeoutMs },
				(res) => {
					const chunks = [];
					let size = 0;
					res.on('data', (c) => {
						if (size < 65536) chunks.push(c);
						size += c.length;
					});
					res.on('end', () => {
						this.requests.delete(req);
						resolve({
							status: res.statusCode,
							responseBody: Buffer.concat(chunks).toString('utf8').slice(0, 65536),
						});
					});
					res.on('error', (e) => {
						this.requests.delete(req);
						reject(e);
					});
				},
			);
			this.requests.add(req);
			req.on('timeout', () =>
				req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
			);
			req.on('error', (e) => {
				this.requests.delete(req);
				reject(e);
			});
			req.end(rawBody);
		});
	}

	/** Cancel pending retries and abort in-flight requests. */
	stop() {
		this.generation++;
		this.inFlight = 0;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const r of this.requests) r.destroy();
		this.requests.clear();
	}
	close() {
		this.closed = true;
		this.stop();
	}
}

module.exports = { Deliverer };
