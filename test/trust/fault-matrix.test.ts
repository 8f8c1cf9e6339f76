/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * fault-matrix: every fault the sandbox injects, against both nodes, in n8n's real engine over real HTTP.
 * Outcomes are asserted as classes and key fields (retried and succeeded / item error / which output), not wording.
 */
import { DOWNLOAD_LIMITS } from '../../nodes/HeyGenWaitForVideo/download';
import { CALLBACK_GUARD, resetCallbackGuard } from '../../nodes/HeyGenWaitForVideo/callbackGuard';
import { signBody } from '../../tools/heygen-sandbox/signing';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setup, makeVideo, waitWorkflow, statusCalls } = require('../support/wait-for-video');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateWorkflow, itemOutcomes, keyLeaks, reportSummary } = require('../support/trust');

let sb: any;
let h: any;
let asserted = 0;
let unexpected = 0;
const faultsRun = new Set<string>();
const WAIT_OUT = ['ok', 'error', 'rendering'];
const SECRET = 'whsec_matrix_secret';

beforeAll(async () => {
	({ sb, h } = await setup({ videoBytes: 200_000 }));
	DOWNLOAD_LIMITS.idleTimeoutMs = 600;
});
afterAll(async () => {
	DOWNLOAD_LIMITS.idleTimeoutMs = 30_000;
	CALLBACK_GUARD.unsignedIntervalMs = 30_000;
	await sb?.close();
	reportSummary(
		`fault-matrix: ${faultsRun.size} faults x 2 nodes, ${asserted} outcomes asserted, ${unexpected} unexpected`,
	);
});
beforeEach(() => {
	sb.reset();
	resetCallbackGuard();
	h.setCredentials('heyGenTemplatesApi', { apiKey: sb.apiKey, baseUrl: sb.url });
});

const posts = () => sb.requests.filter((r: any) => r.server === 'api' && r.method === 'POST');
const nonApi = () => sb.requests.filter((r: any) => r.server !== 'api');

async function runGenerate(
	items: any[] = [{ json: { name: 'Ada', message: 'Hi' } }],
	extra: any = {},
) {
	const result = await h.run(generateWorkflow(extra), { items });
	expect(keyLeaks(sb.apiKey, { result, sb })).toEqual([]);
	return { result, outcomes: itemOutcomes(result, 'Generate') };
}

async function runWait(videoId: string, parameters: any = {}) {
	const result = await h.run(
		waitWorkflow({ maxTimeInNode: 20, ...parameters }, { onError: 'continueRegularOutput' }),
		{
			items: [{ json: { video_id: videoId } }],
		},
	);
	expect(keyLeaks(sb.apiKey, { result, sb })).toEqual([]);
	return {
		result,
		outcomes: result.status === 'waiting' ? [] : itemOutcomes(result, 'Wait For Video', WAIT_OUT),
	};
}

/** Records one asserted outcome; a failed assertion counts as unexpected and fails the test. */
async function outcome(fault: string, node: 'generate' | 'wait', check: () => Promise<void>) {
	faultsRun.add(fault);
	let asExpected = false;
	try {
		await check();
		asExpected = true;
		asserted++;
	} finally {
		if (!asExpected) unexpected++;
	}
}

function generateRetriedOk(fault: string, spec: any) {
	test(`${fault}: Generate retries (idempotent v3) and succeeds with one charge`, async () => {
		await outcome(fault, 'generate', async () => {
			sb.fault({ method: 'POST', path: '/v3/templates/*', ...spec });
			const { outcomes } = await runGenerate();
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
			expect(outcomes[0].json.video_id).toBeTruthy();
			expect(posts().length).toBeGreaterThanOrEqual(2);
			expect(sb.charges).toBe(1);
		});
	});
}

function generateItemError(
	fault: string,
	spec: any,
	{ posted = 1, kindPattern }: { posted?: number; kindPattern?: RegExp } = {},
) {
	test(`${fault}: Generate gives an item error, not repeated`, async () => {
		await outcome(fault, 'generate', async () => {
			sb.fault({ method: 'POST', path: '/v3/templates/*', ...spec });
			const { outcomes } = await runGenerate();
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			if (kindPattern) expect(JSON.stringify(outcomes[0].json.error)).toMatch(kindPattern);
			expect(posts()).toHaveLength(posted);
			expect(sb.charges).toBe(0);
		});
	});
}

