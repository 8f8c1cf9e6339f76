#!/usr/bin/env node
'use strict';
/**
 * End-to-end test of the HeyGen Trigger in a REAL n8n 2.41.1 (`n8n start`, SQLite, Node 24), with the packed package
 * installed as n8n installs community packages, against the HeyGen sandbox over real HTTP:
 *
 *   - publishing examples/fire-and-forget.json registers exactly one endpoint at the sandbox (HeyGen's OPTIONS probe
 *     of the URL is on and answered), with the workflow's production webhook URL;
 *   - its first half (Contacts → OpenAI stub → Generate From Template), with 20 contacts, starts 20 renders; the
 *     sandbox delivers every event twice (HeyGen's duplicate deliveries): exactly 20 trigger executions start, one
 *     per video, each with its row ID from the callback ID;
 *   - forged, unsigned and tampered deliveries get 401 and start nothing;
 *   - n8n restarted on the same URL: no second endpoint, an old event delivered again starts nothing, a new render
 *     still starts one execution;
 *   - unpublishing deletes the endpoint at the sandbox.
 *
 *   node test/e2e/run-trigger-e2e.js      (part of npm run test:e2e)
 *   E2E_KEEP=1 keep the temporary n8n user folder     E2E_TIMEOUT_MS overall limit after the n8n install (600000)
 *
 * Prints one line per check and ends with `e2e trigger: N passed, N failed`; exit code 1 on any failure.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n } = require('../../scripts/lib/n8n-install');
const inst = require('../../scripts/lib/n8n-instance');
const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const ex = require('../../scripts/lib/examples');
const { createSuiteRunner } = require('../support/suite-runner');
const { importFakeCredentials, startFakes } = require('../support/n8n-fakes');

const suite = createSuiteRunner({ tag: 'e2e-trigger', summary: 'e2e trigger', detailLimit: 2000 });
const { check, log, cleanups } = suite;
const ROOT = ex.REPO_ROOT;
const EXAMPLE = path.join(ex.EXAMPLES_DIR, 'fire-and-forget.json');
const TRIGGER_NODE = 'HeyGen: Video finished';
const RESULTS_NODE = 'Results';
const RENDERS = 20;
const FINAL = ['success', 'error', 'crashed', 'canceled'];

/** The example with its sample contact list replaced by `count` generated contacts (everything else unchanged). */
function exampleWithContacts(file, count) {
	const wf = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
	const contacts = wf.nodes.find((n) => n.name === 'Contacts');
	contacts.parameters.jsCode = `return Array.from({ length: ${count} }, (_, i) => ({ json: { row_id: String(i + 1), name: 'Contact ' + (i + 1), first_name: 'Contact', company: 'Company ' + (i + 1), email: 'contact' + (i + 1) + '@example.com', notes: 'Row ' + (i + 1) } }));`;
	fs.writeFileSync(file, JSON.stringify(wf, null, '\t'));
	return wf;
}

const apiCalls = (sb, method, re) =>
	sb.requests.filter((q) => q.server === 'api' && q.method === method && re.test(q.path));
const endpointDeliveries = (sb) => sb.callbacks.filter((c) => c.kind === 'webhook');

async function triggerExecutions(rest, workflowId) {
	const list = await rest.listExecutions({ workflowId, limit: 100 });
	return list.filter((e) => e.mode !== 'manual');
}

/** The trigger's executions, once at least `count` exist (the trigger answers HeyGen before n8n creates them). */
async function executionsAtLeast(rest, workflowId, count) {
	let execs = await triggerExecutions(rest, workflowId);
	for (let k = 0; k < 60 && execs.length < count; k++) {
		await new Promise((r) => setTimeout(r, 1000));
		execs = await triggerExecutions(rest, workflowId);
	}
	return execs;
}

/** Each event's deliveries over: each event twice, plus HeyGen's retries of any attempt n8n answered too slowly. */
async function deliveriesSettled(sb, done, timeoutMs) {
	await sb.waitFor(
		() => done() && sb._core.deliverer.inFlight === 0 && sb._core.slowTimers.size === 0,
		{ timeoutMs },
	);
}

