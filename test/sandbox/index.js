'use strict';
/**
 * HeyGen sandbox: a local simulator of the HeyGen API (v1/v2 legacy and v3), with a separate media host for
 * signed video URLs, a render state machine, outgoing webhooks, fault injection and a control API.
 * Plain CommonJS, Node standard library only. See README.md beside this file.
 *
 *   const { startSandbox } = require('./test/sandbox');
 *   const sb = await startSandbox({ render: { pendingMs: 50, processingMs: 100 } });
 *   ... requests to sb.url with header X-Api-Key: sb.apiKey ...
 *   await sb.close();
 */

const http = require('node:http');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');

const fixtures = require('./templates');
const { familyOf, errorResponse, errorBody } = require('./envelopes');
const { FaultQueue } = require('./faults');
const { GenerateRateLimit } = require('./ratelimit');
const { RenderEngine } = require('./renders');
const { Deliverer } = require('./callbacks');
const { validateGenerate, magicOutcome } = require('./validate');
const { signPath, verifyBodySignature, signBody } = require('./signing');
const { successPayload, failPayload } = require('./videos');
const { WebhookStore } = require('./webhooks');
const { readBody, parseBody, queryObject, writeResponse, sleep } = require('./http-util');
const { serveCdn } = require('./cdn');
const { handleControl } = require('./control');
const media = require('./media');
const routesV3 = require('./routes-v3');
const routesLegacy = require('./routes-legacy');

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
				if (this.callbacks.length > o.logLimit) this.callbacks.splice(0, this.callbacks.length - o.logLimit);
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

	changed() {
		this.events.emit('change');
	}

	getTemplate(id) {
		return this.templates.find((t) => t.id === id) || null;
	}

	sign(path) {
		return signPath(this.cdnUrl, path, { secret: this.urlSecret, ttlSeconds: this.urlTtlSeconds });
	}

	looks() {
		const avatars = fixtures.AVATARS.map((a) => ({
			id: a.avatar_id,
			name: a.avatar_name,
			avatar_type: 'studio_avatar',
			group_id: a.group_id,
			gender: a.gender,
			preview_image_url: a.preview_image_url,
			preview_video_url: a.preview_video_url,
			default_voice_id: a.default_voice_id,
			image_width: 1920,
			image_height: 1080,
			preferred_orientation: 'landscape',
			supported_api_engines: ['avatar_iv', 'avatar_iii'],
			tags: a.tags,
		}));
		const photos = fixtures.TALKING_PHOTOS.map((t) => ({
			id: t.talking_photo_id,
			name: t.talking_photo_name,
			avatar_type: 'photo_avatar',
			group_id: `grp_${t.talking_photo_id}`,
			gender: null,
			preview_image_url: t.preview_image_url,
			preview_video_url: null,
			default_voice_id: null,
			image_width: 1080,
			image_height: 1080,
			preferred_orientation: 'square',
			supported_api_engines: ['avatar_iv'],
			tags: ['photo'],
		}));
		return [...avatars, ...photos];
	}

	avatarGroups() {
		const groups = new Map();
		for (const l of this.looks()) {
			const g = groups.get(l.group_id) || {
				id: l.group_id,
				name: l.name.split(' ')[0],
				created_at: 1767225600,
				looks_count: 0,
				gender: l.gender,
				default_voice_id: l.default_voice_id,
				preview_image_url: l.preview_image_url,
				preview_video_url: l.preview_video_url,
				consent_status: null,
			};
			g.looks_count += 1;
			groups.set(l.group_id, g);
		}
		return [...groups.values()];
	}

	/** v3 /users/me data. SIM CHOICE: a subscription account whose premium credits = floor(quota / 60). */
	userV3() {
		return {
			username: 'sandbox_user',
			email: 'sandbox@example.com',
			first_name: 'Sandy',
			last_name: 'Box',
			billing_type: 'subscription',
			wallet: null,
			subscription: {
				plan: 'Pro',
				credits: {
					premium_credits: {
						remaining: Math.floor(this.quota / 60),
						resets_at: '2027-01-01T00:00:00Z',
					},
				},
			},
			usage_based: null,
		};
	}

	/**
	 * Validate, charge and start a render. family: 'v3' | 'legacy'.
	 * Returns { record } or { error: {status, code, message, param} }.
	 */
	generate(template, body, family, { idempotencyKey = null } = {}) {
		const v = validateGenerate(body, template, family);
		if (v.error) return v;
		if (this.quota < this.options.quotaPerRender) {
			const have = Math.floor(this.quota / 60);
			return {
				error: {
					status: 402,
					code: 'insufficient_credit',
					message: `Your account has ${have} credits but this video requires ${Math.ceil(this.options.quotaPerRender / 60)} credits.`,
				},
			};
		}
		const id = crypto.randomBytes(16).toString('hex');
		const now = Date.now();
		const val = v.value;
		const outcome = magicOutcome(val.requestVariables);
		const record = {
			id,
			templateId: template.id,
			apiFamily: family,
			status: 'pending',
			waiting: false,
			outcome,
			title: val.title || template.name, // SIM CHOICE: untitled renders are named after the template
			callbackId: val.callbackId,
			callbackUrl: val.callbackUrl,
			variables: val.variables,
			requestVariables: JSON.parse(JSON.stringify(val.requestVariables)),
			renderedTexts: val.renderedTexts,
			unfilledPlaceholders: val.unfilledPlaceholders,
			caption: val.caption,
			includeGif: val.includeGif,
			dimension: val.dimension,
			fps: val.fps,
			folderId: val.folderId,
			enableSharing: val.enableSharing,
			test: val.test,
			sceneIds: val.sceneIds,
			createdAt: now,
			processingStartedAt: null,
			completedAt: null,
			duration: media.videoDuration(id),
			sizeBytes: this.videoBytes,
			error: null,
			idempotencyKey,
			charged: true,
		};
		this._charges += 1;
		this.quota -= this.options.quotaPerRender;
		this.videos.set(id, record);
		this.engine.add(record);
		return { record };
	}

	_onTerminal(r) {
		const payload = r.status === 'completed' ? successPayload(this, r) : failPayload(r);
		const eventId = `evt_${crypto.randomBytes(12).toString('hex')}`;
		if (r.callbackUrl) {
			this.deliverer.deliver(r.callbackUrl, payload, this.callbackSecret, { kind: 'callback_url', videoId: r.id }, eventId);
		}
		this._deliverToEndpoints(payload, r.id, eventId);
		if (this.options.companionEvents && r.status === 'completed') {
			for (const [flag, type] of [['includeGif', 'avatar_video_gif.success'], ['caption', 'avatar_video_caption.success']]) {
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
					if (!this.closed) this.deliverer.deliver(ep.url, payload, ep.secret, { ...meta, duplicate: k }, eventId);
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
	async sendDelivery(url, payload, { secret, signature, eventId = `evt_${crypto.randomBytes(12).toString('hex')}`, rawBody } = {}) {
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
		const record = { url, body: payload, rawBody: body, headers, attempt: 1, eventId, eventType: payload && payload.event_type, time: Date.now(), kind: 'manual' };
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
					resolve(res.statusCode < 400 ? null : `Webhook URL answered the OPTIONS probe with ${res.statusCode}`);
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

	// ---- public control methods -------------------------------------------------------------

	fault(spec) {
		const s = this.faults.add(spec);
		this.changed();
		return s;
	}
	complete(id) {
		return this.engine.complete(id);
	}
	fail(id, err = {}) {
		return this.engine.fail(id, err || {});
	}
	stick(id) {
		return this.engine.stick(id);
	}
	setRender(r = {}) {
		this.engine.setRender(r);
	}
	setConcurrency(n) {
		this.engine.setConcurrency(n);
	}
	setVideoBytes(n) {
		this.videoBytes = Math.max(0, Math.floor(Number(n)));
	}
	registerWebhook(url, { events = null, secret } = {}) {
		const ep = this.webhooks.add({ url, events, secret });
		this.changed();
		return { endpoint_id: ep.endpoint_id, secret: ep.secret };
	}

	reset() {
		this.engine.clear();
		this.deliverer.stop();
		this.requests.length = 0;
		this.callbacks.length = 0;
		this.videos.clear();
		this.idempotency.clear();
		this._charges = 0;
		this.quota = this.options.quota;
		this.faults.clear();
		this.webhooks.clear();
		this.probes.length = 0;
		this.changed();
	}

	waitFor(predicate, { timeoutMs = 10000, intervalMs = 20 } = {}) {
		return new Promise((resolve, reject) => {
			let done = false;
			let iv = null;
			let to = null;
			const finish = () => {
				done = true;
				clearInterval(iv);
				clearTimeout(to);
				this.events.off('change', check);
			};
			const check = () => {
				if (done) return;
				let v;
				try {
					v = predicate(this);
				} catch (e) {
					finish();
					reject(e);
					return;
				}
				if (v) {
					finish();
					resolve(v);
				}
			};
			this.events.on('change', check);
			iv = setInterval(check, intervalMs);
			iv.unref();
			to = setTimeout(() => {
				if (done) return;
				finish();
				reject(new Error(`sandbox.waitFor timed out after ${timeoutMs} ms: ${String(predicate).slice(0, 200)}`));
			}, timeoutMs);
			check();
		});
	}

	// ---- HTTP ---------------------------------------------------------------------------------

	_logEntry(server, req, path, query, body) {
		const entry = {
			server,
			method: req.method,
			path,
			query,
			headers: { ...req.headers },
			body,
			status: null,
			time: Date.now(),
		};
		this.requests.push(entry);
		if (this.requests.length > this.options.logLimit) this.requests.splice(0, this.requests.length - this.options.logLimit);
		this.changed();
		return entry;
	}

	_findRoute(method, path) {
		let pathMatch = null;
		for (const r of this.routes) {
			const m = r.path.exec(path);
			if (!m) continue;
			if (r.method === method) return { route: r, params: m.slice(1).map(decodeURIComponent) };
			pathMatch = pathMatch || r;
		}
		return pathMatch ? { methodNotAllowed: true } : null;
	}

	_faultResponse(family, fault) {
		const status = fault.status;
		const over = (code, message) => ({ code: fault.code || code, message: fault.message || message });
		if (fault.body !== undefined) {
			return {
				status: status || 500,
				body: typeof fault.body === 'string' ? fault.body : fault.body,
				headers: fault.contentType ? { 'content-type': fault.contentType } : {},
			};
		}
		switch (fault.type) {
			case 'rate_limit': {
				const retryAfter = fault.retryAfter ?? 1;
				const e = over('rate_limit_exceeded', `Rate limit exceeded. Retry after ${retryAfter} seconds.`);
				return errorResponse(family, status || 429, e.code, e.message, { headers: { 'retry-after': String(retryAfter) } });
			}
			case 'trial_limit': {
				const e = over('trial_video_limit_exceeded', "It seems you've reached your daily api trial limit 5.");
				return errorResponse(family, status || 429, e.code, e.message);
			}
			case 'insufficient_credit': {
				const e = over('insufficient_credit', 'Your account has 0 credits but this video requires 1 credits.');
				return errorResponse(family, status || 402, e.code, e.message);
			}
			case 'server_error': {
				const s = status || 500;
				const code = s === 502 ? 'bad_gateway' : s === 503 ? 'service_unavailable' : 'internal_error';
				const e = over(code, s === 502 ? 'Bad gateway' : s === 503 ? 'Service temporarily unavailable' : 'Internal server error');
				return errorResponse(family, s, e.code, e.message);
			}
			case 'unauthorized': {
				const e = over('unauthorized', 'Unauthorized');
				return errorResponse(family, status || 401, e.code, e.message);
			}
			case 'redirect':
				return { status: status || 302, body: '', headers: { location: fault.location || `${this.cdnUrl.replace('127.0.0.1', 'localhost')}/elsewhere` } };
			case 'malformed_json':
				return { status: status || 200, body: '{"error":null,"data":{"video_id":"vid_', headers: { 'content-type': 'application/json' } };
			case 'html_error':
				return {
					status: status || 502,
					body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
					headers: { 'content-type': 'text/html' },
				};
			case 'envelope_error': {
				// HTTP 200 carrying the family's error envelope: clients must check `error` / `code` on 2xx.
				const e = over('internal_error', 'Something went wrong while processing the request (sandbox envelope_error)');
				return { status: status || 200, body: errorBody(family, { code: e.code, message: e.message }), headers: {} };
			}
			default:
				return null;
		}
	}

	async _dispatch(ctx) {
		const found = this._findRoute(ctx.method, ctx.path);
		const family = ctx.family;
		if (!found) return errorResponse(family, 404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
		const key = ctx.headers['x-api-key'];
		const validKey = key === this.apiKey || key === this.restrictedApiKey;
		if (!validKey) {
			const message = family === 'v3' ? 'Invalid or missing API key (X-Api-Key)' : 'Unauthorized';
			return errorResponse(family, 401, 'unauthorized', message);
		}
		if (found.methodNotAllowed) {
			return errorResponse(family, 405, 'method_not_allowed', `Method ${ctx.method} not allowed for ${ctx.path}`);
		}
		if (found.route.scope === 'user-read' && key === this.restrictedApiKey) {
			return errorResponse(family, 403, 'forbidden', 'missing user-read to execute this operation');
		}
		return found.route.handler({ ...ctx, core: this, params: found.params });
	}

	async _handleApi(req, res) {
		const url = new URL(req.url, 'http://sandbox.local');
		const path = url.pathname;
		const query = queryObject(url.searchParams);
		const { raw, tooLarge } = await readBody(req);
		const parsed = parseBody(raw);

		if (path.startsWith('/__sandbox/') || path === '/__sandbox') {
			writeResponse(res, await handleControl(this, { method: req.method, path, body: parsed.value }));
			return;
		}

		const entry = this._logEntry('api', req, path, query, parsed.value);
		const family = familyOf(path);
		const requestId = `req_${crypto.randomBytes(10).toString('hex')}`;
		const fault = this.faults.take('api', req.method, path);
		if (fault) this.changed();

		const send = (resp) => {
			const headers = { 'x-request-id': requestId, ...(resp.headers || {}) };
			writeResponse(res, { status: resp.status, body: resp.body, headers });
			entry.status = resp.status;
			this.changed();
		};
		const drop = () => {
			entry.status = null;
			entry.dropped = true;
			res.socket?.destroy();
			req.socket?.destroy();
			this.changed();
		};

		if (fault) {
			entry.fault = fault.type;
			if (fault.type === 'drop') return drop();
			if (fault.type === 'stall') return this._stall(res, entry, fault, 'application/json', '{"data":');
			if (fault.type === 'oversize') return this._oversize(res, entry, fault);
			const immediate = this._faultResponse(family, fault);
			const afterProcessing = fault.type === 'drop_after_processing' || fault.type === 'fail_after_processing';
			if (immediate && fault.type !== 'slow' && !afterProcessing) return send(immediate);
		}

		const retryAfter = this.rateLimit?.check(req.method, path) ?? null;
		if (retryAfter !== null) {
			entry.fault = 'generate_rate_limit';
			const message = `Rate limit exceeded. Retry after ${retryAfter} seconds.`;
			return send(errorResponse(family, 429, 'rate_limit_exceeded', message, { headers: { 'retry-after': String(retryAfter) } }));
		}

		let resp;
		if (tooLarge) resp = errorResponse(family, 413, 'payload_too_large', 'Request body too large');
		else {
			try {
				resp = await this._dispatch({
					method: req.method,
					path,
					query,
					headers: req.headers,
					body: parsed.value,
					bodyInvalid: parsed.invalid,
					family,
				});
			} catch (e) {
				entry.error = e.stack || String(e);
				if (!this.options.quiet) console.error('[sandbox] handler error', e);
				resp = errorResponse(family, 500, 'internal_error', 'Internal server error');
			}
		}

		if (fault && fault.type === 'drop_after_processing') {
			// The request was performed (e.g. video created and charged), but the answer never arrives.
			drop();
			if (resp.afterSend) resp.afterSend('dropped');
			return;
		}
		if (fault && fault.type === 'fail_after_processing') {
			// The request was performed (e.g. video created and charged), then a gateway answers with an error.
			if (resp.afterSend) resp.afterSend('dropped');
			const s = fault.status || 502;
			return send(errorResponse(family, s, s === 502 ? 'bad_gateway' : 'internal_error', s === 502 ? 'Bad gateway' : 'Internal server error'));
		}
		if (fault && fault.type === 'slow') {
			const ok = await sleep(fault.delayMs ?? this.options.slowDefaultMs, this.slowTimers);
			if (!ok || this.closed) return;
		}
		send(resp);
		if (resp.afterSend) resp.afterSend('sent');
	}

	async _handleCdn(req, res) {
		const url = new URL(req.url, 'http://cdn.local');
		const path = url.pathname;
		const query = queryObject(url.searchParams);
		await readBody(req, 1024 * 1024);
		const entry = this._logEntry('cdn', req, path, query, null);
		const fault = this.faults.take('cdn', req.method, path);
		if (fault) {
			entry.fault = fault.type;
			if (fault.type === 'drop') {
				req.socket?.destroy();
				this.changed();
				return;
			}
			if (fault.type === 'stall') return this._stall(res, entry, fault, 'video/mp4', '');
			if (fault.type === 'redirect') {
				const location = fault.location || `${this.url.replace('127.0.0.1', 'localhost')}/elsewhere${path}`;
				writeResponse(res, { status: fault.status || 302, body: '', headers: { location } });
				entry.status = fault.status || 302;
				this.changed();
				return;
			}
			if (fault.type === 'slow') {
				const ok = await sleep(fault.delayMs ?? this.options.slowDefaultMs, this.slowTimers);
				if (!ok || this.closed) return;
			} else if (fault.type !== 'truncate') {
				const s = fault.status || { rate_limit: 429, trial_limit: 429, insufficient_credit: 402, unauthorized: 401 }[fault.type] || 500;
				const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code || 'ServiceUnavailable'}</Code><Message>${fault.message || 'Sandbox CDN fault'}</Message></Error>\n`;
				writeResponse(res, { status: s, body, headers: { 'content-type': 'application/xml' } });
				entry.status = s;
				this.changed();
				return;
			}
		}
		entry.status = serveCdn(this, req, res, { path, query, fault });
		this.changed();
	}

	/** Headers and a few bytes, then silence: the connection stays open until the client gives up. */
	_stall(res, entry, fault, contentType, prefix) {
		const bytes = Buffer.alloc(fault.afterBytes ?? 1024, 0x20);
		res.writeHead(fault.status || 200, { 'content-type': contentType, 'content-length': String(10 * 1024 * 1024) });
		res.write(prefix);
		res.write(bytes);
		entry.status = fault.status || 200;
		entry.stalled = true;
		this.changed();
	}

	/** An HTTP 200 JSON answer of `bytes` bytes (default 6 MB), streamed in 64 KB chunks. */
	_oversize(res, entry, fault) {
		const total = fault.bytes ?? 6 * 1024 * 1024;
		res.writeHead(200, { 'content-type': 'application/json' });
		res.write('{"error":null,"data":{"padding":"');
		const chunk = Buffer.alloc(64 * 1024, 0x61);
		let sent = 0;
		const pump = () => {
			while (sent < total) {
				sent += chunk.length;
				if (!res.write(chunk)) return res.once('drain', pump);
			}
			res.end('"}}');
		};
		res.on('error', () => {});
		pump();
		entry.status = 200;
		this.changed();
	}

	_track(server) {
		server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
	}

	async listen() {
		const o = this.options;
		this.apiServer = http.createServer((req, res) => {
			this._handleApi(req, res).catch((e) => {
				if (!o.quiet) console.error('[sandbox] api error', e);
				try {
					res.destroy();
				} catch {
					/* ignore */
				}
			});
		});
		this.cdnServer = http.createServer((req, res) => {
			this._handleCdn(req, res).catch(() => res.destroy());
		});
		for (const s of [this.apiServer, this.cdnServer]) {
			s.keepAliveTimeout = 5000;
			this._track(s);
		}
		const listen = (server, port) =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, o.host, () => {
					server.off('error', reject);
					resolve(server.address().port);
				});
			});
		const apiPort = await listen(this.apiServer, o.port);
		let cdnPort;
		try {
			cdnPort = await listen(this.cdnServer, o.cdnPort);
		} catch (e) {
			this.apiServer.close();
			throw e;
		}
		this.url = `http://${o.host}:${apiPort}`;
		this.cdnUrl = `http://${o.host}:${cdnPort}`;
		return this;
	}

	async close() {
		if (this.closed) return;
		this.closed = true;
		this.engine.clear();
		this.deliverer.close();
		for (const t of this.slowTimers) {
			clearTimeout(t);
			t._sandboxResolve?.(false);
		}
		this.slowTimers.clear();
		const closeServer = (s) => new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
		const p = Promise.all([closeServer(this.apiServer), closeServer(this.cdnServer)]);
		this.apiServer?.closeAllConnections?.();
		this.cdnServer?.closeAllConnections?.();
		for (const s of this.sockets) s.destroy();
		await p;
		this.events.removeAllListeners();
	}
}

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
		waitFor: (pred, opts) => core.waitFor(Object.assign(() => pred(sb), { toString: () => String(pred) }), opts),
		registerWebhook: (url, opts) => core.registerWebhook(url, opts),
		sendDelivery: (url, payload, opts) => core.sendDelivery(url, payload, opts),
		reset: () => core.reset(),
		close: () => core.close(),
		/** Sign a CDN path like the API does (e.g. to build an expired or tampered URL in a test). */
		signUrl: (path) => core.sign(path),
		/** Verify a webhook delivery: verifySignature(rawBody, signatureHeader, secret = callbackSecret). */
		verifySignature: (rawBody, signature, secret = core.callbackSecret) => verifyBodySignature(secret, rawBody, signature),
		_core: core,
	};
	return sb;
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
