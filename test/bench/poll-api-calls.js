/**
 * Benchmark: API calls HeyGen Wait For Video spends on a batch. 500 videos rendering for about 20 s are polled
 * in one execution (Poll mode, n8n-core's real engine, the sandbox over HTTP). Reports status calls per video
 * and fails above 1.5 (one detail read per finished video is the floor; bulk status rounds add the rest).
 *
 *   node test/bench/poll-api-calls.js [--videos 500] [--render-s 20]
 */
const path = require('node:path');
require('./lib/load-ts');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
	const count = arg('videos', 500);
	const renderSeconds = arg('render-s', 20);
	const support = require(path.join(__dirname, '..', 'support', 'wait-for-video.js'));
	const { sb, h } = await support.setup({ videoBytes: 1024 });
	try {
		sb.setConcurrency(count);
		sb.setRender({ pendingMs: 1000, processingMs: renderSeconds * 1000 });
		const ids = await support.makeVideos(sb, count);
		const before = support.statusCalls(sb).length;
		const started = Date.now();
		const r = await h.run(support.waitWorkflow({ waitMode: 'poll', maxTimeInNode: 55, options: {} }), {
			items: ids.map((video_id) => ({ json: { video_id } })),
		});
		const seconds = (Date.now() - started) / 1000;
		const calls = support.statusCalls(sb).slice(before);
		const bulk = calls.filter((c) => c.path === '/v3/videos/statuses').length;
		const detail = calls.length - bulk;
		const completed = r.items('Completed').length;
		const report = {
			videos: count,
			render_seconds: renderSeconds,
			wall_seconds: Number(seconds.toFixed(1)),
			completed,
			still_rendering: r.items('Still Rendering').length,
			bulk_status_calls: bulk,
			detail_calls: detail,
			calls_per_video: Number((calls.length / count).toFixed(2)),
		};
		console.log(JSON.stringify(report, null, 2));
		if (completed !== count) throw new Error(`only ${completed} of ${count} videos completed`);
		if (report.calls_per_video > 1.5) throw new Error('too many status calls per video');
	} finally {
		await sb.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