/** n8n with the package, the sandbox and the stub, the example imported with 20 contacts; n8n started. */
async function setUp(n8n) {
	suite.ensureBuilt(path.join('nodes', 'HeyGenTrigger', 'HeyGenTrigger.node.js'));
	const work = suite.workFolder('heygen-e2e-trigger-', 'E2E_KEEP');
	const userFolder = path.join(work, 'n8n');
	const tarball = inst.packPackage({ dir: ROOT, outDir: work });
	inst.installPackageTarball({ userFolder, tarball, log, n8n });

	// HeyGen sandbox: the OPTIONS probe on registration enforced, every endpoint delivery sent twice.
	const { sb, stub } = await startFakes(suite, {
		render: { pendingMs: 200, processingMs: 1200 },
		concurrency: RENDERS,
		webhookProbe: true,
		webhookDuplicates: 1,
		webhookDuplicateDelayMs: 400,
		// HeyGen-like: 10 s to answer, then retries. On a busy machine n8n can be slower than that: the retries of a
		// delivery that n8n did handle must then start nothing.
		callbackTimeoutMs: 10000,
		callbackRetry: { attempts: 6, delaysMs: [1000, 2000, 4000, 8000, 8000] },
	});

	await importFakeCredentials({ userFolder, n8n, log }, { sb, stub });
	const wfFile = path.join(work, 'fire-and-forget-20.json');
	const wf = exampleWithContacts(wfFile, RENDERS);
	const [id] = await inst.importWorkflows({
		userFolder,
		n8n,
		log,
		files: [wfFile],
		publish: false,
	});
	check('n8n imports the fire-and-forget example', id === wf.id, id);

	const ctx = { n8n, userFolder, sb, id, wf };
	const i = await inst.startN8n({ userFolder, n8n, log });
	ctx.i = i;
	cleanups.push(() => ctx.i.stop());
	ctx.rest = await i.rest();
	const types = await ctx.rest.nodeTypes();
	check(
		'n8n loads the HeyGen Trigger node',
		types.some((t) => t.name === 'n8n-nodes-heygen-templates.heyGenTrigger'),
	);
	const triggerNode = wf.nodes.find((n) => n.name === TRIGGER_NODE);
	ctx.expectedUrl = `${i.webhookUrl}webhook/${triggerNode.webhookId}/webhook`;
	return ctx;
}

/** Publish: exactly one endpoint at HeyGen, for the production URL, OPTIONS probe answered. */
async function publish({ rest, sb, id, expectedUrl }) {
	await rest.publishWorkflow(id, { timeoutMs: 60000 });
	check(
		'publishing registers exactly one endpoint at HeyGen',
		sb.webhooks.length === 1 && apiCalls(sb, 'POST', /^\/v3\/webhooks\/endpoints$/).length === 1,
		sb.webhooks,
	);
	const endpoint = sb.webhooks[0];
	check(
		'the endpoint has the production webhook URL and the selected events',
		endpoint &&
			endpoint.url === expectedUrl &&
			[...(endpoint.events || [])].sort().join() === 'avatar_video.fail,avatar_video.success',
		endpoint,
	);
	check(
		"HeyGen's OPTIONS probe of the URL was answered by n8n (2xx)",
		sb.probes.length === 1 &&
			sb.probes[0].url === expectedUrl &&
			sb.probes[0].status >= 200 &&
			sb.probes[0].status < 300,
		sb.probes,
	);
	return endpoint;
}

/** 20 renders through the example's first half; the sandbox delivers each event twice. */
async function renderTwenty({ rest, sb, id }) {
	const charges = sb.charges;
	const runId = await rest.runWorkflow(id, ex.MANUAL_TRIGGER);
	const manual = {
		execution: await rest.waitForExecution(runId, {
			timeoutMs: 180000,
			until: (e) => FINAL.includes(e.status),
		}),
	};
	check(
		'start half: the manual run succeeds and ends without waiting',
		manual.execution.status === 'success',
		ex.executionError(manual.execution),
	);
	check(
		`start half: ${RENDERS} renders charged`,
		sb.charges - charges === RENDERS,
		sb.charges - charges,
	);
	await deliveriesSettled(sb, () => endpointDeliveries(sb).length >= RENDERS * 2, 240000);
	const deliveries = endpointDeliveries(sb);
	const events = new Set(deliveries.map((d) => d.eventId));
	const finalAnswers = new Map();
	for (const d of deliveries) finalAnswers.set(`${d.eventId}/${d.duplicate || 0}`, d);
	const retries = deliveries.length - finalAnswers.size;
	log(
		`${deliveries.length} delivery attempts for ${events.size} events (${finalAnswers.size} deliveries, ${retries} retries after a slow or failed answer)`,
	);
	check(
		`HeyGen delivered ${RENDERS} events twice each; every delivery ended with n8n's 200`,
		events.size === RENDERS &&
			finalAnswers.size === RENDERS * 2 &&
			[...finalAnswers.values()].every((d) => d.status === 200),
		deliveries.map((d) => `${d.eventId}#${d.duplicate || 0}.${d.attempt} ${d.status || d.error}`),
	);
	const startedAnswers = deliveries.filter((d) => /"started":true/.test(d.responseBody || ''));
	check(
		'no event got two "started" answers (a started answer can be lost to a timeout, never doubled)',
		startedAnswers.length >= 1 &&
			new Set(startedAnswers.map((d) => d.eventId)).size === startedAnswers.length,
		startedAnswers.length,
	);
	return deliveries;
}