function waitRetriedOk(fault: string, spec: any) {
	test(`${fault}: Wait For Video retries the status read and completes`, async () => {
		await outcome(fault, 'wait', async () => {
			const id = await makeVideo(sb);
			sb.complete(id);
			const before = statusCalls(sb).length;
			sb.fault({ method: 'GET', path: `/v3/videos/*`, ...spec });
			const { outcomes } = await runWait(id);
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
			expect(statusCalls(sb).length - before).toBeGreaterThanOrEqual(2);
		});
	});
}

function waitItemError(fault: string, spec: any, pattern?: RegExp) {
	test(`${fault}: Wait For Video gives an item error on Failed`, async () => {
		await outcome(fault, 'wait', async () => {
			const id = await makeVideo(sb);
			sb.complete(id);
			// Every status route (v3 and the legacy fallback) answers with the fault.
			sb.fault({
				method: 'GET',
				path: 'regex:^/(v3/videos|v1/video_status)',
				times: Infinity,
				...spec,
			});
			const { outcomes } = await runWait(id, { maxTimeInNode: 10 });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			if (pattern) expect(JSON.stringify(outcomes[0].json)).toMatch(pattern);
		});
	});
}

/** A fault only one node can meet: the other is shown not to touch what failed. */
function generateUnaffected(fault: string, setupFault: () => void) {
	test(`${fault}: Generate is unaffected (it never reads media or callbacks)`, async () => {
		await outcome(fault, 'generate', async () => {
			setupFault();
			const { outcomes } = await runGenerate();
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
			expect(nonApi()).toHaveLength(0);
			expect(sb.charges).toBe(1);
		});
	});
}

