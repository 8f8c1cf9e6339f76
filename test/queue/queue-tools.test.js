'use strict';
/** The queue suite's own tools: README command extraction, the round-robin proxy, the exactly-once tally. */
const http = require('node:http');
const { readmeInstallCommands } = require('../../scripts/lib/readme-install');
const { startRoundRobinProxy } = require('../../scripts/lib/round-robin-proxy');
const { exactlyOnce } = require('./checks');

describe('readmeInstallCommands', () => {
	test('reads the shell lines of the "Self-hosted, with npm" block, comments dropped', () => {
		const readme =
			'x\n**Self-hosted, with npm** (y):\n\n```sh\nmkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes   # why\nnpm install n8n-nodes-heygen-templates\n# restart n8n\n```\n';
		expect(readmeInstallCommands(readme)).toEqual([
			'mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes',
			'npm install n8n-nodes-heygen-templates',
		]);
	});
	test('the real README has an npm install of the package', () => {
		expect(
			readmeInstallCommands().some((l) => /^npm install n8n-nodes-heygen-templates$/.test(l)),
		).toBe(true);
	});
	test('throws without the section', () => {
		expect(() => readmeInstallCommands('# nothing')).toThrow(/Self-hosted, with npm/);
	});
});

describe('round-robin proxy', () => {
	const servers = [];
	afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
	const upstream = (name) =>
		new Promise((resolve) => {
			const s = http.createServer((req, res) => res.end(`${name} ${req.method} ${req.url}`));
			servers.push(s);
			s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${s.address().port}`));
		});

	test('alternates between upstreams, records each request, and answers 502 for a dead one', async () => {
		const a = await upstream('a');
		const b = await upstream('b');
		const proxy = await startRoundRobinProxy({ upstreams: [a, b, 'http://127.0.0.1:1'] });
		try {
			const texts = [];
			for (let i = 0; i < 3; i++) {
				const r = await fetch(`${proxy.url}/webhook-waiting/${i}?x=1`, {
					method: 'POST',
					body: '{}',
				});
				texts.push(`${r.status} ${await r.text()}`);
			}
			expect(texts[0]).toBe('200 a POST /webhook-waiting/0?x=1');
			expect(texts[1]).toBe('200 b POST /webhook-waiting/1?x=1');
			expect(texts[2]).toMatch(/^502 /);
			expect(proxy.log.map((r) => r.status)).toEqual([200, 200, 502]);
		} finally {
			await proxy.close();
		}
	});
});

describe('round-robin proxy, sticky by execution', () => {
	const servers = [];
	afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
	const upstream = (name) =>
		new Promise((resolve) => {
			const s = http.createServer((req, res) => res.end(name));
			servers.push(s);
			s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${s.address().port}`));
		});

	test('sends every resume call of one execution to one upstream, other requests in turn', async () => {
		const proxy = await startRoundRobinProxy({
			upstreams: [await upstream('a'), await upstream('b')],
		});
		proxy.setStickyWaiting(true);
		try {
			const served = async (path) =>
				(await fetch(`${proxy.url}${path}`, { method: 'POST' })).text();
			const seven = [];
			for (let i = 0; i < 4; i++) seven.push(await served(`/webhook-waiting/7?signature=${i}`));
			expect(new Set(seven).size).toBe(1);
			expect(await served('/webhook-waiting/8')).not.toBe(seven[0]);
			expect([await served('/webhook/x'), await served('/webhook/x')].sort()).toEqual(['a', 'b']);
		} finally {
			await proxy.close();
		}
	});
});

describe('exactlyOnce', () => {
	test('names missing, doubled and foreign contacts', () => {
		const r = exactlyOnce(
			['a', 'b', 'c'],
			[{ email: 'a' }, { email: 'b' }, { email: 'b' }, { email: 'z' }],
		);
		expect(r).toEqual({ ok: false, missing: ['c'], twice: ['b'], foreign: ['z'] });
		expect(exactlyOnce(['a'], [{ email: 'a' }]).ok).toBe(true);
	});
});
