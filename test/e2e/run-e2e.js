#!/usr/bin/env node
'use strict';
/**
 * End-to-end test against a REAL n8n 2.41.1 (`n8n start`, SQLite, Node 24): the packed package is installed the
 * way n8n installs community packages, the example workflows are imported and run, and their results are checked
 * against the HeyGen sandbox and the OpenAI stub over real HTTP (HeyGen's callback really resumes the waiting
 * execution through n8n's /webhook-waiting/ endpoint).
 *
 *   node test/e2e/run-e2e.js          (npm run test:e2e; `npm test` builds first)
 *   E2E_KEEP=1  keep the temporary n8n user folder     E2E_TIMEOUT_MS  overall limit after the n8n install (600000)
 *
 * Prints one line per check and ends with `e2e: N passed, N failed`; exit code 1 on any failure. Every process it
 * starts (n8n and its task runners, sandbox, stub) is stopped on success, failure, timeout and Ctrl-C.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');

const { createCleanupStack } = require('../../scripts/lib/cleanup-stack');
const { ensureN8n } = require('../../scripts/lib/n8n-install');
const inst = require('../../scripts/lib/n8n-instance');
const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const ex = require('../../scripts/lib/examples');
const { startSandbox, expectedVideoBytes } = require('../../tools/heygen-sandbox');
const { startOpenAiStub } = require('../../tools/openai-stub');
const openAiV1 = require('./birthday-openai-v1');
const { prepareCallbackBatch, runCallbackBatch } = require('./callback-batch');

const ROOT = ex.REPO_ROOT;
const T0 = Date.now();
const secs = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
const log = (l) => process.stdout.write(`[e2e ${secs()}] ${l}\n`);

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
	if (ok) passed++;
	else failed++;
	process.stdout.write(
		`  ${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail !== undefined ? `\n       ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}\n`,
	);
	return ok;
}

const cleanups = createCleanupStack(log);
const cleanup = () => cleanups.run();

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const CB_DOWNLOAD_FILE = path.join(ROOT, 'test', 'workflows', 'e2e-callback-download.json');

async function main() {
	// 1. n8n itself (cached outside the repo; the first run installs it, ~5–6 min).
	const n8n = await ensureN8n({ log });
	const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 600000);
	const timer = setTimeout(() => {
		log(`TIMEOUT after ${timeoutMs} ms: stopping everything`);
		failed++;
		cleanup().finally(() => {
			process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
			process.exit(1);
		});
	}, timeoutMs);
	timer.unref();

	// 2. The package, packed and installed like n8n's own installer does.
	if (
		!fs.existsSync(
			path.join(ROOT, 'dist', 'nodes', 'HeyGenWaitForVideo', 'HeyGenWaitForVideo.node.js'),
		)
	) {
		log('dist/ missing: npm run build');
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: true });
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-e2e-'));
	cleanups.push(() => {
		if (process.env.E2E_KEEP || failed) log(`kept ${work}`);
		else fs.rmSync(work, { recursive: true, force: true });
	});
	const userFolder = path.join(work, 'n8n');
	const tarball = inst.packPackage({ dir: ROOT, outDir: work });
	log(`packed ${path.basename(tarball)}`);
	const installed = inst.installPackageTarball({ userFolder, tarball, log, n8n });
	const pkgFiles = fs.readdirSync(installed.dir);
	check(
		'packed package contains only dist/, package.json, README/LICENSE',
		pkgFiles.every((f) => /^(dist|package\.json|README\.md|LICENSE(\.md)?)$/i.test(f)),
		pkgFiles,
	);
	const installedPkg = JSON.parse(
		fs.readFileSync(path.join(installed.dir, 'package.json'), 'utf8'),
	);
	const declared = [...installedPkg.n8n.nodes, ...installedPkg.n8n.credentials];
	const absent = declared.filter((f) => !fs.existsSync(path.join(installed.dir, f)));
	if (
		!check(
			'packed package holds every node/credential file package.json declares',
			absent.length === 0,
			`missing ${absent.join(', ')} (dist incomplete: was a build running at the same time?)`,
		)
	)
		throw new Error('incomplete package');
	check(
		'package has zero runtime dependencies',
		!installedPkg.dependencies || Object.keys(installedPkg.dependencies).length === 0,
		installedPkg.dependencies,
	);

	// 3. Fakes of the outside world: HeyGen sandbox (short renders) and the OpenAI stub.
	const videoBytes = 150000;
	const sb = await startSandbox({
		port: 0,
		render: { pendingMs: 300, processingMs: 1500 },
		videoBytes,
	});
	cleanups.push(() => sb.close());
	const stub = await startOpenAiStub({ port: 0, apiKey: 'sk-e2e-stub' });
	cleanups.push(() => stub.close());
	log(`sandbox ${sb.url} (media ${sb.cdnUrl}), OpenAI stub ${stub.url}`);

	// 4. Credentials and the example workflows, imported with n8n's CLI (fixed ids, as the examples reference them).
	await inst.importCredentials({
		userFolder,
		n8n,
		log,
		list: ex.credentialList({
			heygen: { apiKey: sb.apiKey, baseUrl: sb.url },
			openai: { apiKey: 'sk-e2e-stub', url: stub.url },
		}),
	});
	const ids = await inst.importWorkflows({
		userFolder,
		n8n,
		log,
		files: ex.exampleFiles(),
		publish: false,
	});
	check(
		'n8n imports the three example workflows',
		ids.length === 3 && ids.includes(ex.EXAMPLES.personalized.id),
		ids,
	);
	// Test-only variant: the birthday video in callback mode with download on (no continue-on-fail).
	const [cbDownloadId] = await inst.importWorkflows({
		userFolder,
		n8n,
		log,
		files: [CB_DOWNLOAD_FILE],
		publish: false,
	});
	// Test-only variant: the birthday video with n8n's OpenAI node v1.8 writing the greeting (Map Automatically).
	const v1File = openAiV1.writeBirthdayWithOpenAiV1(work, {
		example: ex.readExample('birthday'),
		credential: ex.CREDENTIALS.openai,
		generateNode: ex.GENERATE_NODE,
	});
	const [v1Id] = await inst.importWorkflows({
		userFolder,
		n8n,
		log,
		files: [v1File],
		publish: false,
	});
	const cbBatchId = await prepareCallbackBatch({ inst, userFolder, n8n, log, work });

	// 5. `n8n start` on free ports.
	const i = await inst.startN8n({ userFolder, n8n, log });
	cleanups.push(() => i.stop());
	const rest = await i.rest();
	const loaded = await inst.checkNodesLoaded({ instance: i, rest, throwOnError: false });
	check(
		'n8n loads both nodes and the credential, icons served, no package warnings/errors in its log',
		loaded.ok,
		loaded,
	);
	check(
		'nodes usable as AI tools too',
		(await rest.nodeTypes()).some(
			(t) => t.name === 'n8n-nodes-heygen-templates.heyGenWaitForVideoTool',
		),
	);

	// 6. Credential test through n8n's REST API (the editor's "Test" button).
	const credTest = async (apiKey) =>
		rest.request('POST', '/rest/credentials/test', {
			body: { credentials: { ...ex.CREDENTIALS.heygen, data: { apiKey, baseUrl: sb.url } } },
		});
	const good = (await credTest(sb.apiKey)).data;
	check('credential test with the right key: OK', good && good.status === 'OK', good);

	// 7a. Birthday video: manual run (as "Execute workflow" in the editor), poll mode, download on.
	let t = Date.now();
	const chargesBefore = sb.charges;
	const a = await ex.runManually(rest, 'birthday');
	log(`birthday workflow: ${a.execution.status} in ${Date.now() - t} ms`);
	check(
		'birthday: execution succeeded',
		a.execution.status === 'success',
		ex.executionError(a.execution),
	);
	const aItems = nodeOutput(a.execution, ex.WAIT_NODE, { output: 0 }) || [];
	const aVideo = aItems[0] && aItems[0].json;
	check(
		'birthday: one item on Completed with status completed and a signed video URL',
		aItems.length === 1 &&
			aVideo.status === 'completed' &&
			typeof aVideo.video_url === 'string' &&
			aVideo.video_url.startsWith(sb.cdnUrl),
		aVideo,
	);
	check(
		'birthday: exactly one charged render',
		sb.charges - chargesBefore === 1,
		sb.charges - chargesBefore,
	);
	const aRecord = aVideo && sb.videos.get(aVideo.video_id);
	check(
		'birthday: HeyGen got the variables from the Set node',
		aRecord &&
			aRecord.templateId === 'tpl_birthday' &&
			JSON.stringify(aRecord.requestVariables || aRecord.variables).includes(
				'Happy birthday, Ada!',
			),
		aRecord && aRecord.requestVariables,
	);
	const aBin = aItems[0] && aItems[0].binary && aItems[0].binary.data;
	check(
		'birthday: MP4 in binary "data" with the full size',
		aBin &&
			aBin.mimeType === 'video/mp4' &&
			aBin.bytes === videoBytes &&
			aBin.fileName === `${aVideo.video_id}.mp4`,
		aBin,
	);
	if (aBin && aBin.id) {
		const r = await fetch(
			`${i.url}/rest/binary-data?id=${encodeURIComponent(aBin.id)}&action=download`,
			{ headers: { cookie: rest.cookie } },
		);
		const buf = Buffer.from(await r.arrayBuffer());
		const expected = expectedVideoBytes(aVideo.video_id, videoBytes);
		check(
			'birthday: the stored file (via n8n REST /rest/binary-data) is byte-identical to the sandbox video',
			r.status === 200 && buf.length === expected.length && sha256(buf) === sha256(expected),
			{ status: r.status, length: buf.length },
		);
	} else check("birthday: binary stored in n8n's binary store (has an id)", false, aBin);

	// 7a'. The same birthday video, the greeting written by the OpenAI node v1.8 (JSON output, simplify on).
	const chargesV1 = sb.charges;
	const stubV1 = stub.requests.length;
	const v1Exec = await rest.waitForExecution(await rest.runWorkflow(v1Id, ex.MANUAL_TRIGGER), {
		timeoutMs: 180000,
		until: (e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status),
	});
	const v1Items = nodeOutput(v1Exec, ex.WAIT_NODE, { output: 0 }) || [];
	const v1Record = v1Items[0] && sb.videos.get(v1Items[0].json.video_id);
	const v1Texts = v1Record
		? Object.fromEntries(
				Object.entries(v1Record.requestVariables).map(([k, v]) => [k, v.properties.content]),
			)
		: {};
	check(
		'birthday via OpenAI v1.8: one completed video, one charge, one POST /v1/chat/completions',
		v1Exec.status === 'success' &&
			v1Items.length === 1 &&
			v1Items[0].json.status === 'completed' &&
			sb.charges - chargesV1 === 1 &&
			stub.requests
				.slice(stubV1)
				.map((q) => `${q.method} ${q.path}`)
				.join() === 'POST /v1/chat/completions',
		ex.executionError(v1Exec) || stub.requests.slice(stubV1).map((q) => q.path),
	);
	check(
		'birthday via OpenAI v1.8: name and message come from message.content, none left as {{…}} in the video',
		v1Texts.name === 'Ada' &&
			/^Hi Ada!/.test(v1Texts.message || '') &&
			v1Record.unfilledPlaceholders.length === 0 &&
			v1Record.title === 'Birthday video for Ada',
		{
			sent: v1Texts,
			placeholders: v1Record && v1Record.unfilledPlaceholders,
			title: v1Record && v1Record.title,
		},
	);

	// 7b. Personalized videos: webhook → Code contacts → OpenAI → Generate (callback URL) → Wait (callback) → table.
	// One render at a time, so the videos finish one after another and every callback is answered on its own:
	// the first ones leave the execution waiting, the last one resumes it.
	sb.setConcurrency(1);
	t = Date.now();
	const charges2 = sb.charges;
	const reqs2 = sb.requests.length;
	const cbs2 = sb.callbacks.length;
	const stub2 = stub.requests.length;
	const b = await ex.runPersonalizedVideos(rest, { log });
	const bMs = Date.now() - t;
	log(`personalized workflow: ${b.execution.status} in ${bMs} ms`);
	check(
		'personalized: execution succeeded',
		b.execution.status === 'success',
		ex.executionError(b.execution),
	);
	check(
		"personalized: the execution waited (parked) for HeyGen's callback",
		b.sawWaiting || (b.execution.data.resultData.runData[ex.WAIT_NODE] || []).length >= 2,
	);
	const contacts = (nodeOutput(b.execution, 'Contacts') || []).map((c) => c.json);
	const rows = ex.resultRows(b.execution);
	process.stdout.write(ex.formatTable(rows).replace(/^/gm, '       ') + '\n');
	check(
		'personalized: 3 contacts, 3 result rows in contact order',
		contacts.length === 3 &&
			rows.length === 3 &&
			rows.every((r, k) => r.contact === contacts[k].name && r.email === contacts[k].email),
		rows.map((r) => r.contact),
	);
	check(
		'personalized: every row completed with a video URL on the media host',
		rows.length === 3 &&
			rows.every(
				(r) =>
					r.status === 'completed' &&
					String(r.video_url).startsWith(sb.cdnUrl + '/videos/' + r.video_id + '/'),
			),
		rows,
	);
	check(
		'personalized: every video downloaded in full (file name, bytes)',
		rows.length === 3 &&
			rows.every((r) => r.file_name === `${r.video_id}.mp4` && r.file_bytes === videoBytes),
		rows,
	);
	const waitItems = nodeOutput(b.execution, ex.WAIT_NODE, { output: 0 }) || [];
	let same = waitItems.length === 3;
	for (const item of waitItems) {
		const bin = item.binary && item.binary.data;
		if (!bin || !bin.id) {
			same = false;
			continue;
		}
		const r = await fetch(
			`${i.url}/rest/binary-data?id=${encodeURIComponent(bin.id)}&action=download`,
			{ headers: { cookie: rest.cookie } },
		);
		const buf = Buffer.from(await r.arrayBuffer());
		if (
			r.status !== 200 ||
			sha256(buf) !== sha256(expectedVideoBytes(item.json.video_id, videoBytes))
		)
			same = false;
	}
	check(
		'personalized: every downloaded file is byte-identical to its sandbox video (sha256)',
		same,
	);
	const stubCalls = stub.requests.slice(stub2);
	check(
		'personalized: OpenAI called once per contact (POST /v1/responses, JSON mode)',
		stubCalls.length === 3 &&
			stubCalls.every(
				(q) => q.method === 'POST' && /\/responses$/.test(q.path) && q.status === 200,
			),
		stubCalls.map((q) => `${q.method} ${q.path} ${q.status}`),
	);
	const videos = rows.map((r) => sb.videos.get(r.video_id)).filter(Boolean);
	check(
		'personalized: exactly one charged render per contact',
		sb.charges - charges2 === 3 && new Set(rows.map((r) => r.video_id)).size === 3,
		sb.charges - charges2,
	);
	check(
		"personalized: HeyGen got first_name/company/script from OpenAI's JSON (Map Automatically)",
		videos.length === 3 &&
			videos.every((v, k) => {
				const vars = v.requestVariables || {};
				const text = (n) => vars[n] && vars[n].properties && vars[n].properties.content;
				return (
					text('first_name') === contacts[k].first_name &&
					text('company') === contacts[k].company &&
					/^Hi /.test(text('script') || '')
				);
			}),
		videos.map((v) => v.requestVariables),
	);
	check(
		'personalized: titles and callback ids come from the contact (paired items through OpenAI)',
		videos.length === 3 &&
			videos.every(
				(v, k) =>
					v.title === `Outreach video for ${contacts[k].name}` &&
					v.callbackId === contacts[k].email,
			),
		videos.map((v) => [v.title, v.callbackId]),
	);
	const execId = b.executionId;
	check(
		"personalized: every render got this execution's resume URL as callback_url",
		videos.length === 3 &&
			videos.every((v) =>
				new RegExp(`^${i.webhookUrl}webhook-waiting/${execId}\\?signature=`).test(
					v.callbackUrl || '',
				),
			),
		videos.map((v) => v.callbackUrl),
	);
	const callbacks = sb.callbacks.slice(cbs2).filter((c) => c.kind === 'callback_url');
	const cbLine = (c) =>
		`${c.videoId} → ${c.status || c.error} ${String(c.responseBody || '').slice(0, 80)}`;
	check(
		'personalized: HeyGen called the resume URL once per video, n8n answered 200 each time',
		callbacks.length === 3 &&
			new Set(callbacks.map((c) => c.videoId)).size === 3 &&
			callbacks.every(
				(c) => c.status === 200 && c.url.includes(`/webhook-waiting/${execId}?signature=`),
			),
		callbacks.map(cbLine),
	);
	check(
		'personalized: the first two callbacks left the execution waiting, the last one resumed it',
		callbacks.length === 3 &&
			callbacks.slice(0, 2).every((c) => /"resumed":false/.test(c.responseBody || '')) &&
			!/"resumed":false/.test(callbacks[2].responseBody || ''),
		callbacks.map(cbLine),
	);
	// n8n replaces the parked run with the resumed one: a second run would mean a second resume.
	check(
		'personalized: Wait For Video has a single run (parked once, resumed once)',
		(b.execution.data.resultData.runData[ex.WAIT_NODE] || []).length === 1,
		(b.execution.data.resultData.runData[ex.WAIT_NODE] || []).length,
	);
	const reqs = sb.requests.slice(reqs2);
	const api = reqs.filter((q) => q.server === 'api');
	const cdn = reqs.filter((q) => q.server === 'cdn');
	check(
		'API key sent on every API request, and never to the media host',
		api.length > 0 &&
			api.every((q) => q.headers['x-api-key'] === sb.apiKey) &&
			cdn.length >= 3 &&
			cdn.every((q) => !('x-api-key' in q.headers) && !('authorization' in q.headers)),
		{ api: api.length, cdnWithKey: cdn.filter((q) => 'x-api-key' in q.headers).length },
	);
	const generates = api.filter((q) => q.method === 'POST' && /^\/v3\/templates\//.test(q.path));
	check(
		'generate requests carry an Idempotency-Key',
		generates.length === 3 && generates.every((q) => q.headers['idempotency-key']),
		generates.length,
	);
	log(
		`personalized workflow: ${api.length} API requests, ${cdn.length} media downloads, ${callbacks.length} callback deliveries`,
	);
	const byPath = {};
	for (const q of api) {
		const k = `${q.method} ${q.path.replace(/\/[A-Za-z0-9_-]{12,}(?=\/|$)/g, '/{id}').replace(/tpl_[a-z_]+/, '{template}')}`;
		byPath[k] = (byPath[k] || 0) + 1;
	}
	log(`  API calls: ${JSON.stringify(byPath)}`);

	// 7c. Polling loop: manual run; with short renders it finishes in the first pass.
	const c = await ex.runManually(rest, 'pollingLoop');
	const cItems = nodeOutput(c.execution, ex.WAIT_NODE, { output: 0 }) || [];
	check(
		'polling loop: execution succeeded, the video on Completed (no download)',
		c.execution.status === 'success' &&
			cItems.length === 1 &&
			cItems[0].json.status === 'completed' &&
			!cItems[0].binary,
		ex.executionError(c.execution) || cItems.map((x) => x.json.status),
	);

	// 8. Nothing went wrong in n8n's log for our package while it ran.
	const after = await inst.checkNodesLoaded({ instance: i, rest, throwOnError: false });
	check(
		"no warnings/errors about the package in n8n's log after the runs",
		after.logProblems.length === 0,
		after.logProblems,
	);

	// 9. A wrong key in the credential test (n8n logs the 401 itself, hence after the log check).
	const bad = (await credTest('wrong-key')).data;
	check(
		"credential test with a wrong key: Error with HeyGen's 401 message",
		bad && bad.status === 'Error' && /401|unauthori/i.test(bad.message || ''),
		bad,
	);

	// 10. All three videos finish together: their callbacks race. n8n lets exactly one of them resume the execution
	// ("already being resumed" / "has finished already" for the others, which HeyGen retries and then drops).
	sb.setConcurrency(3);
	const charges3 = sb.charges;
	const cbs3 = sb.callbacks.length;
	const race = await ex.runPersonalizedVideos(rest, { log });
	const raceRows = ex.resultRows(race.execution);
	check(
		'racing callbacks: execution succeeded with 3 completed rows',
		race.execution.status === 'success' &&
			raceRows.length === 3 &&
			raceRows.every((r) => r.status === 'completed' && r.file_bytes === videoBytes),
		ex.executionError(race.execution) || raceRows,
	);
	const raceCbs = sb.callbacks.slice(cbs3).filter((c) => c.kind === 'callback_url');
	check(
		'racing callbacks: exactly one callback resumed the execution (200), one charge per contact',
		raceCbs.filter((c) => c.status === 200 && !/"resumed":false/.test(c.responseBody || ''))
			.length === 1 &&
			(race.execution.data.resultData.runData[ex.WAIT_NODE] || []).length === 1 &&
			sb.charges - charges3 === 3,
		{ callbacks: raceCbs.map(cbLine), charges: sb.charges - charges3 },
	);
	log(`racing callbacks: ${raceCbs.map((c) => c.status || c.error).join(', ')}`);

	// 11. Callback mode, the download slower than HeyGen waits for an answer (~10 s; the sandbox gives up after
	// 10 s and delivers again): the node answers the callback before it downloads.
	const cbRun = async (faultFor) => {
		const known = new Set(sb.videos.keys());
		const id = await rest.runWorkflow(cbDownloadId, ex.MANUAL_TRIGGER);
		const videoId = await sb.waitFor(() => [...sb.videos.keys()].find((k) => !known.has(k)), {
			timeoutMs: 60000,
		});
		sb.fault(faultFor(videoId));
		const execution = await rest.waitForExecution(id, {
			timeoutMs: 120000,
			until: (e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status),
		});
		return {
			videoId,
			execution,
			callbacks: () =>
				sb.callbacks.filter((c) => c.kind === 'callback_url' && c.videoId === videoId),
		};
	};
	t = Date.now();
	const slow = await cbRun((videoId) => ({
		server: 'cdn',
		path: `/videos/${videoId}/*`,
		type: 'slow',
		delayMs: 12000,
		times: 1,
	}));
	log(`callback + slow download: ${slow.execution.status} in ${Date.now() - t} ms`);
	const slowCdn = sb.requests.filter(
		(q) => q.server === 'cdn' && q.path.startsWith(`/videos/${slow.videoId}/`),
	);
	const slowCbs = slow.callbacks();
	check(
		"slow download: HeyGen's callback delivered once and answered 200 (before the 12 s download)",
		slowCbs.length === 1 &&
			slowCbs[0].status === 200 &&
			/"resumed":true/.test(slowCbs[0].responseBody || '') &&
			slowCdn.length === 1 &&
			slowCdn[0].fault,
		{
			callbacks: slowCbs.map(cbLine),
			cdn: slowCdn.map((q) => `${q.path} ${q.status} ${q.fault || ''}`),
		},
	);
	const slowItems = nodeOutput(slow.execution, ex.WAIT_NODE, { output: 0 }) || [];
	const slowBin = slowItems[0] && slowItems[0].binary && slowItems[0].binary.data;
	check(
		'slow download: the execution still finishes with the downloaded file',
		slow.execution.status === 'success' &&
			slowItems.length === 1 &&
			slowBin &&
			slowBin.bytes === videoBytes &&
			(slow.execution.data.resultData.runData['Video ready'] || []).length === 1,
		ex.executionError(slow.execution) || slowBin,
	);
	if (slowCbs[0] && slowCdn[0])
		log(
			`  callback sent at 0 ms, answered 200 (sandbox timeout 10 s); CDN download requested at +${slowCdn[0].time - slowCbs[0].time} ms, 12 s slow`,
		);

	// 12. The media host fails for good after HeyGen got its 200, without continue-on-fail. HeyGen will not deliver
	// again, and a webhook() that throws would make n8n resume with an empty item on Completed (the resumed node is
	// disabled) after wiping the earlier nodes' data; so the item leaves on Failed with the error instead.
	t = Date.now();
	const broken = await cbRun((videoId) => ({
		server: 'cdn',
		path: `/videos/${videoId}/*`,
		type: 'server_error',
		status: 500,
		times: Infinity,
	}));
	log(`callback + failing download: ${broken.execution.status} in ${Date.now() - t} ms`);
	const brokenCbs = broken.callbacks();
	const rd = broken.execution.data.resultData;
	check(
		"failing download: HeyGen's callback answered 200 once",
		brokenCbs.length === 1 && brokenCbs[0].status === 200,
		brokenCbs.map(cbLine),
	);
	const brokenFailed = nodeOutput(broken.execution, ex.WAIT_NODE, { output: 1 }) || [];
	check(
		"failing download: the item leaves on Failed with the media host's error naming the video; nothing on Completed",
		brokenFailed.length === 1 &&
			brokenFailed[0].json.video_id === broken.videoId &&
			brokenFailed[0].json.status === 'error' &&
			String(brokenFailed[0].json.error && brokenFailed[0].json.error.message).includes(
				`HTTP 500 for the video file of ${broken.videoId}`,
			) &&
			(nodeOutput(broken.execution, ex.WAIT_NODE, { output: 0 }) || []).length === 0,
		brokenFailed.map((x) => x.json),
	);
	check(
		'failing download: the Failed branch ran, the Completed branch did not, earlier nodes kept their data',
		broken.execution.status === 'success' &&
			(rd.runData['Render failed'] || []).length === 1 &&
			!rd.runData['Video ready'] &&
			(rd.runData['HeyGen: Generate From Template'] || []).length === 1,
		{
			status: broken.execution.status,
			error: ex.executionError(broken.execution),
			ran: Object.keys(rd.runData),
		},
	);
	const health = await fetch(`${i.url}/healthz`).then(
		(r) => r.status,
		(e) => e.message,
	);
	check('failing download: n8n keeps serving (healthz 200 afterwards)', health === 200, health);

	// 13. 100 contacts in Callback mode, renders finishing 10 at a time (test/e2e/callback-batch.js).
	await runCallbackBatch({
		id: cbBatchId,
		rest,
		sb,
		check,
		log,
		nodeOutput,
		manualTrigger: ex.MANUAL_TRIGGER,
	});
	clearTimeout(timer);
}

(async () => {
	let code = 0;
	try {
		await main();
	} catch (e) {
		failed++;
		process.stdout.write(`  FAIL unexpected error: ${e && e.stack ? e.stack : e}\n`);
	}
	await cleanup();
	if (failed) code = 1;
	log(`finished in ${secs()}`);
	process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
	process.exit(code);
})();
