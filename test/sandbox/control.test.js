'use strict';
/** The HTTP control API (/__sandbox/*), waitFor, reset, close, and the standalone CLI. */

const path = require('node:path');
const { spawn } = require('node:child_process');
const { startSandbox } = require('../../tools/heygen-sandbox');
const {
	api,
	birthdayBody,
	generateV3,
	generateLegacy,
} = require('../../tools/heygen-sandbox/helpers');
const { parseArgs } = require('../../tools/heygen-sandbox/cli');

const control = (sb, method, p, body) =>
	fetch(`${sb.url}/__sandbox${p}`, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	}).then(async (r) => ({ status: r.status, json: await r.json() }));

describe('control API', () => {
	let sb;
	beforeAll(async () => {
		sb = await startSandbox({ render: { pendingMs: 60000, processingMs: 60000 } });
	});
	afterEach(() => sb.reset());
	afterAll(() => sb.close());

	test('GET /__sandbox/state and /health need no key and are not logged', async () => {
		const id = await generateV3(sb, 'tpl_birthday', birthdayBody({ callback_id: 'st-1' }));
		const health = await control(sb, 'GET', '/health');
		expect(health.json).toEqual({ ok: true, url: sb.url, cdnUrl: sb.cdnUrl });
		const { status, json } = await control(sb, 'GET', '/state');
		expect(status).toBe(200);
		expect(json.charges).toBe(1);
		expect(json.quota).toBe(100000 - 60);
		expect(json.videos).toEqual([
			expect.objectContaining({
				id,
				status: 'pending',
				templateId: 'tpl_birthday',
				apiFamily: 'v3',
				callbackId: 'st-1',
			}),
		]);
		expect(json.requests).toEqual([
			expect.objectContaining({
				server: 'api',
				method: 'POST',
				path: '/v3/templates/tpl_birthday',
				status: 200,
			}),
		]);
		expect(json.requests[0].headers['x-api-key']).toBe(sb.apiKey);
		expect(json.requests[0].body.variables.name.properties.content).toBe('Ada');
		expect(json.callbacks).toEqual([]);
		expect(sb.requests).toHaveLength(1);
	});

	test('POST /__sandbox/videos/:id/complete|fail|stick', async () => {
		const a = await generateV3(sb);
		const b = await generateLegacy(sb);
		const c = await generateV3(sb);
		expect((await control(sb, 'POST', `/videos/${a}/complete`)).json).toMatchObject({
			ok: true,
			changed: true,
			status: 'completed',
		});
		expect(
			(
				await control(sb, 'POST', `/videos/${b}/fail`, {
					code: 40039,
					message: 'Invalid text',
					detail: 'Bad text',
				})
			).json.status,
		).toBe('failed');
		const v1 = await api(sb, 'GET', `/v1/video_status.get?video_id=${b}`);
		expect(v1.json.data.error).toEqual({
			code: 40039,
			message: 'Invalid text',
			detail: 'Bad text',
		});
		expect((await control(sb, 'POST', `/videos/${c}/stick`)).json.ok).toBe(true);
		expect(sb.videos.get(c).outcome).toBe('stuck');
		expect((await control(sb, 'POST', '/videos/nope/complete')).status).toBe(404);
	});

	test('POST /__sandbox/fault with a string path, "regex:" path and times', async () => {
		expect(
			(
				await control(sb, 'POST', '/fault', {
					path: '/v2/templates',
					type: 'server_error',
					status: 503,
				})
			).json.ok,
		).toBe(true);
		expect((await api(sb, 'GET', '/v2/templates')).status).toBe(503);
		await control(sb, 'POST', '/fault', {
			path: 'regex:^/v3/voices',
			type: 'rate_limit',
			retryAfter: 2,
			times: 'Infinity',
		});
		const r = await api(sb, 'GET', '/v3/voices');
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('2');
		expect((await api(sb, 'GET', '/v3/voices')).status).toBe(429);
		expect((await control(sb, 'POST', '/fault', { type: 'nope' })).status).toBe(400);
	});

	test('POST /__sandbox/reset, /render, /concurrency, /quota, /webhooks', async () => {
		await generateV3(sb);
		sb.fault({ path: '/v2/templates', type: 'server_error' });
		expect((await control(sb, 'POST', '/reset')).json.ok).toBe(true);
		expect(sb.charges).toBe(0);
		expect(sb.videos.size).toBe(0);
		expect(sb.requests).toHaveLength(0);
		expect((await api(sb, 'GET', '/v2/templates')).status).toBe(200);
		expect((await api(sb, 'GET', '/v3/templates/tpl_birthday')).status).toBe(200); // templates stay

		await control(sb, 'POST', '/render', { pendingMs: 1, processingMs: 1 });
		await control(sb, 'POST', '/concurrency', { concurrency: 1 });
		const id = await generateV3(sb);
		await sb.waitFor((s) => s.videos.get(id).status === 'completed');
		await control(sb, 'POST', '/quota', { quota: 0 });
		expect(
			(await api(sb, 'POST', '/v3/templates/tpl_birthday', { body: birthdayBody() })).status,
		).toBe(402);
		const wh = await control(sb, 'POST', '/webhooks', {
			url: 'http://127.0.0.1:9/h',
			events: ['avatar_video.success'],
		});
		expect(wh.json).toEqual({
			endpoint_id: expect.any(String),
			secret: expect.stringMatching(/^whsec_/),
		});
		expect((await control(sb, 'GET', '/nope')).status).toBe(404);
		sb.setRender({ pendingMs: 60000, processingMs: 60000 });
	});

	test('waitFor resolves with the predicate value and rejects on timeout', async () => {
		const id = await generateV3(sb);
		const rec = await sb.waitFor((s) => s.videos.get(id));
		expect(rec.id).toBe(id);
		await expect(sb.waitFor(() => false, { timeoutMs: 50 })).rejects.toThrow(/timed out/);
		const later = sb.waitFor((s) => s.charges === 2);
		await generateV3(sb);
		await expect(later).resolves.toBe(true);
	});
});

