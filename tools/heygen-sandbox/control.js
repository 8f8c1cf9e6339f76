'use strict';
/**
 * HTTP control API under /__sandbox/ on the API server (no API key, not logged in `requests`, never faulted),
 * for out-of-process users such as the end-to-end test:
 *   GET  /__sandbox/health                      → {ok:true, url, cdnUrl}
 *   GET  /__sandbox/state                       → {charges, quota, videos:[...], requests:[...], callbacks:[...], webhooks:[...], faults:[...]}
 *   POST /__sandbox/fault                       body = fault spec (path string; "regex:..." for a RegExp; times null|"Infinity" = Infinity)
 *   POST /__sandbox/videos/:id/complete|fail|stick   (fail body: {code, message, detail})
 *   POST /__sandbox/reset
 *   POST /__sandbox/render       body {pendingMs, processingMs}
 *   POST /__sandbox/concurrency  body {concurrency}
 *   POST /__sandbox/quota        body {quota}
 *   POST /__sandbox/video-bytes  body {bytes}   (size of the videos generated from now on)
 *   POST /__sandbox/webhooks     body {url, events?, secret?} → {endpoint_id, secret}
 *   POST /__sandbox/deliver      body {url, payload, secret?, signature? (null = none), eventId?} → {status, responseBody} | {error}
 */

const { publicRecord } = require('./videos');

function ok(body = { ok: true }) {
	return { status: 200, body };
}
function fail(status, message) {
	return { status, body: { ok: false, error: message } };
}

function handleControl(core, { method, path, body }) {
	const b = body && typeof body === 'object' ? body : {};
	try {
		if (method === 'GET' && path === '/__sandbox/health')
			return ok({ ok: true, url: core.url, cdnUrl: core.cdnUrl });
		if (method === 'GET' && path === '/__sandbox/state') {
			return ok({
				charges: core.charges,
				quota: core.quota,
				videos: [...core.videos.values()].map(publicRecord),
				requests: core.requests,
				callbacks: core.callbacks,
				webhooks: core.webhooks.list(),
				probes: core.probes,
				faults: core.faults.pending,
			});
		}
		if (method === 'POST' && path === '/__sandbox/fault') {
			core.fault(b);
			return ok();
		}
		if (method === 'POST' && path === '/__sandbox/reset') {
			core.reset();
			return ok();
		}
		if (method === 'POST' && path === '/__sandbox/render') {
			core.setRender(b);
			return ok();
		}
		if (method === 'POST' && path === '/__sandbox/concurrency') {
			core.setConcurrency(b.concurrency ?? b.n);
			return ok();
		}
		if (method === 'POST' && path === '/__sandbox/quota') {
			core.quota = Number(b.quota);
			core.changed();
			return ok();
		}
		if (method === 'POST' && path === '/__sandbox/video-bytes') {
			core.setVideoBytes(b.bytes);
			return ok();
		}
		if (method === 'POST' && path === '/__sandbox/webhooks') {
			return ok(core.registerWebhook(b.url, { events: b.events, secret: b.secret }));
		}
		if (method === 'POST' && path === '/__sandbox/deliver') {
			return core
				.sendDelivery(b.url, b.payload, {
					secret: b.secret,
					signature: b.signature,
					eventId: b.eventId,
				})
				.then((r) => ok(r));
		}
		const m = /^\/__sandbox\/videos\/([^/]+)\/(complete|fail|stick)$/.exec(path);
		if (method === 'POST' && m) {
			const [, id, action] = m;
			let done;
			if (action === 'complete') done = core.complete(id);
			else if (action === 'fail') done = core.fail(id, b);
			else done = core.stick(id);
			if (!core.videos.has(id)) return fail(404, `unknown video ${id}`);
			return ok({ ok: true, changed: done, status: core.videos.get(id).status });
		}
		return fail(404, `unknown control route ${method} ${path}`);
	} catch (e) {
		return fail(400, e.message);
	}
}

module.exports = { handleControl };
