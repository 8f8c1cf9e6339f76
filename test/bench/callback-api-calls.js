/**
 * Benchmark: what HeyGen Wait For Video's callback mode costs at list scale. 1,000 contacts go through
 * Generate (v3, Resume on Callback) into Wait For Video (Resume on HeyGen Callback) in n8n-core's
 * real engine; the sandbox renders 10 at a time (1.5 s each: about 7 callbacks a second, the engine, the sandbox
 * and n8n's per-request execution load sharing one process) and POSTs each video's callback over real HTTP to n8n's
 * waiting-webhook endpoint (test/harness/waiting-webhooks.js). Printed beside Poll mode on the same batch size
 * and render timing, and beside one status read per video every 5 s (the original example workflow's method).
 *
 * Fails unless: the execution resumes exactly once, every contact leaves once, at most 2 status requests per
 * video, no callback delivery timed out, and the slowest callback answer is under 1 s.
 *
 *   node test/bench/callback-api-calls.js [--videos 1000] [--concurrency 10] [--render-ms 1500]
 */
const path = require('node:path');
require('./lib/load-ts');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const support = require(path.join(__dirname, '..', 'support', 'wait-for-video.js'));
const { PACKAGE } = require(path.join(__dirname, '..', 'harness', 'engine.js'));
const { WaitingWebhookServer } = require(
	path.join(__dirname, '..', 'harness', 'waiting-webhooks.js'),
);

const CREDS = { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } };

