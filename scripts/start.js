#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a local n8n 2.41.1 with this package installed, the example workflows imported, and one run of the
 * personalized-video example, then it stays up until Ctrl-C (which stops everything it started).
 *
 * Without keys it is fully offline: the HeyGen sandbox and the OpenAI stub stand in for the real services.
 *   HEYGEN_API_KEY      use the real HeyGen API (HEYGEN_BASE_URL, default https://api.heygen.com)
 *   HEYGEN_TEMPLATE_ID  template for the examples with real HeyGen (default: the first template listed)
 *   OPENAI_API_KEY      use the real OpenAI API (OPENAI_BASE_URL, default https://api.openai.com/v1)
 *   N8N_DEMO_PORT       editor port (default 5678, or a free port if taken)
 *   N8N_DEMO_FOLDER     n8n data (SQLite, settings, installed package; default .n8n-demo/ in the repository)
 *   DEMO_RUN=0          skip the automatic run of the personalized-video workflow
 * With real HeyGen the automatic run is skipped unless N8N_DEMO_WEBHOOK_URL (a public URL that reaches this n8n)
 * is set: HeyGen must be able to call the resume URL back.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { ensureN8n } = require('./lib/n8n-install');
const inst = require('./lib/n8n-instance');
const ex = require('./lib/examples');

const ROOT = ex.REPO_ROOT;
const T0 = Date.now();
const log = (l) => process.stdout.write(`[start ${((Date.now() - T0) / 1000).toFixed(1)}s] ${l}\n`);
const OWNER = {
	email: 'demo@example.com',
	password: 'Demo-Passw0rd!',
	firstName: 'Demo',
	lastName: 'Owner',
};

function portFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** First template of a real HeyGen account, and its text variable names (for the OpenAI prompt's Keys line). */
async function realTemplate(baseUrl, apiKey) {
	const get = async (p) => {
		const r = await fetch(baseUrl.replace(/\/+$/, '') + p, {
			headers: { 'x-api-key': apiKey, accept: 'application/json' },
		});
		const j = await r.json().catch(() => ({}));
		if (!r.ok) throw new Error(`GET ${p} → HTTP ${r.status}: ${JSON.stringify(j).slice(0, 200)}`);
		return j;
	};
	let id = process.env.HEYGEN_TEMPLATE_ID;
	if (!id) {
		const list = await get('/v3/templates?limit=10');
		const first = (list.data && (list.data.templates || list.data.items || list.data))[0];
		if (!first)
			throw new Error(
				'this HeyGen account has no templates: create one, or set HEYGEN_TEMPLATE_ID',
			);
		id = first.template_id || first.id;
	}
	let textVars = [];
	try {
		const d = (await get(`/v3/templates/${encodeURIComponent(id)}`)).data || {};
		const vars = d.variables || {};
		textVars = (Array.isArray(vars) ? vars : Object.values(vars))
			.filter((v) => v.type === 'text')
			.map((v) => v.name);
	} catch (e) {
		log(
			`could not read template ${id}'s variables (${e.message}); the prompt keeps first_name, company, script`,
		);
	}
	return { id, textVars };
}

/** Example JSON adjusted for a real HeyGen template (written into the demo folder; examples/ stays untouched). */
function examplesFor(template, outDir) {
	const files = [];
	for (const key of Object.keys(ex.EXAMPLES)) {
		const wf = ex.readExample(key);
		if (template) {
			for (const node of wf.nodes) {
				if (node.type === 'n8n-nodes-heygen-templates.heyGenGenerateFromTemplate') {
					node.parameters.templateId = { __rl: true, mode: 'id', value: template.id };
					node.parameters.variables.schema = [];
				}
				if (node.type === '@n8n/n8n-nodes-langchain.openAi' && template.textVars.length) {
					for (const m of node.parameters.responses.values)
						m.content = m.content.replace(/^Keys: .*$/m, `Keys: ${template.textVars.join(', ')}`);
				}
			}
		}
		const f = path.join(outDir, ex.EXAMPLES[key].file);
		fs.writeFileSync(f, JSON.stringify(wf, null, 2));
		files.push(f);
	}
	return files;
}

const stopList = [];
let stopping = false;
const stopAll = async (code) => {
	if (stopping) return;
	stopping = true;
	process.stdout.write('\n');
	log('stopping…');
	for (const fn of stopList.reverse())
		await Promise.resolve()
			.then(fn)
			.catch((e) => log(`stop: ${e.message}`));
	log('stopped everything');
	process.exit(code);
};
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function main() {
	const demo = path.resolve(process.env.N8N_DEMO_FOLDER || path.join(ROOT, '.n8n-demo'));
	const userFolder = path.join(demo, 'n8n');
	fs.mkdirSync(userFolder, { recursive: true });

	// n8n (cached; the first start installs it and shows progress), then build + pack + install this package.
	const n8n = await ensureN8n({ log });
	log('building the package (npm run build)…');
	const b = spawnSync('npm run build --silent', {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
		shell: true,
	});
	if (b.status !== 0) throw new Error(`npm run build failed (${b.status})`);
	const tarball = inst.packPackage({ dir: ROOT, outDir: demo });
	inst.installPackageTarball({ userFolder, tarball, log, n8n });

	// HeyGen: real API with HEYGEN_API_KEY, else the sandbox; OpenAI likewise.
	let heygen;
	let template;
	if (process.env.HEYGEN_API_KEY) {
		const baseUrl = process.env.HEYGEN_BASE_URL || 'https://api.heygen.com';
		heygen = { apiKey: process.env.HEYGEN_API_KEY, baseUrl };
		template = await realTemplate(baseUrl, heygen.apiKey);
		log(`HeyGen: real API ${baseUrl}, template ${template.id}`);
	} else {
		const { startSandbox } = require('../tools/heygen-sandbox');
		const sb = await startSandbox({ port: 0, render: { pendingMs: 1000, processingMs: 4000 } });
		stopList.push(() => sb.close());
		heygen = { apiKey: sb.apiKey, baseUrl: sb.url };
		log(`HeyGen: local sandbox ${sb.url} (videos render in ~5 s; media on ${sb.cdnUrl})`);
	}
	let openai;
	if (process.env.OPENAI_API_KEY) {
		openai = {
			apiKey: process.env.OPENAI_API_KEY,
			url: process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
		};
		log(`OpenAI: real API ${openai.url}`);
	} else {
		const { startOpenAiStub } = require('../tools/openai-stub');
		const stub = await startOpenAiStub({ port: 0, apiKey: 'sk-demo-stub' });
		stopList.push(() => stub.close());
		openai = { apiKey: 'sk-demo-stub', url: stub.url };
		log(`OpenAI: local stub ${stub.url}`);
	}

	// Credentials and examples (re-imported on every start: sandbox ports change, examples may have been edited).
	await inst.importCredentials({
		userFolder,
		n8n,
		log,
		list: ex.credentialList({ heygen, openai }),
	});
	const wfDir = path.join(demo, 'workflows');
	fs.mkdirSync(wfDir, { recursive: true });
	await inst.importWorkflows({
		userFolder,
		n8n,
		log,
		files: examplesFor(template, wfDir),
		publish: false,
	});
	log('imported credentials "HeyGen account", "OpenAI account" and the 3 example workflows');

	const wanted = Number(process.env.N8N_DEMO_PORT || 5678);
	const port = (await portFree(wanted)) ? wanted : await inst.freePort();
	const env = {};
	if (process.env.N8N_DEMO_WEBHOOK_URL)
		env.N8N_WEBHOOK_URL = process.env.N8N_DEMO_WEBHOOK_URL.replace(/\/?$/, '/');
	const i = await inst.startN8n({ userFolder, n8n, log, port, env });
	stopList.push(() => i.stop());
	const rest = await i.rest(OWNER);
	await inst.checkNodesLoaded({ instance: i, rest });

	const banner = [
		'',
		`  n8n editor:  ${i.url}/`,
		`  login:       ${OWNER.email} / ${OWNER.password}`,
		`  workflows:   ${i.url}/workflow/${ex.EXAMPLES.personalized.id}  (personalized videos)`,
		`               ${i.url}/workflow/${ex.EXAMPLES.birthday.id}  (birthday video)`,
		`               ${i.url}/workflow/${ex.EXAMPLES.pollingLoop.id}  (polling loop)`,
		`  data:        ${userFolder}  (n8n log: ${i.logFile})`,
		'',
	].join('\n');
	process.stdout.write(banner + '\n');

	const realNoCallback = process.env.HEYGEN_API_KEY && !process.env.N8N_DEMO_WEBHOOK_URL;
	if (process.env.DEMO_RUN === '0' || realNoCallback) {
		log(
			realNoCallback
				? 'not running the personalized-video workflow: HeyGen cannot call back to 127.0.0.1 (set N8N_DEMO_WEBHOOK_URL to a public URL of this n8n)'
				: 'DEMO_RUN=0: not running the personalized-video workflow',
		);
	} else {
		log(
			'running "HeyGen: personalized sales videos" once (webhook → contacts → OpenAI → HeyGen → wait for callback)…',
		);
		const t = Date.now();
		const r = await ex.runPersonalizedVideos(rest, { log, timeoutMs: 30 * 60 * 1000 });
		if (r.execution.status !== 'success') {
			log(
				`the run ended with status ${r.execution.status}: ${ex.executionError(r.execution) || ''}`,
			);
		} else {
			log(
				`finished in ${((Date.now() - t) / 1000).toFixed(1)} s; open ${i.url}/workflow/${ex.EXAMPLES.personalized.id}/executions/${r.executionId}`,
			);
			process.stdout.write(
				'\n' + ex.formatTable(ex.resultRows(r.execution), { maxUrl: 200 }) + '\n\n',
			);
		}
	}
	log('n8n is running. Press Ctrl-C to stop n8n and everything started with it.');
	await new Promise(() => {});
}

main().catch(async (e) => {
	process.stderr.write(`npm start failed: ${e && e.stack ? e.stack : e}\n`);
	await stopAll(1);
});
