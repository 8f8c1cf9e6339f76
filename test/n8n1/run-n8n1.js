#!/usr/bin/env node
'use strict';
/**
 * The package in n8n 1.x (`npm run test:n8n1`): n8n 1.123.81 on Node 22 (both from the npm registry, cached under
 * ~/.cache/n8n-nodes-heygen-templates), the packed package installed with exactly the README's npm commands, then
 * the example workflows as in the 2.x end-to-end test: credential test (right key, 401, 403, 404), birthday video,
 * personalized videos resumed by HeyGen's callbacks with downloads, and the polling loop.
 *
 *   node test/n8n1/run-n8n1.js        N8N1_KEEP=1 keeps the temporary user folder
 *
 * Ends with `n8n1: N passed, N failed`; exit code 1 on any failure.
 */
const path = require('node:path');

const { ensureN8n1, N8N1_VERSION } = require('../../scripts/lib/n8n1-install');
const { readmeNpmInstall } = require('../../scripts/lib/readme-install');
const inst = require('../../scripts/lib/n8n-instance');
const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const ex = require('../../scripts/lib/examples');
const { expectedVideoBytes } = require('../../tools/heygen-sandbox');
const { createSuiteRunner } = require('../support/suite-runner');
const { importFakeCredentials, startFakes } = require('../support/n8n-fakes');

const ROOT = ex.REPO_ROOT;
const suite = createSuiteRunner({ tag: 'n8n1' });
const { check, log, cleanups } = suite;
const FINAL = ['success', 'error', 'crashed', 'canceled'];
const report = { credentialMessages: {} };

