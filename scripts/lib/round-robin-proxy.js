'use strict';
/**
 * A small HTTP reverse proxy on 127.0.0.1 that spreads requests over several upstreams in turn (like a load
 * balancer in front of n8n's webhook processes) and records which upstream served which request.
 * An upstream that refuses the connection gets 502 (HeyGen retries 5xx). Node >= 20, no dependencies.
 *
 *   const proxy = await startRoundRobinProxy({ upstreams: ['http://127.0.0.1:5701', …] });
 *   proxy.url; proxy.log  // [{ time, method, path, upstream, status, ms }]
 *   proxy.setUpstreams([...]); await proxy.close();
 *   proxy.setStickyWaiting(true)   // /webhook-waiting/<executionId>… always to the same upstream (by execution id)
 */
const http = require('node:http');

async function startRoundRobinProxy({ upstreams = [], host = '127.0.0.1' } = {}) {
	let targets = upstreams.map((u) => new URL(u));
	let next = 0;
	let stickyWaiting = false;
	const log = [];
	// A load balancer that hashes the execution id of a resume URL sends every callback of one execution to the
	// same webhook process; other requests still go round-robin.
	const pick = (url) => {
		const m = stickyWaiting && /^\/webhook-waiting\/(\d+)/.exec(url);
		if (m) return targets[Number(m[1]) % targets.length];
		return targets[next++ % targets.length];
	};
	const server = http.createServer((req, res) => {
		const started = Date.now();
		const record = { time: started, method: req.method, path: req.url, upstream: null, status: 0 };
		log.push(record);
		if (!targets.length) {
			record.status = 502;
			res.writeHead(502).end('no upstream');
			return;
		}
		const target = pick(req.url);
		record.upstream = target.port;
		const upstreamReq = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: {
					...req.headers,
					host: `${target.hostname}:${target.port}`,
					'x-forwarded-for': req.socket.remoteAddress,
				},
				agent: false,
			},
			(upstreamRes) => {
				record.status = upstreamRes.statusCode;
				res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
				upstreamRes.pipe(res);
				upstreamRes.on('end', () => (record.ms = Date.now() - started));
			},
		);
		upstreamReq.on('error', (e) => {
			record.status = 502;
			record.error = e.code || e.message;
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`upstream ${target.port}: ${record.error}`);
		});
		req.pipe(upstreamReq);
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, host, resolve);
	});
	const { port } = server.address();
	return {
		url: `http://${host}:${port}`,
		port,
		log,
		setUpstreams(list) {
			targets = list.map((u) => new URL(u));
		},
		setStickyWaiting(on) {
			stickyWaiting = on;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startRoundRobinProxy };
