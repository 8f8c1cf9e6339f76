/**
 * Comparison 4: peak RSS growth while a finished video is downloaded into n8n's binary data (filesystem mode).
 *   stream: HeyGen Wait For Video with Download Video on, in n8n-core's engine (the package's way);
 *   store: the same file fetched with node:http and handed as a stream straight to n8n's binary data store (no
 *   node, no axios): what n8n's own write costs;
 *   buffer: the whole body read into memory first, then written to disk (what a buffering download does).
 * Only n8n's process is measured: the sandbox (HeyGen's API and media host, another machine for n8n) runs in a
 * process of its own. Each measurement runs in its own process (a clean heap), after a warm-up download of
 * 1 MiB; beside RSS, the growth of the V8 heap in use and of memory outside it (Buffers) at their peaks. The
 * stored bytes are checked against what the sandbox served (SHA-256), read back as a stream.
 *
 *   node test/bench/download-memory.js [--sizes 100,1024] [--runs 3] [--out FILE]
 *   node test/bench/download-memory.js --child stream|store|buffer --mib N     (one measurement, JSON on stdout)
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const http = require('node:http');
const path = require('node:path');
require('./lib/load-ts');
const { sandboxProcess } = require('./lib/sandbox-process');
const c = require('./lib/common');

const MiB = 1024 * 1024;
const LIMIT_MIB = 64;

/**
 * Samples the process's memory every 10 ms: peak RSS growth over the baseline, and at their own peaks the V8
 * heap in use and the memory outside it (Buffers/ArrayBuffers), to tell the package's objects from byte buffers
 * waiting for the garbage collector.
 */
function memorySampler() {
	global.gc?.();
	const base = process.memoryUsage();
	const peak = { rss: base.rss, heapUsed: base.heapUsed, external: base.external };
	const sample = () => {
		const now = process.memoryUsage();
		for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], now[key]);
	};
	const timer = setInterval(sample, 10);
	return {
		stop() {
			clearInterval(timer);
			sample();
			return {
				baselineMiB: base.rss / MiB,
				growthMiB: (peak.rss - base.rss) / MiB,
				heapGrowthMiB: (peak.heapUsed - base.heapUsed) / MiB,
				externalGrowthMiB: (peak.external - base.external) / MiB,
			};
		},
	};
}

async function sha256OfStream(stream) {
	const hash = crypto.createHash('sha256');
	let bytes = 0;
	for await (const chunk of stream) {
		hash.update(chunk);
		bytes += chunk.length;
	}
	return { bytes, sha: hash.digest('hex') };
}

/** A plain GET with node:http, as a stream: n8n's binary store fed without the node, axios or n8n's helper. */
function plainGet(url) {
	return new Promise((resolve, reject) => {
		http.get(url, resolve).on('error', reject);
	});
}

/**
 * One measurement in this process. The sandbox (HeyGen's API and media host) runs in a process of its own, as
 * HeyGen is another machine: only n8n's side of the download is measured.
 *   stream: Wait For Video with Download Video on, in n8n-core's engine;
 *   store: the same file fetched with node:http and handed as a stream to n8n's binary data store directly;
 *   buffer: the whole body read into memory, then written to a file.
 */
