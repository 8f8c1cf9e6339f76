/**
 * Comparison 4: peak RSS growth while a finished video is downloaded into n8n's binary data (filesystem mode).
 *   stream: HeyGen Wait For Video with Download Video on, in n8n-core's engine (the package's way);
 *   buffer: the whole body read into memory first, then written to disk (what a buffering download does).
 * Each measurement runs in its own process (a clean heap), after a warm-up download of 1 MiB. The stored
 * bytes are checked against what the sandbox served (SHA-256), read back as a stream.
 *
 *   node test/bench/download-memory.js [--sizes 100,1024] [--runs 2] [--out FILE]
 *   node test/bench/download-memory.js --child stream|buffer --mib N     (one measurement, JSON on stdout)
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./lib/load-ts');
const c = require('./lib/common');

const MiB = 1024 * 1024;
const LIMIT_MIB = 64;

function rssSampler() {
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	return {
		stop() {
			clearInterval(timer);
			peak = Math.max(peak, process.memoryUsage().rss);
			return { baselineMiB: baseline / MiB, growthMiB: (peak - baseline) / MiB };
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

async function child(mode, mib) {
	const size = mib * MiB;
	const support = require(path.join(__dirname, '..', 'support', 'wait-for-video.js'));
	const { sb, h } = await support.setup({ videoBytes: MiB });
	const workflow = support.waitWorkflow({ maxTimeInNode: 10, downloadVideo: true });
	// Warm-up: engine, node modules, binary store and the download path, on a small video.
	const small = await support.makeVideo(sb);
	sb.complete(small);
	await h.run(workflow, { items: [{ json: { video_id: small } }] });
	sb.setVideoBytes(size);
	const id = await support.makeVideo(sb);
	sb.complete(id);
	let stored;
	let sampler;
	let downloadSeconds = 0;
	const started = performance.now();
	if (mode === 'stream') {
		sampler = rssSampler();
		const r = await h.run(workflow, { items: [{ json: { video_id: id } }] });
		const memory = sampler.stop();
		downloadSeconds = (performance.now() - started) / 1000;
		const binary = r.items('Completed')[0]?.binary?.data;
		if (!binary) throw new Error(`no binary data: ${r.status} ${r.error?.message}`);
		const { Container } = require('@n8n/di');
		const { BinaryDataService } = require('n8n-core');
		stored = await sha256OfStream(await Container.get(BinaryDataService).getAsStream(binary.id));
		sampler = memory;
	} else {
		const detail = await (
			await fetch(`${sb.url}/v3/videos/${id}`, { headers: { 'x-api-key': sb.apiKey } })
		).json();
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-buffer-')), 'video.mp4');
		const s = rssSampler();
		const body = Buffer.from(await (await fetch(detail.data.video_url)).arrayBuffer());
		await fs.promises.writeFile(file, body);
		sampler = s.stop();
		downloadSeconds = (performance.now() - started) / 1000;
		stored = await sha256OfStream(fs.createReadStream(file));
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	}
	const ok = stored.bytes === size && stored.sha === support.videoSha256(id, size);
	await sb.close();
	return {
		mode,
		mib,
		growthMiB: sampler.growthMiB,
		baselineMiB: sampler.baselineMiB,
		seconds: downloadSeconds,
		bytesOk: ok,
	};
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
	const runs = c.arg('runs', c.QUICK ? 1 : 2);
	const rows = [];
	const details = [];
	for (const mib of sizes) {
		// One run of the largest size: a whole GiB per run is slow on a shared machine, and RSS barely varies.
		const streamed = Array.from({ length: mib >= 1024 ? 1 : runs }, () => measure('stream', mib));
		const buffered = measure('buffer', mib);
		details.push({ mib, streamed, buffered });
		if (![...streamed, buffered].every((r) => r.bytesOk))
			throw new Error(`stored bytes differ from the video (${mib} MiB)`);
		const growth = c.median(streamed.map((r) => r.growthMiB));
		const size = mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
		rows.push({
			id: `4-${mib}`,
			measure: `Peak RSS growth downloading ${size} into binary data (filesystem), Wait For Video (streamed)`,
			value: c.round(growth, 1),
			unit: 'MiB',
			beside: `buffering download: ${c.round(buffered.growthMiB, 0)} MiB (${c.round(buffered.growthMiB / Math.max(1, growth), 0)}×); ${c.round(mib / c.median(streamed.map((r) => r.seconds)), 0)} MiB/s streamed`,
			target: `≤ ${LIMIT_MIB} MiB whatever the size`,
			met: growth <= LIMIT_MIB,
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
