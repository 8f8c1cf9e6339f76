'use strict';
/**
 * HeyGen sandbox: a local simulator of the HeyGen API (v1/v2 legacy and v3), with a separate media host for
 * signed video URLs, a render state machine, outgoing webhooks, fault injection and a control API.
 * Plain CommonJS, Node standard library only. See README.md beside this file.
 *
 *   const { startSandbox } = require('./tools/heygen-sandbox');
 *   const sb = await startSandbox({ render: { pendingMs: 50, processingMs: 100 } });
 *   ... requests to sb.url with header X-Api-Key: sb.apiKey ...
 *   await sb.close();
 */

const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');
const fixtures = require('./templates');
const { FaultQueue } = require('./faults');
const { GenerateRateLimit } = require('./ratelimit');
const { RenderEngine } = require('./renders');
const { Deliverer } = require('./callbacks');
const { verifyBodySignature, signBody } = require('./signing');
const { WebhookStore } = require('./webhooks');
const media = require('./media');
const routesV3 = require('./routes-v3');
const routesLegacy = require('./routes-legacy');
const { SandboxState } = require('./state');
const { SandboxCatalog } = require('./catalog');
const { SandboxDeliveries } = require('./deliveries');
const { SandboxServer } = require('./server');
const { SandboxFaultResponses } = require('./fault-responses');
const { facade } = require('./facade');

const DEFAULTS = {
	port: 0,
	cdnPort: 0,
	host: '127.0.0.1',
	apiKey: 'sandbox-api-key',
	restrictedApiKey: 'sandbox-restricted-key',
	render: { pendingMs: 100, processingMs: 300 },
	concurrency: 3,
	videoBytes: 200_000,
	urlTtlSeconds: 3600,
	callbackSecret: 'whsec_sandbox_callback',
	quota: 100000,
	// SIM CHOICE: each accepted render deducts 60 quota units (= 1 credit: "divide by 60", reference §6).
	quotaPerRender: 60,
	// SIM CHOICE: same Idempotency-Key + different body → 422 ('reject'); 'replay' mimics heygen-cli's doc.
	idempotencyMismatch: 'reject',
	callbackRetry: { attempts: 5, delaysMs: [250, 500, 1000, 1500] },
	callbackTimeoutMs: 10000,
	// SIM CHOICE: the OPTIONS probe on webhook registration (1 s timeout) is off by default; true = enforce.
	webhookProbe: false,
	// SIM CHOICE: HeyGen delivers events more than once (reference §5.4). Each endpoint delivery of an event is
	// repeated this many times (same Heygen-Event-Id, same body), `webhookDuplicateDelayMs` after the first.
	webhookDuplicates: 0,
	webhookDuplicateDelayMs: 300,
	// SIM CHOICE: with true, a render with include_gif / caption also fires avatar_video_gif.success /
	// avatar_video_caption.success (same payload shape) to subscribed endpoints.
	companionEvents: false,
	slowDefaultMs: 5000,
	// Oldest entries of sb.requests / sb.callbacks are dropped past this many (long-running demo processes).
	logLimit: 10000,
	quiet: true,
};

class Sandbox {
	constructor(options = {}) {
		this.options = {
			...DEFAULTS,
			...options,
			render: { ...DEFAULTS.render, ...(options.render || {}) },
			callbackRetry: { ...DEFAULTS.callbackRetry, ...(options.callbackRetry || {}) },
		};
		const o = this.options;
		this.apiKey = o.apiKey;
		this.restrictedApiKey = o.restrictedApiKey;
		this.callbackSecret = o.callbackSecret;
		this.urlSecret = o.urlSecret || crypto.randomBytes(32).toString('hex');
		this.videoBytes = o.videoBytes;
		this.urlTtlSeconds = o.urlTtlSeconds;
		this.quota = o.quota;
		this.fixtures = fixtures;
		this.templates = (o.templates || fixtures.TEMPLATES).map((t) => ({ ...t }));

		this.events = new EventEmitter();
		this.events.setMaxListeners(0);
		this.requests = [];
		this.callbacks = [];
		this.videos = new Map();
		this.idempotency = new Map();
		this._charges = 0;
		this.faults = new FaultQueue();
		this.rateLimit = o.generateRateLimit ? new GenerateRateLimit(o.generateRateLimit) : null;
		this.webhooks = new WebhookStore();
		this.probes = [];
		this.slowTimers = new Set();
		this.sockets = new Set();
		this.closed = false;

		this.engine = new RenderEngine({
			pendingMs: o.render.pendingMs,
			processingMs: o.render.processingMs,
			concurrency: o.concurrency,
		});
		this.engine.on('change', () => this.changed());
		this.engine.on('terminal', (r) => this._onTerminal(r));
		this.deliverer = new Deliverer({
			log: this.callbacks,
			onChange: () => {
				if (this.callbacks.length > o.logLimit)
					this.callbacks.splice(0, this.callbacks.length - o.logLimit);
				this.changed();
			},
			attempts: o.callbackRetry.attempts,
			delaysMs: o.callbackRetry.delaysMs,
			timeoutMs: o.callbackTimeoutMs,
		});
		this.routes = [...routesV3.routes(), ...routesLegacy.routes()];
	}

	get charges() {
		return this._charges;
	}
}

// The core is one object; its methods live in one module per concern.
for (const part of [
	SandboxState,
	SandboxCatalog,
	SandboxDeliveries,
	SandboxServer,
	SandboxFaultResponses,
]) {
	for (const name of Object.getOwnPropertyNames(part.prototype)) {
		if (name !== 'constructor')
			Object.defineProperty(
				Sandbox.prototype,
				name,
				Object.getOwnPropertyDescriptor(part.prototype, name),
			);
	}
}

async function startSandbox(options = {}) {
	const core = new Sandbox(options);
	await core.listen();
	return facade(core);
}

module.exports = {
	startSandbox,
	Sandbox,
	DEFAULTS,
	fixtures,
	TEMPLATES: fixtures.TEMPLATES,
	expectedVideoBytes: media.expectedVideoBytes,
	videoSha256: media.videoSha256,
	videoDuration: media.videoDuration,
	createVideoStream: media.createVideoStream,
	signBody,
	verifyBodySignature,
};
