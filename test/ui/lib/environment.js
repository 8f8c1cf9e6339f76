'use strict';
/**
 * Everything the browser test runs against: the packed package installed into a scratch n8n user folder the way
 * n8n installs community packages, the HeyGen sandbox, a HeyGen credential pointing at it, the test's workflows,
 * and `n8n start` on free ports with the owner account created. `stop()` (also registered on the cleanup stack)
 * ends n8n and the sandbox and removes the scratch folder unless `keep`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const inst = require('../../../scripts/lib/n8n-instance');
const { ensureN8n } = require('../../../scripts/lib/n8n-install');
const { startSandbox } = require('../../../tools/heygen-sandbox');
const wf = require('./workflows');

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function startEnvironment({ log, cleanups, build = true, keep = false }) {
	const n8n = await ensureN8n({ log });
	if (
		build ||
		!fs.existsSync(
			path.join(ROOT, 'dist', 'nodes', 'HeyGenWaitForVideo', 'HeyGenWaitForVideo.node.js'),
		)
	) {
		log('npm run build');
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', shell: true });
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-ui-'));
	cleanups.push(() =>
		keep ? log(`kept ${work}`) : fs.rmSync(work, { recursive: true, force: true }),
	);
	const userFolder = path.join(work, 'n8n');
	const tarball = inst.packPackage({ dir: ROOT, outDir: work });
	inst.installPackageTarball({ userFolder, tarball, log, n8n });

	// Renders take a few seconds, like short real ones; the stuck/fail magic texts drive the other outcomes.
	const sandbox = await startSandbox({
		port: 0,
		render: { pendingMs: 500, processingMs: 2500 },
		videoBytes: 50000,
	});
	cleanups.push(() => sandbox.close());
	log(`sandbox ${sandbox.url}`);

	await inst.importCredentials({
		userFolder,
		n8n,
		log,
		list: [{ ...wf.CREDENTIAL, data: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } }],
	});
	const files = [wf.startWorkflow(), wf.outcomesWorkflow()].map((workflow) => {
		const file = path.join(work, `${workflow.id}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow));
		return file;
	});
	await inst.importWorkflows({ userFolder, files, publish: false, log, n8n });

	const instance = await inst.startN8n({
		userFolder,
		n8n,
		log,
		env: { N8N_PERSONALIZATION_ENABLED: 'false', N8N_AI_ENABLED: 'false' },
	});
	cleanups.push(() => instance.stop({ timeoutMs: 10000 }));
	const rest = await instance.rest();
	// Right after start a busy n8n may drop a connection ("fetch failed"): ask again rather than fail the run.
	for (let attempt = 1; ; attempt++) {
		try {
			await inst.checkNodesLoaded({ instance, rest });
			break;
		} catch (error) {
			if (
				attempt >= 5 ||
				!/fetch failed|ECONNRESET|socket/i.test(`${error.message} ${error.cause?.message ?? ''}`)
			)
				throw error;
			log(`package check: ${error.message}; asking again`);
			await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
		}
	}
	return { sandbox, instance, rest, owner: rest.owner, url: instance.url };
}

module.exports = { startEnvironment, ROOT };