async function generateWaitWorkflow(h, waitParameters) {
	const { fields } = await h.loadOptions(
		`${PACKAGE}.heyGenGenerateFromTemplate`,
		'resourceMapping',
		'getTemplateVariables',
		{
			parameters: {
				apiVersion: 'v3',
				templateId: { __rl: true, mode: 'id', value: 'tpl_birthday' },
			},
		},
	);
	const workflow = support.waitWorkflow(waitParameters);
	workflow.nodes.splice(1, 0, {
		name: 'Generate',
		type: `${PACKAGE}.heyGenGenerateFromTemplate`,
		credentials: CREDS,
		parameters: {
			apiVersion: 'v3',
			templateId: { __rl: true, mode: 'id', value: 'tpl_birthday' },
			variables: {
				mappingMode: 'autoMapInputData',
				value: null,
				matchingColumns: [],
				schema: fields,
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			options: waitParameters.waitMode === 'callback' ? { resumeOnCallback: true } : {},
		},
	});
	workflow.connections.Trigger = { main: [[{ node: 'Generate', type: 'main', index: 0 }]] };
	workflow.connections.Generate = { main: [[{ node: 'Wait For Video', type: 'main', index: 0 }]] };
	return workflow;
}

const contacts = (count) =>
	Array.from({ length: count }, (_, i) => ({
		json: { contact: `c-${i}`, name: `Contact ${i}`, message: `Happy birthday, Contact ${i}!` },
	}));

/** Reads one status read per video every 5 s would make, from each video's own creation and completion times. */
function fiveSecondReads(sb) {
	let reads = 0;
	for (const video of sb.videos.values())
		reads += Math.floor(((video.completedAt ?? Date.now()) - video.createdAt) / 5000) + 1;
	return reads;
}

/**
 * The sandbox (HeyGen) in a process of its own, as HeyGen is another machine: its delivery clock (10 s answer
 * timeout) and its render timers do not wait on the engine's event loop.
 */
async function startSandboxProcess({ concurrency, pendingMs, processingMs }) {
	const { spawn } = require('node:child_process');
	const child = spawn(
		process.execPath,
		[
			path.join(__dirname, '..', '..', 'tools', 'heygen-sandbox', 'cli.js'),
			'--concurrency',
			String(concurrency),
			'--pending-ms',
			String(pendingMs),
			'--processing-ms',
			String(processingMs),
			'--video-bytes',
			'1024',
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const info = await new Promise((resolve, reject) => {
		let buffer = '';
		child.stdout.on('data', (chunk) => {
			buffer += chunk;
			const line = buffer.split('\n')[0];
			if (buffer.includes('\n')) resolve(JSON.parse(line));
		});
		child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
	});
	const control = async (method, route, body) => {
		const response = await fetch(`${info.url}/__sandbox/${route}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body && JSON.stringify(body),
		});
		return await response.json();
	};
	const stop = async () => {
		child.kill('SIGTERM');
		await new Promise((resolve) => child.once('exit', resolve));
	};
	return { info, control, stop };
}

async function runCallback({ count, concurrency, renderMs }) {
	// Renders start once every video is created and the execution has parked (as a real batch after its first minute).
	const sandbox = await startSandboxProcess({
		concurrency,
		pendingMs: 30_000 + count * 60,
		processingMs: renderMs,
	});
	const { createHarness } = require(path.join(__dirname, '..', 'harness', 'engine.js'));
	const h = createHarness({
		credentials: { heyGenTemplatesApi: { apiKey: sandbox.info.apiKey, baseUrl: sandbox.info.url } },
	});
	const server = await new WaitingWebhookServer(h).start();
	const isStatus = (q) =>
		q.server === 'api' &&
		(q.path === '/v3/videos/statuses' ||
			q.path === '/v1/video_status.get' ||
			/^\/v3\/videos\/[^/]+$/.test(q.path));
	try {
		const started = Date.now();
		const parked = await h.run(
			await generateWaitWorkflow(h, { waitMode: 'callback', maxWaitMinutes: 60 }),
			{ items: contacts(count) },
		);
		if (parked.status !== 'waiting')
			throw new Error(`the execution did not park: ${parked.status}`);
		const parkedAfter = Date.now() - started;
		const statusBefore = (await sandbox.control('GET', 'state')).requests.filter(isStatus).length;
		const entry = server.register(parked);
		await server.finished(parked.executionId);
		// Late callbacks (redeliveries) that arrive after the resume must not resume again.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const state = await sandbox.control('GET', 'state');
		const calls = state.requests.filter(isStatus).slice(statusBefore);
		const outputs = entry.finished.outputs('Wait For Video');
		const callbacks = state.callbacks.filter((c) => c.kind === 'callback_url');
		// Answer times as HeyGen (the sandbox) sees them: from sending the callback to the end of the answer.
		const answerMs = callbacks
			.filter((c) => c.answeredInMs !== undefined)
			.map((c) => c.answeredInMs)
			.sort((x, y) => x - y);
		const videos = { values: () => state.videos };
		return {
			mode: 'callback',
			videos: count,
			render_ms: renderMs,
			wall_seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
			parked_after_seconds: Number((parkedAfter / 1000).toFixed(1)),
			resumes: entry.resumes,
			completed: outputs[0].length,
			failed: outputs[1].length,
			still_rendering: outputs[2].length,
			distinct_contacts_out: new Set(outputs.flat().map((item) => item.json.contact)).size,
			charges: state.charges,
			status_requests: calls.length,
			bulk_status_requests: calls.filter((c) => c.path === '/v3/videos/statuses').length,
			detail_requests: calls.filter((c) => c.path !== '/v3/videos/statuses').length,
			status_requests_per_video: Number((calls.length / count).toFixed(3)),
			callback_deliveries: callbacks.length,
			callback_timeouts: callbacks.filter((c) => c.error === 'ETIMEDOUT').length,
			callback_errors: callbacks.filter((c) => c.error || c.status >= 500).length,
			answers_409: server.answers.filter((a) => a.statusCode === 409).length,
			answer_ms_p50: answerMs[Math.floor(answerMs.length / 2)],
			answer_ms_p99: answerMs[Math.floor(answerMs.length * 0.99)],
			answer_ms_max: answerMs[answerMs.length - 1],
			// The same, from the moment the engine's HTTP server got the request (excludes connection set-up and queueing).
			handler_ms_max: Math.max(...server.answers.map((a) => a.answerMs)),
			five_second_method_reads_per_video: Number((fiveSecondReads({ videos }) / count).toFixed(2)),
		};
	} finally {
		await server.close();
		await sandbox.stop();
	}
}

async function runPoll({ count, concurrency, renderMs }) {
	const { sb, h } = await support.setup({ videoBytes: 1024, logLimit: 200_000 });
	try {
		sb.setConcurrency(concurrency);
		sb.setRender({ pendingMs: 1000, processingMs: renderMs });
		const ids = await support.makeVideos(sb, count);
		const before = support.statusCalls(sb).length;
		let pending = ids.map((video_id) => ({ json: { video_id } }));
		let rounds = 0;
		const started = Date.now();
		// The README's polling loop: Still Rendering goes back into Wait For Video (here without the Wait node's pause).
		while (pending.length > 0 && rounds < 10) {
			rounds++;
			const r = await h.run(
				support.waitWorkflow({ waitMode: 'poll', maxTimeInNode: 55, options: {} }),
				{ items: pending },
			);
			pending = r.items('Still Rendering');
		}
		const calls = support.statusCalls(sb).slice(before);
		return {
			mode: 'poll',
			videos: count,
			executions: rounds,
			wall_seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
			status_requests: calls.length,
			status_requests_per_video: Number((calls.length / count).toFixed(3)),
			five_second_method_reads_per_video: Number((fiveSecondReads(sb) / count).toFixed(2)),
		};
	} finally {
		await sb.close();
	}
}

async function main() {
	const options = {
		count: arg('videos', 1000),
		concurrency: arg('concurrency', 10),
		renderMs: arg('render-ms', 1500),
	};
	const callback = await runCallback(options);
	console.log(JSON.stringify(callback, null, 2));
	const poll = await runPoll(options);
	console.log(JSON.stringify(poll, null, 2));
	console.log(
		`status requests per video: callback ${callback.status_requests_per_video}, poll ${poll.status_requests_per_video}, one read every 5 s ${callback.five_second_method_reads_per_video}`,
	);
	const problems = [];
	if (callback.resumes !== 1) problems.push(`resumed ${callback.resumes} times`);
	if (callback.distinct_contacts_out !== options.count || callback.completed !== options.count)
		problems.push('not every contact completed exactly once');
	if (callback.charges !== options.count)
		problems.push(`${callback.charges} charges for ${options.count} videos`);
	if (callback.status_requests_per_video > 2)
		problems.push('more than 2 status requests per video');
	if (callback.callback_timeouts > 0)
		problems.push(`${callback.callback_timeouts} callback timeouts`);
	if (callback.answer_ms_max >= 1000)
		problems.push(`slowest callback answer ${callback.answer_ms_max} ms`);
	if (problems.length > 0) throw new Error(problems.join('; '));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
