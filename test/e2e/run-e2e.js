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
const path = require('node:path');

const { ensureN8n } = require('../../scripts/lib/n8n-install');
const inst = require('../../scripts/lib/n8n-instance');
const ex = require('../../scripts/lib/examples');
const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const { createSuiteRunner } = require('../support/suite-runner');
const { importFakeCredentials, startFakes } = require('../support/n8n-fakes');
const openAiV1 = require('./birthday-openai-v1');
const { prepareCallbackBatch, runCallbackBatch } = require('./callback-batch');
const { birthday, birthdayOpenAiV1, personalizedVideos, pollingLoop } = require('./example-runs');
const { racingCallbacks, slowDownload, failingDownload } = require('./callback-faults');

const suite = createSuiteRunner({ tag: 'e2e' });
const { check, log, cleanups } = suite;
const ROOT = ex.REPO_ROOT;
const CB_DOWNLOAD_FILE = path.join(ROOT, 'test', 'workflows', 'e2e-callback-download.json');

/** The package, packed and installed like n8n's own installer does, and what it holds. */
function installPackage(n8n, work, userFolder) {
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
}

/**
 * Credentials and the example workflows, imported with n8n's CLI (fixed ids, as the examples reference them),
 * and the test-only variants. Returns the variants' ids.
 */
async function importWorkflows({ n8n, userFolder, work, sb, stub }) {
	await importFakeCredentials({ userFolder, n8n, log }, { sb, stub });
	const importFiles = (files) =>
		inst.importWorkflows({ userFolder, n8n, log, files, publish: false });
	const ids = await importFiles(ex.exampleFiles());
	check(
		'n8n imports the three example workflows',
		ids.length === 3 && ids.includes(ex.EXAMPLES.personalized.id),
		ids,
	);
	// Test-only variant: the birthday video in callback mode with download on (no continue-on-fail).
	const [cbDownloadId] = await importFiles([CB_DOWNLOAD_FILE]);
	// Test-only variant: the birthday video with n8n's OpenAI node v1.8 writing the greeting (Map Automatically).
	const v1File = openAiV1.writeBirthdayWithOpenAiV1(work, {
		example: ex.readExample('birthday'),
		credential: ex.CREDENTIALS.openai,
		generateNode: ex.GENERATE_NODE,
	});
	const [v1Id] = await importFiles([v1File]);
	const cbBatchId = await prepareCallbackBatch({ inst, userFolder, n8n, log, work });
	return { cbDownload: cbDownloadId, v1: v1Id, cbBatch: cbBatchId };
}

/** `n8n start` on free ports; the nodes and the credential loaded. */
async function startInstance(n8n, userFolder) {
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
	return { i, rest };
}

/** The credential test through n8n's REST API (the editor's "Test" button). */
async function credentialTest({ rest, sb }, apiKey) {
	const answer = await rest.request('POST', '/rest/credentials/test', {
		body: { credentials: { ...ex.CREDENTIALS.heygen, data: { apiKey, baseUrl: sb.url } } },
	});
	return answer.data;
}

async function main() {
	// n8n itself (cached outside the repo; the first run installs it, ~5–6 min).
	const n8n = await ensureN8n({ log });
	const timer = suite.limitTime(Number(process.env.E2E_TIMEOUT_MS || 600000));
	suite.ensureBuilt(path.join('nodes', 'HeyGenWaitForVideo', 'HeyGenWaitForVideo.node.js'));
	const work = suite.workFolder('heygen-e2e-', 'E2E_KEEP');
	const userFolder = path.join(work, 'n8n');
	installPackage(n8n, work, userFolder);
	const videoBytes = 150000;
	// Fakes of the outside world: HeyGen sandbox (short renders) and the OpenAI stub.
	const { sb, stub } = await startFakes(suite, {
		render: { pendingMs: 300, processingMs: 1500 },
		videoBytes,
	});
	const ids = await importWorkflows({ n8n, userFolder, work, sb, stub });
	const { i, rest } = await startInstance(n8n, userFolder);
	const ctx = { i, rest, sb, stub, videoBytes, ids, check, log };

	const good = await credentialTest(ctx, sb.apiKey);
	check('credential test with the right key: OK', good && good.status === 'OK', good);
	await birthday(ctx);
	await birthdayOpenAiV1(ctx);
	await personalizedVideos(ctx);
	await pollingLoop(ctx);

	// Nothing went wrong in n8n's log for our package while it ran.
	const after = await inst.checkNodesLoaded({ instance: i, rest, throwOnError: false });
	check(
		"no warnings/errors about the package in n8n's log after the runs",
		after.logProblems.length === 0,
		after.logProblems,
	);

	// A wrong key in the credential test (n8n logs the 401 itself, hence after the log check).
	const bad = await credentialTest(ctx, 'wrong-key');
	check(
		"credential test with a wrong key: Error with HeyGen's 401 message",
		bad && bad.status === 'Error' && /401|unauthori/i.test(bad.message || ''),
		bad,
	);

	await racingCallbacks(ctx);
	await slowDownload(ctx);
	await failingDownload(ctx);
	// 100 contacts in Callback mode, renders finishing 10 at a time (test/e2e/callback-batch.js).
	await runCallbackBatch({
		id: ids.cbBatch,
		rest,
		sb,
		check,
		log,
		nodeOutput,
		manualTrigger: ex.MANUAL_TRIGGER,
	});
	clearTimeout(timer);
}

suite.run(main);
