'use strict';
/**
 * Outgoing calls to the user: render callbacks, webhook endpoint deliveries (with duplicates and companion
 * events), hand-made deliveries for tests, and the OPTIONS probe on webhook registration.
 * Methods of the sandbox core (index.js mixes them in); `this` is the core.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { signBody } = require('./signing');
const { successPayload, failPayload } = require('./videos');

class SandboxDeliveries {
	_onTerminal(r) {
		const payload = r.status === 'completed' ? successPayload(this, r) : failPayload(r);
		const eventId = `evt_${crypto.randomBytes(12).toString('hex')}`;
		if (r.callbackUrl) {
			this.deliverer.deliver(
				r.callbackUrl,
				payload,
				this.callbackSecret,
				{ kind: 'callback_url', videoId: r.id },
				eventId,
			);
		}
		this._deliverToEndpoints(payload, r.id, eventId);
		if (this.options.companionEvents && r.status === 'completed') {
			for (const [flag, type] of [
				['includeGif', 'avatar_video_gif.success'],
				['caption', 'avatar_video_caption.success'],
			]) {
				if (!r[flag]) continue;
				const companion = { ...payload, event_type: type, event_data: { ...payload.event_data } };
				this._deliverToEndpoints(companion, r.id, `evt_${crypto.randomBytes(12).toString('hex')}`);
			}
		}
	}

	_deliverToEndpoints(payload, videoId, eventId) {
		for (const ep of this.webhooks.subscribers(payload.event_type)) {
			const meta = { kind: 'webhook', endpointId: ep.endpoint_id, videoId };
			this.deliverer.deliver(ep.url, payload, ep.secret, meta, eventId);
			for (let k = 1; k <= this.options.webhookDuplicates; k++) {
				const t = setTimeout(() => {
					this.slowTimers.delete(t);
					if (!this.closed)
						this.deliverer.deliver(ep.url, payload, ep.secret, { ...meta, duplicate: k }, eventId);
				}, this.options.webhookDuplicateDelayMs * k);
				t.unref();
				this.slowTimers.add(t);
			}
		}
	}

	/**
	 * Send one delivery to `url` outside the render flow, e.g. a forged or unsigned one, or HeyGen redelivering an
	 * event: signed with `secret` unless `signature` is given (null = no signature header). Recorded in
	 * `callbacks` with kind 'manual'. Resolves {status, responseBody} or {error}.
	 */
	async sendDelivery(
		url,
		payload,
		{ secret, signature, eventId = `evt_${crypto.randomBytes(12).toString('hex')}`, rawBody } = {},
	) {
		const body = rawBody ?? JSON.stringify(payload);
		const headers = {
			'content-type': 'application/json',
			'content-length': String(Buffer.byteLength(body)),
			'user-agent': 'HeyGen-Webhook/1.0 (sandbox)',
			'heygen-timestamp': String(Math.floor(Date.now() / 1000)),
			'heygen-event-id': eventId,
		};
		const sig = signature !== undefined ? signature : secret ? signBody(secret, body) : null;
		if (sig !== null) headers['heygen-signature'] = sig;
		const record = {
			url,
			body: payload,
			rawBody: body,
			headers,
			attempt: 1,
			eventId,
			eventType: payload && payload.event_type,
			time: Date.now(),
			kind: 'manual',
		};
		try {
			const { status, responseBody } = await this.deliverer._post(url, headers, body);
			Object.assign(record, { status, responseBody });
		} catch (e) {
			record.error = e.code || e.message;
		}
		this.callbacks.push(record);
		this.changed();
		return record;
	}

	/** OPTIONS probe of a webhook URL (only when options.webhookProbe). Resolves an error message or null. */
	probeWebhook(url) {
		if (!this.options.webhookProbe) return Promise.resolve(null);
		return new Promise((resolve) => {
			let u;
			try {
				u = new URL(url);
			} catch {
				resolve('url is not a valid URL');
				return;
			}
			const mod = u.protocol === 'https:' ? require('node:https') : http;
			const probe = { url, time: Date.now(), status: null };
			this.probes.push(probe);
			const req = mod.request(u, { method: 'OPTIONS', timeout: 1000, agent: false }, (res) => {
				res.resume();
				res.on('end', () => {
					probe.status = res.statusCode;
					this.changed();
					resolve(
						res.statusCode < 400
							? null
							: `Webhook URL answered the OPTIONS probe with ${res.statusCode}`,
					);
				});
			});
			req.on('timeout', () => req.destroy(new Error('timeout')));
			req.on('error', (e) => {
				probe.error = e.message;
				this.changed();
				resolve(`Webhook URL did not answer the OPTIONS probe (${e.message})`);
			});
			req.end();
		});
	}
}

module.exports = { SandboxDeliveries };