/** One trigger execution per video, each with its row from the callback ID. */
async function triggerRuns({ rest, sb, id }) {
	const execs = await executionsAtLeast(rest, id, RENDERS);
	check(`exactly ${RENDERS} trigger executions`, execs.length === RENDERS, execs.length);
	const rows = [];
	for (const e of execs) {
		const done = await rest.waitForExecution(e.id, {
			timeoutMs: 60000,
			until: (x) => FINAL.includes(x.status),
		});
		const out = nodeOutput(done, RESULTS_NODE) || [];
		rows.push({ status: done.status, items: out.map((o) => o.json) });
	}
	const flat = rows.flatMap((r) => r.items);
	const rowIds = flat.map((r) => r.row_id).sort((a, b) => Number(a) - Number(b));
	check(
		'every trigger execution succeeded with one Results row',
		rows.every((r) => r.status === 'success' && r.items.length === 1),
		rows.map((r) => r.status),
	);
	check(
		'row IDs 1..20 came back through the callback ID, each once',
		rowIds.join() === Array.from({ length: RENDERS }, (_, k) => String(k + 1)).join(),
		rowIds,
	);
	check(
		'every row: completed, a freshly signed video URL on the media host, a title from the status read',
		flat.every(
			(r) =>
				r.status === 'completed' &&
				String(r.video_url).startsWith(`${sb.cdnUrl}/videos/${r.video_id}/video.mp4?Expires=`) &&
				/^Outreach video for Contact /.test(r.title),
		),
		flat.slice(0, 3),
	);
}

/** Forged, unsigned and tampered deliveries start nothing; a genuine redelivery neither. */
async function refusedDeliveries({ rest, sb, id, expectedUrl }, sample, endpoint) {
	const forged = await sb.sendDelivery(expectedUrl, sample.body, { secret: 'whsec_forged' });
	const unsigned = await sb.sendDelivery(expectedUrl, sample.body, {});
	const tampered = await sb.sendDelivery(
		expectedUrl,
		{ ...sample.body, event_data: { ...sample.body.event_data, callback_id: 'ff-999' } },
		{ signature: sample.headers['heygen-signature'] },
	);
	check(
		'forged, unsigned and tampered deliveries get 401',
		[forged, unsigned, tampered].every((r) => r.status === 401),
		[forged, unsigned, tampered].map((r) => r.status || r.error),
	);
	const redelivered = await sb.sendDelivery(expectedUrl, sample.body, {
		secret: endpoint.secret,
		eventId: sample.eventId,
	});
	check(
		'a genuine redelivery of a handled event is answered 200 and starts nothing',
		redelivered.status === 200 && /"started":false/.test(redelivered.responseBody || ''),
		redelivered.responseBody,
	);
	const execs = await triggerExecutions(rest, id);
	check(`still exactly ${RENDERS} trigger executions`, execs.length === RENDERS, execs.length);
}