test('close() stops servers and timers; ports can be fixed', async () => {
	const a = await startSandbox({ render: { pendingMs: 60000 } });
	await generateV3(a);
	const port = Number(new URL(a.url).port);
	await a.close();
	await expect(fetch(a.url)).rejects.toThrow();
	const b = await startSandbox({ port });
	expect(b.url).toBe(`http://127.0.0.1:${port}`);
	expect(b.cdnUrl).not.toBe(b.url);
	await b.close();
	await b.close(); // idempotent
});

describe('CLI', () => {
	const cli = path.join(__dirname, '../../tools/heygen-sandbox/cli.js');

	function run(args, env = {}) {
		const child = spawn(process.execPath, [cli, ...args], {
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const lines = [];
		let buf = '';
		const firstLine = new Promise((resolve, reject) => {
			child.stdout.on('data', (d) => {
				buf += d;
				let i;
				while ((i = buf.indexOf('\n')) >= 0) {
					lines.push(buf.slice(0, i));
					buf = buf.slice(i + 1);
					if (lines.length === 1) resolve(lines[0]);
				}
			});
			child.on('exit', (code) => reject(new Error(`cli exited early (${code})`)));
		});
		const exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => resolve({ code, signal })),
		);
		return { child, firstLine, exited, lines };
	}

	test.each([['SIGTERM'], ['SIGINT']])(
		'starts, prints its JSON line, serves, and exits 0 on %s',
		async (signal) => {
			const { child, firstLine, exited, lines } = run([
				'--port',
				'0',
				'--pending-ms',
				'5',
				'--processing-ms',
				'5',
				'--concurrency',
				'2',
				'--video-bytes',
				'1000',
			]);
			const info = JSON.parse(await firstLine);
			expect(info).toMatchObject({
				url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
				cdnUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
				apiKey: 'sandbox-api-key',
				callbackSecret: 'whsec_sandbox_callback',
			});
			const sb = { url: info.url, apiKey: info.apiKey };
			const id = await generateV3(sb);
			let status;
			for (let i = 0; i < 200 && status !== 'completed'; i++) {
				status = (await api(sb, 'GET', `/v3/videos/${id}`)).json.data.status;
				if (status !== 'completed') await new Promise((r) => setTimeout(r, 20));
			}
			expect(status).toBe('completed');
			const url = (await api(sb, 'GET', `/v3/videos/${id}`)).json.data.video_url;
			expect((await fetch(url).then((r) => r.arrayBuffer())).byteLength).toBe(1000);
			await new Promise((r) => setTimeout(r, 20));
			expect(lines[1]).toMatch(/HeyGen sandbox listening/);
			child.kill(signal);
			expect(await exited).toEqual({ code: 0, signal: null });
		},
	);

	test('SANDBOX_API_KEY / SANDBOX_PORT env vars, and bad options exit 2', async () => {
		const { child, firstLine, exited } = run([], { SANDBOX_API_KEY: 'env-key', SANDBOX_PORT: '0' });
		const info = JSON.parse(await firstLine);
		expect(info.apiKey).toBe('env-key');
		expect(
			(await api({ url: info.url, apiKey: 'env-key' }, 'GET', '/v2/user/remaining_quota')).status,
		).toBe(200);
		child.kill('SIGTERM');
		expect((await exited).code).toBe(0);
		const bad = spawn(process.execPath, [cli, '--bogus'], { stdio: 'ignore' });
		expect(await new Promise((r) => bad.on('exit', r))).toBe(2);
	});

	test('parseArgs maps flags and --flag=value', () => {
		expect(parseArgs(['--port=4010', '--api-key', 'k', '--url-ttl', '60'], {})).toEqual({
			port: 4010,
			apiKey: 'k',
			urlTtlSeconds: 60,
		});
		expect(() => parseArgs(['--port', 'x'], {})).toThrow(/number/);
	});
});
