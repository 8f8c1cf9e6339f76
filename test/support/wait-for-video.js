/**
 * Support for the HeyGen Wait For Video tests: a sandbox + engine harness pair, videos generated straight
 * through the sandbox API (independent of the Generate node), and workflow builders. Plain JS: Node APIs.
 */
const { startSandbox, expectedVideoBytes, videoSha256 } = require('../../tools/heygen-sandbox');
const {
	generateV3,
	generateLegacy,
	birthdayBody,
	textVar,
	api,
	startReceiver,
} = require('../../tools/heygen-sandbox/helpers');
const { PACKAGE } = require('../harness/engine');
const { harnessFor, withSandboxEngine } = require('./sandbox-engine');

const WAIT_TYPE = `${PACKAGE}.heyGenWaitForVideo`;
const CREDENTIALS = { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } };

/** Renders quick enough for a test, concurrency high enough that a batch is not queued. */
const WAIT_SANDBOX = { render: { pendingMs: 50, processingMs: 150 }, concurrency: 50 };

async function setup(options = {}) {
	const sb = await startSandbox({ ...WAIT_SANDBOX, ...options });
	return { sb, h: harnessFor(sb) };
}

/** The file's sandbox + harness pair with Wait For Video's sandbox defaults (see sandbox-engine.js). */
function withWaitEngine(options, ready, { reset = false } = {}) {
	withSandboxEngine({ sandbox: { ...WAIT_SANDBOX, ...options }, reset }, ready);
}

/** A birthday video via v3 (or legacy), optionally with magic text and a callback URL. */
async function makeVideo(
	sb,
	{
		family = 'v3',
		name = 'Ada',
		message = 'Many happy returns!',
		callbackUrl,
		callbackId,
		caption,
		includeGif,
	} = {},
) {
	const extra = {};
	if (callbackUrl) extra.callback_url = callbackUrl;
	if (callbackId) extra.callback_id = callbackId;
	if (caption) extra.caption = true;
	if (includeGif) extra.include_gif = true;
	const body = {
		variables: { name: textVar('name', name), message: textVar('message', message) },
		...extra,
	};
	return family === 'v3'
		? await generateV3(sb, 'tpl_birthday', body)
		: await generateLegacy(sb, 'tpl_birthday', body);
}

async function makeVideos(sb, count, options = {}) {
	const ids = [];
	for (let i = 0; i < count; i++)
		ids.push(await makeVideo(sb, { ...options, name: `Contact ${i}` }));
	return ids;
}

/** Trigger → Wait For Video (→ three NoOps, one per output, so every output is visible). */
function waitWorkflow(parameters = {}, nodeExtra = {}) {
	return {
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
			{
				name: 'Wait For Video',
				type: WAIT_TYPE,
				parameters: { options: { initialInterval: 0.1, maxInterval: 0.3 }, ...parameters },
				credentials: CREDENTIALS,
				...nodeExtra,
			},
			{ name: 'Completed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Still Rendering', type: 'n8n-nodes-base.noOp' },
		],
		connections: {
			Trigger: { main: [[{ node: 'Wait For Video', type: 'main', index: 0 }]] },
			'Wait For Video': {
				main: [
					[{ node: 'Completed', type: 'main', index: 0 }],
					[{ node: 'Failed', type: 'main', index: 0 }],
					[{ node: 'Still Rendering', type: 'main', index: 0 }],
				],
			},
		},
	};
}

/** HeyGen's callback body for a video; its `url` is a forgery the node must not trust. */
function callbackFor(videoId, eventType = 'avatar_video.success') {
	return {
		event_type: eventType,
		event_data: { video_id: videoId, url: 'https://evil.example/fake.mp4', callback_id: null },
	};
}

/** A fresh sandbox whose videos start at once and then render for ten minutes: callbacks decide. */
function holdRendering(sb) {
	sb.reset();
	sb.setConcurrency(50);
	sb.setRender({ pendingMs: 20, processingMs: 600_000 });
}

/** Status calls the sandbox received (API server only). */
function statusCalls(sb) {
	return sb.requests.filter(
		(r) =>
			r.server === 'api' &&
			(r.path === '/v3/videos/statuses' ||
				r.path === '/v1/video_status.get' ||
				/^\/v3\/videos\/[^/]+$/.test(r.path)),
	);
}

function sha256(buffer) {
	return require('node:crypto').createHash('sha256').update(buffer).digest('hex');
}

module.exports = {
	setup,
	withWaitEngine,
	makeVideo,
	makeVideos,
	waitWorkflow,
	statusCalls,
	callbackFor,
	holdRendering,
	sha256,
	api,
	birthdayBody,
	startReceiver,
	expectedVideoBytes,
	videoSha256,
	WAIT_TYPE,
	CREDENTIALS,
};