async function main() {
	const n8n = await ensureN8n1({ log });
	log(`n8n ${N8N1_VERSION} on Node ${n8n.nodeVersion}`);
	suite.ensureBuilt(path.join('nodes', 'HeyGenWaitForVideo', 'HeyGenWaitForVideo.node.js'));
	const work = suite.workFolder('heygen-n8n1-', 'N8N1_KEEP');
	const userFolder = path.join(work, 'n8n');
	const tarball = inst.packPackage({ dir: ROOT, outDir: work });

	// 1. The README's manual install, run as written (with the packed tarball in place of the registry name).
	const installed = readmeNpmInstall({
		n8nFolder: path.join(userFolder, '.n8n'),
		tarball,
		node: n8n,
	});
	check(
		`README npm install works with n8n ${N8N1_VERSION}'s Node (${n8n.nodeVersion}): ${installed.commands.join(' && ')}`,
		installed.ok,
		installed,
	);
	check(
		'README npm install adds only the package (no n8n-workflow copy from the peer dependency)',
		installed.extraPackages.length === 0,
		installed.extraPackages,
	);

	// 2. The outside world and the examples, as in the 2.x end-to-end test.
	const videoBytes = 150000;
	const { sb, stub } = await startFakes(suite, {
		render: { pendingMs: 300, processingMs: 1500 },
		videoBytes,
	});
	await importFakeCredentials({ userFolder, n8n, log }, { sb, stub });
	const ids = await inst.importWorkflows({
		userFolder,
		n8n,
		log,
		files: ex.exampleFiles(),
		publish: false,
	});
	check(`n8n ${N8N1_VERSION} imports the three example workflows`, ids.length === 3, ids);
	// n8n 1.x activates with the CLI before start (2.x's publish command does not exist there).
	await inst.runCli({
		userFolder,
		n8n,
		log,
		args: ['update:workflow', `--id=${ex.EXAMPLES.personalized.id}`, '--active=true'],
	});

	// Debug level: the loader says at that level whether it lazy-loads the package.
	const i = await inst.startN8n({ userFolder, n8n, log, env: { N8N_LOG_LEVEL: 'debug' } });
	cleanups.push(() => i.stop());
	const rest = await i.rest();
	const loaded = await inst.checkNodesLoaded({ instance: i, rest, throwOnError: false });
	check(
		`n8n ${N8N1_VERSION} loads both nodes and the credential, icons served, no package warnings/errors`,
		loaded.ok,
		loaded,
	);
	check(
		'n8n lazy-loads the package from its dist/known and dist/types metadata',
		/Lazy-loading nodes and credentials from n8n-nodes-heygen-templates/.test(i.logText()),
		i
			.logText()
			.split('\n')
			.filter((l) => /lazy-loading/i.test(l))
			.slice(0, 5),
	);

	// 3. Credential test: the package's own advice for 401, 403 and 404.
	const credTest = async (apiKey, baseUrl = sb.url) =>
		(
			await rest.request('POST', '/rest/credentials/test', {
				body: { credentials: { ...ex.CREDENTIALS.heygen, data: { apiKey, baseUrl } } },
			})
		).data;
	const good = await credTest(sb.apiKey);
	check('credential test with the right key: OK', good && good.status === 'OK', good);
	// The package's own advice, as on 2.x (n8n 1.123 would show its generic "Authorization failed - please check
	// your credentials" / "Forbidden - perhaps check your credentials?" / "could not be found" texts if the test
	// relied on its `responseCode` rules).
	const cases = [
		['a wrong key', 'wrong-key', sb.url, /^HeyGen rejected the API key \(401 Unauthorized\)/],
		[
			'a key lacking user-read',
			sb.restrictedApiKey,
			sb.url,
			/^HeyGen accepted the API key but it lacks the user-read permission \(403 Forbidden\)/,
		],
		[
			'a wrong Base URL',
			sb.apiKey,
			`${sb.url}/not-the-api`,
			/^No HeyGen API answered at this Base URL/,
		],
	];
	for (const [label, key, base, re] of cases) {
		const r = await credTest(key, base);
		check(
			`credential test with ${label}: Error "${r && r.message}"`,
			r && r.status === 'Error' && re.test(r.message || ''),
			r,
		);
		report.credentialMessages[label] = r && r.message;
	}

	// 4. Birthday video and polling loop: manual runs (n8n execute, in a separate process).
	let charges = sb.charges;
	const a = await i.executeWorkflow(ex.EXAMPLES.birthday.id);
	const aItems =
		(a.data &&
			a.data.resultData.runData[ex.WAIT_NODE] &&
			nodeOutput(a, ex.WAIT_NODE, { output: 0 })) ||
		[];
	const aBin = aItems[0] && aItems[0].binary && aItems[0].binary.data;
	check(
		'birthday: completed with the downloaded MP4, one charge',
		a.status === 'success' &&
			aItems.length === 1 &&
			aItems[0].json.status === 'completed' &&
			aBin &&
			Number(aBin.bytes || 0) >= 0 &&
			sb.charges - charges === 1,
		{
			status: a.status,
			error: ex.executionError(a),
			items: aItems.map((x) => x.json.status),
			charges: sb.charges - charges,
		},
	);
	charges = sb.charges;
	const c = await i.executeWorkflow(ex.EXAMPLES.pollingLoop.id);
	const cItems = (c.data && nodeOutput(c, ex.WAIT_NODE, { output: 0 })) || [];
	check(
		'polling loop: the video on Completed',
		c.status === 'success' && cItems.length === 1 && cItems[0].json.status === 'completed',
		{ status: c.status, error: ex.executionError(c) },
	);

	// 5. Personalized videos: production webhook → OpenAI → Generate (callback URL) → Wait For Video (callback) → table.
	charges = sb.charges;
	sb.setConcurrency(1);
	const before = (await rest.listExecutions({ workflowId: ex.EXAMPLES.personalized.id })).map(
		(e) => e.id,
	);
	const r = await rest.callWebhook(ex.EXAMPLES.personalized.webhookPath, {});
	check('personalized: production webhook answers 200', r.status === 200, r.text.slice(0, 300));
	const first = await rest.waitForNewExecution(ex.EXAMPLES.personalized.id, {
		afterIds: before,
		timeoutMs: 120000,
	});
	const execution = await ex.withResults(
		rest,
		first.id,
		await rest.waitForExecution(first.id, {
			timeoutMs: 300000,
			until: (e) => FINAL.includes(e.status),
		}),
	);
	const rows = ex.resultRows(execution);
	process.stdout.write(ex.formatTable(rows).replace(/^/gm, '       ') + '\n');
	check(
		'personalized: 3 rows, every video completed and downloaded in full',
		execution.status === 'success' &&
			rows.length === 3 &&
			rows.every(
				(x) =>
					x.status === 'completed' &&
					x.file_name === `${x.video_id}.mp4` &&
					x.file_size === '150 kB',
			),
		ex.executionError(execution) || rows,
	);
	const cbs = sb.callbacks.filter(
		(x) => x.kind === 'callback_url' && String(x.url).includes(`/webhook-waiting/${first.id}`),
	);
	// On a busy machine an attempt may time out and be retried; retries after the resume get n8n's 409 "finished
	// already". What counts: one callback per video arrived, exactly one resumed the execution.
	const lastByVideo = new Map(cbs.map((x) => [x.videoId, x]));
	const resumed = cbs.filter(
		(x) => x.status === 200 && /"resumed":true/.test(String(x.responseBody)),
	);
	check(
		"personalized: HeyGen's callbacks resumed the execution through /webhook-waiting/ once (one charge per contact)",
		lastByVideo.size === 3 &&
			resumed.length === 1 &&
			sb.charges - charges === 3 &&
			(execution.data.resultData.runData[ex.WAIT_NODE] || []).length === 1,
		{
			callbacks: cbs.map(
				(x) => `${x.videoId} ${x.status || x.error} ${String(x.responseBody).slice(0, 60)}`,
			),
			charges: sb.charges - charges,
		},
	);
	// The stored files: byte-identical to the sandbox's videos.
	let same = true;
	const files = [];
	for (const item of nodeOutput(execution, ex.WAIT_NODE, { output: 0 }) || []) {
		const bin = item.binary && item.binary.data;
		// n8n 1.x keeps binary data in the execution by default (mode "default": base64 in `data`, no id).
		let buf = Buffer.alloc(0);
		if (bin && bin.id) {
			const res = await fetch(
				`${i.url}/rest/binary-data?id=${encodeURIComponent(bin.id)}&action=download`,
				{ headers: { cookie: rest.cookie } },
			);
			if (res.status === 200) buf = Buffer.from(await res.arrayBuffer());
		} else if (bin && bin.data) buf = Buffer.from(bin.data, 'base64');
		files.push({ id: bin && bin.id, bytes: buf.length });
		if (!buf.equals(expectedVideoBytes(item.json.video_id, videoBytes))) same = false;
	}
	check('personalized: every downloaded file is byte-identical to its sandbox video', same, files);
	const after = await inst.checkNodesLoaded({ instance: i, rest, throwOnError: false });
	// n8n logs HeyGen's late redeliveries ("has finished already") as webhook errors naming the waiting node.
	const problems = after.logProblems.filter(
		(p) => !/has finished already|is running already/.test(p),
	);
	check(
		"no warnings/errors about the package in n8n's log after the runs (other than late callback redeliveries)",
		problems.length === 0,
		problems,
	);
}

suite.run(main, { finalNote: () => `; ${JSON.stringify(report)}` });
