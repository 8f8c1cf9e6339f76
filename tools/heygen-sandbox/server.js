'use strict';
/**
 * The two HTTP servers: the API (auth, routing, injected faults, request log) and the media host.
 * Methods of the sandbox core (index.js mixes them in); `this` is the core.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { familyOf, errorResponse } = require('./envelopes');
const { readBody, parseBody, queryObject, writeResponse, sleep } = require('./http-util');
const { serveCdn } = require('./cdn');
const { handleControl } = require('./control');

class SandboxServer {
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
		if (this.requests.length > this.options.logLimit)
			this.requests.splice(0, this.requests.length - this.options.logLimit);
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

	async _dispatch(ctx) {
		const found = this._findRoute(ctx.method, ctx.path);
		const family = ctx.family;
		if (!found)
			return errorResponse(family, 404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
		const key = ctx.headers['x-api-key'];
		const validKey = key === this.apiKey || key === this.restrictedApiKey;
		if (!validKey) {
			const message = family === 'v3' ? 'Invalid or missing API key (X-Api-Key)' : 'Unauthorized';
			return errorResponse(family, 401, 'unauthorized', message);
		}
		if (found.methodNotAllowed) {
			return errorResponse(
				family,
				405,
				'method_not_allowed',
				`Method ${ctx.method} not allowed for ${ctx.path}`,
			);
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
			writeResponse(
				res,
				await handleControl(this, { method: req.method, path, body: parsed.value }),
			);
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
			if (fault.type === 'stall')
				return this._stall(res, entry, fault, 'application/json', '{"data":');
			if (fault.type === 'oversize') return this._oversize(res, entry, fault);
			const immediate = this._faultResponse(family, fault);
			const afterProcessing =
				fault.type === 'drop_after_processing' || fault.type === 'fail_after_processing';
			if (immediate && fault.type !== 'slow' && !afterProcessing) return send(immediate);
		}

		const retryAfter = this.rateLimit?.check(req.method, path) ?? null;
		if (retryAfter !== null) {
			entry.fault = 'generate_rate_limit';
			const message = `Rate limit exceeded. Retry after ${retryAfter} seconds.`;
			return send(
				errorResponse(family, 429, 'rate_limit_exceeded', message, {
					headers: { 'retry-after': String(retryAfter) },
				}),
			);
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
			return send(
				errorResponse(
					family,
					s,
					s === 502 ? 'bad_gateway' : 'internal_error',
					s === 502 ? 'Bad gateway' : 'Internal server error',
				),
			);
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
				const location =
					fault.location || `${this.url.replace('127.0.0.1', 'localhost')}/elsewhere${path}`;
				writeResponse(res, { status: fault.status || 302, body: '', headers: { location } });
				entry.status = fault.status || 302;
				this.changed();
				return;
			}
			if (fault.type === 'slow') {
				const ok = await sleep(fault.delayMs ?? this.options.slowDefaultMs, this.slowTimers);
				if (!ok || this.closed) return;
			} else if (fault.type !== 'truncate') {
				const s =
					fault.status ||
					{ rate_limit: 429, trial_limit: 429, insufficient_credit: 402, unauthorized: 401 }[
						fault.type
					] ||
					500;
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
		res.writeHead(fault.status || 200, {
			'content-type': contentType,
			'content-length': String(10 * 1024 * 1024),
		});
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

module.exports = { SandboxServer };
