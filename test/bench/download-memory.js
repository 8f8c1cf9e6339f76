/**
 * Benchmark: HeyGen Wait For Video downloads a large video (default 300 MB) through n8n's real engine and
 * binary store. Reports peak RSS growth and throughput; fails (exit 1) when RSS grows more than the limit,
 * which is what happens if the download is buffered instead of streamed.
 *
 *   node test/bench/download-memory.js [--mb 300] [--limit-mb 128]
 * The .ts node sources are compiled on the fly with ts-jest's TypeScript (transpile only).
 */
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

require('./load-ts');

async function main() {
	const sizeMb = arg('mb', 300);
	const limitMb = arg('limit-mb', 128);
	const size = sizeMb * 1024 * 1024;
	const support = require(path.join(__dirname, '..', 'support', 'wait-for-video.js'));
	const { sb, h } = await support.setup({ videoBytes: size });
	try {
		// Warm up engine, node modules and the download path on a small video, so only the big one counts.
		sb.setVideoBytes(1024 * 1024);
		const small = await support.makeVideo(sb);
		sb.complete(small);
		await h.run(support.waitWorkflow({ maxTimeInNode: 10, downloadVideo: true }), { items: [{ json: { video_id: small } }] });
		sb.setVideoBytes(size);
		const id = await support.makeVideo(sb);
		sb.complete(id);
		global.gc?.();

		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 20);
		const started = process.hrtime.bigint();
		const r = await h.run(support.waitWorkflow({ maxTimeInNode: 10, downloadVideo: true }), {
			items: [{ json: { video_id: id } }],
		});
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);
		if (r.status !== 'success') throw new Error(`run ended ${r.status}: ${r.error?.message}`);
		const [item] = r.items('Completed');
		const binary = item.binary.data;

		// Check the stored file without loading it into memory.
		const stream = await require('@n8n/di').Container.get(require('n8n-core').BinaryDataService).getAsStream(binary.id);
		const hash = crypto.createHash('sha256');
		let bytes = 0;
		for await (const chunk of stream) {
			hash.update(chunk);
			bytes += chunk.length;
		}
		const expectedSha = support.videoSha256(id, size);
		const growthMb = (peak - baseline) / 1024 / 1024;
		const result = {
			video_mb: sizeMb,
			stored_bytes: bytes,
			sha256_matches: hash.digest('hex') === expectedSha,
			seconds: Number(seconds.toFixed(2)),
			throughput_mb_s: Number((sizeMb / seconds).toFixed(1)),
			rss_baseline_mb: Number((baseline / 1024 / 1024).toFixed(1)),
			rss_peak_growth_mb: Number(growthMb.toFixed(1)),
			limit_mb: limitMb,
		};
		console.log(JSON.stringify(result, null, 2));
		if (bytes !== size || !result.sha256_matches) throw new Error('stored video does not match what the sandbox served');
		if (growthMb > limitMb) throw new Error(`RSS grew ${growthMb.toFixed(1)} MB > ${limitMb} MB: the download is not streamed`);
	} finally {
		await sb.close();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(`download-memory: FAILED: ${error.message}`);
		process.exit(1);
	},
);
