/**
 * Benchmark: the sandbox serves a large MP4 as a stream. Downloads 500 MB from it in this process and
 * reports peak RSS growth and throughput; fails if RSS grows by more than 160 MB (buffering would add 500 MB).
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { startSandbox, videoSha256 } = require('../../tools/heygen-sandbox');

const SIZE = 500 * 1024 * 1024;
// A third of the file: garbage that GC has not yet returned shows in RSS, buffering would show the whole file.
const LIMIT = 160 * 1024 * 1024;

async function main() {
	const sb = await startSandbox({ render: { pendingMs: 1, processingMs: 1 }, videoBytes: SIZE });
	try {
		const created = await fetch(`${sb.url}/v3/templates/tpl_birthday`, {
			method: 'POST',
			headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ variables: {} }),
		}).then((r) => r.json());
		const id = created.data.id;
		await sb.waitFor((s) => s.videos.get(id)?.status === 'completed', { timeoutMs: 10_000 });
		const detail = await fetch(`${sb.url}/v3/videos/${id}`, {
			headers: { 'x-api-key': sb.apiKey },
		}).then((r) => r.json());
		global.gc?.();
		const before = process.memoryUsage().rss;
		let peak = before;
		const started = process.hrtime.bigint();
		const { bytes, hash } = await new Promise((resolve, reject) => {
			http
				.get(detail.data.video_url, { agent: false }, (res) => {
					const h = crypto.createHash('sha256');
					let n = 0;
					res.on('data', (chunk) => {
						h.update(chunk);
						n += chunk.length;
						peak = Math.max(peak, process.memoryUsage().rss);
					});
					res.on('end', () => resolve({ bytes: n, hash: h.digest('hex') }));
					res.on('error', reject);
				})
				.on('error', reject);
		});
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		const growth = peak - before;
		console.log(
			`sandbox stream: ${(bytes / 1048576).toFixed(0)} MB in ${seconds.toFixed(2)} s (${(bytes / 1048576 / seconds).toFixed(0)} MB/s), peak RSS growth ${(growth / 1048576).toFixed(1)} MB (limit ${LIMIT / 1048576} MB)`,
		);
		if (bytes !== SIZE || hash !== videoSha256(id, SIZE))
			throw new Error('bytes differ from what the sandbox should serve');
		if (growth > LIMIT) throw new Error('sandbox buffered the file: memory grew past the limit');
	} finally {
		await sb.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