async function child(mode, mib) {
	const size = mib * MiB;
	const support = require(path.join(__dirname, '..', 'support', 'wait-for-video.js'));
	const { harnessFor } = require(path.join(__dirname, '..', 'support', 'sandbox-engine.js'));
	const sb = await sandboxProcess({
		render: { pendingMs: 50, processingMs: 150 },
		concurrency: 50,
		videoBytes: MiB,
	});
	const control = async (route, body) => {
		const response = await fetch(`${sb.url}/__sandbox/${route}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body ?? {}),
		});
		if (!response.ok) throw new Error(`sandbox control ${route}: ${response.status}`);
	};
	const h = harnessFor(sb);
	const workflow = support.waitWorkflow({ maxTimeInNode: 10, downloadVideo: true });
	// Warm-up: engine, node modules, binary store and the download path, on a small video.
	const small = await support.makeVideo(sb);
	await control(`videos/${small}/complete`);
	await h.run(workflow, { items: [{ json: { video_id: small } }] });
	await control('video-bytes', { bytes: size });
	const id = await support.makeVideo(sb);
	await control(`videos/${id}/complete`);
	const { Container } = require('@n8n/di');
	const { BinaryDataService } = require('n8n-core');
	const store = Container.get(BinaryDataService);
	const videoUrl = async () =>
		(
			await (
				await fetch(`${sb.url}/v3/videos/${id}`, { headers: { 'x-api-key': sb.apiKey } })
			).json()
		).data.video_url;
	let stored;
	let memory;
	const started = performance.now();
	if (mode === 'stream') {
		const sampler = memorySampler();
		const r = await h.run(workflow, { items: [{ json: { video_id: id } }] });
		memory = sampler.stop();
		const binary = r.items('Completed')[0]?.binary?.data;
		if (!binary) throw new Error(`no binary data: ${r.status} ${r.error?.message}`);
		stored = await sha256OfStream(await store.getAsStream(binary.id));
	} else if (mode === 'store') {
		const url = await videoUrl();
		const sampler = memorySampler();
		const binary = await store.store(
			{ type: 'execution', workflowId: 'bench', executionId: '1' },
			await plainGet(url),
			{ fileName: 'video.mp4', mimeType: 'video/mp4', data: '' },
		);
		memory = sampler.stop();
		stored = await sha256OfStream(await store.getAsStream(binary.id));
	} else {
		const url = await videoUrl();
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-buffer-')), 'video.mp4');
		const sampler = memorySampler();
		const body = Buffer.from(await (await fetch(url)).arrayBuffer());
		await fs.promises.writeFile(file, body);
		memory = sampler.stop();
		stored = await sha256OfStream(fs.createReadStream(file));
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	}
	const seconds = (performance.now() - started) / 1000;
	const ok = stored.bytes === size && stored.sha === support.videoSha256(id, size);
	await sb.close();
	return { mode, mib, ...memory, seconds, bytesOk: ok };
}

function measure(mode, mib) {
	const result = spawnSync(
		process.execPath,
		['--expose-gc', __filename, '--child', mode, '--mib', String(mib)],
		{
			encoding: 'utf8',
			maxBuffer: 16 * MiB,
		},
	);
	const line = result.stdout.trim().split('\n').pop();
	if (result.status !== 0 || !line)
		throw new Error(`download ${mode} ${mib} MiB failed: ${result.stderr}`);
	return JSON.parse(line);
}

async function parent() {
	const sizes = String(c.arg('sizes', c.QUICK ? '100' : '100,1024'))
		.split(',')
		.map(Number);
	const runs = c.arg('runs', c.QUICK ? 1 : 3);
	const rows = [];
	const details = [];
	for (const mib of sizes) {
		const streamed = Array.from({ length: runs }, () => measure('stream', mib));
		const plain = Array.from({ length: runs }, () => measure('store', mib));
		const buffered = measure('buffer', mib);
		details.push({ mib, streamed, plain, buffered });
		if (![...streamed, ...plain, buffered].every((r) => r.bytesOk))
			throw new Error(`stored bytes differ from the video (${mib} MiB)`);
		const median = (list, field) => c.median(list.map((r) => r[field]));
		const growth = median(streamed, 'growthMiB');
		const size = mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
		rows.push({
			id: `4-${mib}`,
			measure: `Peak RSS growth downloading ${size} into binary data (filesystem), Wait For Video (streamed)`,
			value: c.round(growth, 1),
			unit: 'MiB',
			beside: `median of ${runs} (${streamed.map((r) => c.round(r.growthMiB, 0)).join(', ')}); V8 heap +${c.round(median(streamed, 'heapGrowthMiB'), 1)} MiB, Buffers +${c.round(median(streamed, 'externalGrowthMiB'), 0)} MiB at their peaks; n8n's binary store fed a plain stream without the node: ${c.round(median(plain, 'growthMiB'), 1)} MiB; buffering download: ${c.round(buffered.growthMiB, 0)} MiB; ${c.round(mib / median(streamed, 'seconds'), 0)} MiB/s streamed`,
			target: `≤ ${LIMIT_MIB} MiB whatever the size`,
			met: growth <= LIMIT_MIB,
			note:
				growth <= LIMIT_MIB
					? undefined
					: `n8n's binary store fed a plain stream without the node grows ${c.round(median(plain, 'growthMiB'), 0)} MiB: the growth is Buffers read from the socket waiting for V8's garbage collector (V8 collects once tens of MiB of external memory have accumulated; sooner when the CPU is idle), while the node's own heap grows ${c.round(median(streamed, 'heapGrowthMiB'), 1)} MiB`,
		});
	}
	c.emit({ section: '4', title: 'Download memory', rows, details });
}

if (process.argv.includes('--child')) {
	const mode = c.arg('child', 'stream');
	child(mode, c.arg('mib', 100)).then(
		(result) => {
			console.log(JSON.stringify(result));
			process.exit(0);
		},
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
} else {
	c.main(parent);
}