describe('fault-matrix', () => {
	generateRetriedOk('429 with Retry-After', { type: 'rate_limit', retryAfter: 1 });
	waitRetriedOk('429 with Retry-After', { type: 'rate_limit', retryAfter: 1 });

	generateItemError('trial-limit 429', { type: 'trial_limit' }, { kindPattern: /trial/ });
	waitItemError('trial-limit 429', { type: 'trial_limit' }, /trial/);

	generateItemError(
		'402 insufficient credit',
		{ type: 'insufficient_credit' },
		{ kindPattern: /credit/ },
	);
	waitItemError('402 insufficient credit', { type: 'insufficient_credit' }, /credit/);

	for (const status of [500, 502, 503]) {
		generateRetriedOk(`HTTP ${status}`, { type: 'server_error', status });
		waitRetriedOk(`HTTP ${status}`, { type: 'server_error', status });
	}

	generateRetriedOk('dropped connection', { type: 'drop' });
	waitRetriedOk('dropped connection', { type: 'drop' });

	generateRetriedOk('timeout (answer lost after processing)', { type: 'drop_after_processing' });
	waitRetriedOk('timeout (answer lost after processing)', { type: 'drop_after_processing' });

	test('timeout (answer lost after processing): legacy Generate is never repeated and says the video may exist', async () => {
		await outcome('timeout (answer lost after processing)', 'generate', async () => {
			sb.fault({ method: 'POST', path: '/v2/template/*', type: 'drop_after_processing' });
			const { outcomes } = await runGenerate(undefined, { templateId: 'tpl_legacy_promo' });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(posts()).toHaveLength(1);
			expect(sb.charges).toBeLessThanOrEqual(1);
		});
	});

	generateRetriedOk('malformed JSON', { type: 'malformed_json' });
	waitRetriedOk('malformed JSON', { type: 'malformed_json' });

	generateRetriedOk('HTML error page', { type: 'html_error' });
	waitRetriedOk('HTML error page', { type: 'html_error' });

	generateItemError('HTTP-200 error envelope', {
		type: 'envelope_error',
		code: 'invalid_parameter',
		message: 'bad',
	});
	waitItemError('HTTP-200 error envelope', {
		type: 'envelope_error',
		code: 'invalid_parameter',
		message: 'bad',
	});

	test('redirect to another host: Generate refuses it, names the host, sends nothing there', async () => {
		await outcome('redirect to another host', 'generate', async () => {
			sb.fault({ method: 'POST', path: '/v3/templates/*', type: 'redirect', status: 307 });
			const { outcomes } = await runGenerate();
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(JSON.stringify(outcomes[0].json.error)).toContain('localhost');
			expect(nonApi()).toHaveLength(0);
			expect(sb.charges).toBe(0);
		});
	});
	waitItemError('redirect to another host', { type: 'redirect' }, /localhost/);

	test('response above 5 MB: Generate refuses it as an item error', async () => {
		await outcome('response above 5 MB', 'generate', async () => {
			sb.fault({ method: 'POST', path: '/v3/templates/*', type: 'oversize' });
			const { outcomes } = await runGenerate();
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(JSON.stringify(outcomes[0].json.error)).toMatch(/5 MB/);
		});
	});
	waitItemError('response above 5 MB', { type: 'oversize' }, /5 MB/);

	test('unknown template or video: Generate gives an item error and charges nothing', async () => {
		await outcome('unknown template or video', 'generate', async () => {
			const { outcomes } = await runGenerate(undefined, { templateId: 'tpl_does_not_exist' });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(sb.charges).toBe(0);
		});
	});
	test('unknown template or video: Wait For Video gives an item error', async () => {
		await outcome('unknown template or video', 'wait', async () => {
			const { outcomes } = await runWait('vid_does_not_exist');
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
		});
	});

	generateUnaffected('expired download URL', () =>
		sb.fault({ server: 'cdn', path: '/videos/*', type: 'unauthorized', status: 403 }),
	);
	test('expired download URL: Wait For Video re-signs once and downloads', async () => {
		await outcome('expired download URL', 'wait', async () => {
			const id = await makeVideo(sb);
			sb.complete(id);
			sb.fault({
				server: 'cdn',
				path: '/videos/*',
				type: 'unauthorized',
				status: 403,
				code: 'AccessDenied',
				message: 'Request has expired',
			});
			const { result, outcomes } = await runWait(id, { downloadVideo: true });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
			expect(result.items('Completed')[0].binary.data).toBeDefined();
			for (const r of nonApi()) expect(r.headers['x-api-key']).toBeUndefined();
		});
	});

	generateUnaffected('stalled download', () =>
		sb.fault({ server: 'cdn', path: '/videos/*', type: 'stall' }),
	);
	test('stalled download: Wait For Video cuts it after the idle timeout, item error', async () => {
		await outcome('stalled download', 'wait', async () => {
			const id = await makeVideo(sb);
			sb.complete(id);
			sb.fault({ server: 'cdn', path: '/videos/*', type: 'stall', times: 2 });
			const { outcomes } = await runWait(id, { downloadVideo: true });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(JSON.stringify(outcomes[0].json)).toMatch(/no data arrived/);
		});
	});

	test('download URL on a foreign host: Wait For Video refuses it before any request', async () => {
		await outcome('download redirect to another host', 'wait', async () => {
			const id = await makeVideo(sb);
			sb.complete(id);
			sb.fault({
				server: 'cdn',
				path: '/videos/*',
				type: 'redirect',
				location: 'http://169.254.169.254/latest/meta-data/',
			});
			const { outcomes } = await runWait(id, { downloadVideo: true });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(JSON.stringify(outcomes[0].json)).toMatch(/169\.254\.169\.254/);
			expect(nonApi()).toHaveLength(1); // the redirecting media request only
		});
	});
	generateUnaffected('download redirect to another host', () =>
		sb.fault({
			server: 'cdn',
			path: '/videos/*',
			type: 'redirect',
			location: 'http://169.254.169.254/',
		}),
	);

	test('a render that never finishes: Generate succeeds (it does not wait)', async () => {
		await outcome('render that never finishes', 'generate', async () => {
			const { outcomes } = await runGenerate([
				{ json: { name: 'Ada', message: '[[sandbox:stuck]]' } },
			]);
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
		});
	});
	test('a render that never finishes: Wait For Video hands it on as Still Rendering', async () => {
		await outcome('render that never finishes', 'wait', async () => {
			const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
			const { outcomes } = await runWait(id, { maxTimeInNode: 2 });
			expect(outcomes.map((o: any) => o.cls)).toEqual(['rendering']);
		});
	});

	test('a failed render: Generate succeeds (the failure is known only later)', async () => {
		await outcome('failed render', 'generate', async () => {
			const { outcomes } = await runGenerate([
				{ json: { name: 'Ada', message: '[[sandbox:fail]]' } },
			]);
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
		});
	});
	test('a failed render: Wait For Video routes it to Failed with the reason', async () => {
		await outcome('failed render', 'wait', async () => {
			const id = await makeVideo(sb, { message: '[[sandbox:fail]]' });
			const { outcomes } = await runWait(id);
			expect(outcomes.map((o: any) => o.cls)).toEqual(['error']);
			expect(outcomes[0].json.status).toBe('failed');
		});
	});

	generateUnaffected('a callback that never comes', () => undefined);
	test('a callback that never comes: the maximum wait resumes the execution with Still Rendering', async () => {
		await outcome('a callback that never comes', 'wait', async () => {
			const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
			const { result } = await runWait(id, { waitMode: 'callback' });
			expect(result.status).toBe('waiting');
			const resumed = await h.resumeAfterTime(result);
			expect(itemOutcomes(resumed, 'Wait For Video', WAIT_OUT).map((o: any) => o.cls)).toEqual([
				'rendering',
			]);
		});
	});

	generateUnaffected('duplicate and replayed callbacks', () => undefined);
	test('duplicate and replayed signed callbacks: one status read, the replay is answered without effect', async () => {
		await outcome('duplicate and replayed callbacks', 'wait', async () => {
			h.setCredentials('heyGenTemplatesApi', {
				apiKey: sb.apiKey,
				baseUrl: sb.url,
				webhookSecret: SECRET,
			});
			const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
			const { result } = await runWait(id, { waitMode: 'callback' });
			expect(result.status).toBe('waiting');
			const body = JSON.stringify({
				event_type: 'avatar_video.success',
				event_data: { video_id: id },
			});
			const headers = { 'Heygen-Signature': signBody(SECRET, body), 'Heygen-Event-Id': 'evt_1' };
			const before = statusCalls(sb).length;
			const first = await h.resumeWithWebhook(result, { body, headers });
			expect(first.result).toBeUndefined(); // still rendering
			const replay = await h.resumeWithWebhook(result, { body, headers });
			expect(replay.result).toBeUndefined();
			expect(replay.webhookResponse.statusCode).toBe(200);
			expect(statusCalls(sb).length - before).toBe(1);
			// Unsigned: refused outright when a secret is set.
			const unsigned = await h.resumeWithWebhook(result, { body });
			expect(unsigned.webhookResponse.statusCode).toBe(401);
			expect(statusCalls(sb).length - before).toBe(1);
		});
	});

	generateUnaffected('unsigned callback flood', () => undefined);
	test('unsigned callback flood: at most one status read per video per interval', async () => {
		await outcome('unsigned callback flood', 'wait', async () => {
			CALLBACK_GUARD.unsignedIntervalMs = 60_000;
			const id = await makeVideo(sb, { message: '[[sandbox:stuck]]' });
			const { result } = await runWait(id, { waitMode: 'callback' });
			const before = statusCalls(sb).length;
			const answers: number[] = [];
			for (let i = 0; i < 50; i++) {
				const r = await h.resumeWithWebhook(result, {
					body: { event_type: 'avatar_video.success', event_data: { video_id: id } },
				});
				answers.push(r.webhookResponse.statusCode);
			}
			expect(statusCalls(sb).length - before).toBe(1);
			expect(answers.filter((s) => s === 429)).toHaveLength(49);
			CALLBACK_GUARD.unsignedIntervalMs = 30_000;
		});
	});

	generateUnaffected('a callback before the execution parks', () => undefined);
	test('a callback before the execution parks: the first status check finds the video done, no parking', async () => {
		await outcome('a callback before the execution parks', 'wait', async () => {
			const id = await makeVideo(sb);
			sb.complete(id); // HeyGen finished (and called back) before the node ran
			const { result, outcomes } = await runWait(id, { waitMode: 'callback' });
			expect(result.status).toBe('success');
			expect(outcomes.map((o: any) => o.cls)).toEqual(['ok']);
		});
	});
});
