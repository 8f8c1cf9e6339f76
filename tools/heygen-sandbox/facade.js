'use strict';
/** What `startSandbox` hands to tests: the core's state as read-only views, and its controls. */
const { verifyBodySignature } = require('./signing');

/** Public facade with the contract's names. */
function facade(core) {
	const sb = {
		get url() {
			return core.url;
		},
		get cdnUrl() {
			return core.cdnUrl;
		},
		get apiKey() {
			return core.apiKey;
		},
		get restrictedApiKey() {
			return core.restrictedApiKey;
		},
		get callbackSecret() {
			return core.callbackSecret;
		},
		get requests() {
			return core.requests;
		},
		get callbacks() {
			return core.callbacks;
		},
		get videos() {
			return core.videos;
		},
		get charges() {
			return core.charges;
		},
		get quota() {
			return core.quota;
		},
		set quota(q) {
			core.quota = Number(q);
			core.changed();
		},
		get webhooks() {
			return core.webhooks.list();
		},
		/** OPTIONS probes made on webhook registration: {url, time, status | error}. */
		get probes() {
			return core.probes;
		},
		get templates() {
			return core.templates;
		},
		get options() {
			return core.options;
		},
		fault: (spec) => core.fault(spec),
		complete: (id) => core.complete(id),
		fail: (id, err) => core.fail(id, err),
		stick: (id) => core.stick(id),
		setRender: (r) => core.setRender(r),
		setConcurrency: (n) => core.setConcurrency(n),
		setVideoBytes: (n) => core.setVideoBytes(n),
		waitFor: (pred, opts) =>
			core.waitFor(
				Object.assign(() => pred(sb), { toString: () => String(pred) }),
				opts,
			),
		registerWebhook: (url, opts) => core.registerWebhook(url, opts),
		sendDelivery: (url, payload, opts) => core.sendDelivery(url, payload, opts),
		reset: () => core.reset(),
		close: () => core.close(),
		/** Sign a CDN path like the API does (e.g. to build an expired or tampered URL in a test). */
		signUrl: (path) => core.sign(path),
		/** Verify a webhook delivery: verifySignature(rawBody, signatureHeader, secret = callbackSecret). */
		verifySignature: (rawBody, signature, secret = core.callbackSecret) =>
			verifyBodySignature(secret, rawBody, signature),
		_core: core,
	};
	return sb;
}

module.exports = { facade };