/** n8n restarted on the same URL: no second endpoint, an old event starts nothing. */
async function restartOnSameUrl(ctx, sample, endpoint) {
	const { n8n, userFolder, sb, id, expectedUrl } = ctx;
	await ctx.i.stop();
	ctx.i = await inst.startN8n({ userFolder, n8n, log, port: ctx.i.port });
	ctx.rest = await ctx.i.rest();
	await ctx.rest.waitForPublished(id, { timeoutMs: 60000 });
	// The URL is served again once n8n answers an unsigned delivery with the trigger's 401 (not n8n's 404).
	let probe;
	for (let k = 0; k < 60; k++) {
		probe = await sb.sendDelivery(expectedUrl, sample.body, {});
		if (probe.status !== 404) break;
		await new Promise((r) => setTimeout(r, 1000));
	}
	check(
		'after the restart the trigger serves its URL and still refuses unsigned deliveries (401)',
		probe.status === 401,
		probe.status || probe.error,
	);
	check(
		'after an n8n restart: still one endpoint, no second registration',
		sb.webhooks.length === 1 &&
			sb.webhooks[0].endpoint_id === endpoint.endpoint_id &&
			apiCalls(sb, 'POST', /^\/v3\/webhooks\/endpoints$/).length === 1,
		{
			endpoints: sb.webhooks.length,
			posts: apiCalls(sb, 'POST', /^\/v3\/webhooks\/endpoints$/).length,
		},
	);
	const afterRestart = await sb.sendDelivery(expectedUrl, sample.body, {
		secret: endpoint.secret,
		eventId: sample.eventId,
	});
	check(
		'after the restart an old event delivered again starts nothing (remembered in static data)',
		afterRestart.status === 200 && /"started":false/.test(afterRestart.responseBody || ''),
		afterRestart.responseBody,
	);
}

/** After the restart a new render still starts one execution. */
async function renderAfterRestart({ rest, sb, id }) {
	const before = sb.callbacks.length;
	const one = await fetch(`${sb.url}/v3/templates/tpl_sales_outreach`, {
		method: 'POST',
		headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({
			callback_id: 'ff-21',
			title: 'After restart',
			variables: {
				script: { name: 'script', type: 'text', properties: { content: 'Hello again' } },
			},
		}),
	}).then((r) => r.json());
	const newDeliveries = () => sb.callbacks.slice(before).filter((c) => c.kind === 'webhook');
	await deliveriesSettled(sb, () => newDeliveries().length >= 2, 120000);
	const execs = await executionsAtLeast(rest, id, RENDERS + 1);
	check(
		'after the restart a new render starts exactly one more execution',
		execs.length === RENDERS + 1 && one.data && one.data.id,
		execs.length,
	);
	return execs;
}

/** Unpublish: the endpoint is deleted at HeyGen. */
async function unpublish({ rest, sb, id, expectedUrl }, sample, endpoint) {
	await rest.request('POST', `/rest/workflows/${encodeURIComponent(id)}/deactivate`, { body: {} });
	await sb.waitFor(() => sb.webhooks.length === 0, { timeoutMs: 30000 }).catch(() => undefined);
	check(
		'unpublishing deletes the endpoint at HeyGen',
		sb.webhooks.length === 0 && apiCalls(sb, 'DELETE', /^\/v3\/webhooks\/endpoints\//).length === 1,
		sb.webhooks,
	);
	const gone = await sb.sendDelivery(expectedUrl, sample.body, { secret: endpoint.secret });
	check(
		'after unpublishing n8n no longer serves the URL (404)',
		gone.status === 404,
		gone.status || gone.error,
	);
}

async function main() {
	const n8n = await ensureN8n({ log });
	const timer = suite.limitTime(Number(process.env.E2E_TIMEOUT_MS || 600000));
	const ctx = await setUp(n8n);
	const endpoint = await publish(ctx);
	const deliveries = await renderTwenty(ctx);
	await triggerRuns(ctx);
	const sample = deliveries[0];
	await refusedDeliveries(ctx, sample, endpoint);
	await restartOnSameUrl(ctx, sample, endpoint);
	const execs = await renderAfterRestart(ctx);
	await unpublish(ctx, sample, endpoint);
	const { i, sb } = ctx;

	const problems = i
		.logEntries()
		.filter(
			(e) =>
				['warn', 'error'].includes(String(e.level)) &&
				/heygen/i.test(`${e.message} ${JSON.stringify(e.metadata || {})}`),
		);
	check(
		"no warnings/errors about the package in n8n's structured log",
		problems.length === 0,
		problems.map((e) => e.message),
	);
	log(
		`figures: ${sb.webhooks.length} endpoints now; ${apiCalls(sb, 'POST', /^\/v3\/webhooks\/endpoints$/).length} registration(s), ${apiCalls(sb, 'GET', /^\/v3\/webhooks\/endpoints$/).length} endpoint list(s), ${apiCalls(sb, 'DELETE', /^\/v3\/webhooks\/endpoints\//).length} deletion(s); ${endpointDeliveries(sb).length} endpoint deliveries, ${execs.length} trigger executions; ${apiCalls(sb, 'GET', /^\/v3\/videos\/[^/]+$/).length} status reads`,
	);
	clearTimeout(timer);
}

suite.run(main);
