'use strict';
/**
 * e2e step: 100 contacts in Callback mode through a real `n8n start`. A Code node makes 100 contacts, Generate
 * (v3, Resume on Callback) starts 100 renders, Wait For Video parks the execution, and the sandbox
 * renders 10 at a time and calls n8n's /webhook-waiting/ endpoint for each video. Checks: all 100 Completed once,
 * one charge each, one resume, and the status requests the callbacks cost (at most 2 per video).
 *
 * Used by run-e2e.js: `prepareCallbackBatch` before n8n starts (imports the workflow), `runCallbackBatch` after.
 */
const fs = require('node:fs');
const path = require('node:path');

const CONTACTS = 100;
const SOURCE = path.join(__dirname, '..', 'workflows', 'e2e-callback-download.json');
const WAIT_NODE = 'HeyGen: Wait For Video';
const STATUS_PATH = /^\/v3\/videos\/(statuses|[^/]+)$|^\/v1\/video_status\.get$/;

/** The callback-download test workflow, turned into a 100-contact batch without download. */
function batchWorkflow() {
	const workflow = JSON.parse(fs.readFileSync(SOURCE, 'utf8'));
	workflow.id = 'hgE2eCbBatch0001';
	workflow.name = 'e2e: 100 contacts, callback mode';
	const people = workflow.nodes.find((n) => n.name === 'Birthday person');
	Object.assign(people, {
		name: 'Birthday person',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: `return Array.from({ length: ${CONTACTS} }, (_, i) => ({ json: { contact: 'c-' + i, name: 'Contact ' + i, message: 'Happy birthday, Contact ' + i + '!' } }));`,
		},
	});
	for (const node of workflow.nodes) node.id = node.id.replace(/^0000/, 'b0b0');
	const wait = workflow.nodes.find((n) => n.name === WAIT_NODE);
	wait.parameters.downloadVideo = false;
	return workflow;
}

async function prepareCallbackBatch({ inst, userFolder, n8n, log, work }) {
	const file = path.join(work, 'e2e-callback-batch.json');
	fs.writeFileSync(file, JSON.stringify(batchWorkflow(), null, '\t'));
	const [id] = await inst.importWorkflows({ userFolder, n8n, log, files: [file], publish: false });
	return id;
}

async function runCallbackBatch({ id, rest, sb, check, log, nodeOutput, manualTrigger }) {
	const render = { ...sb.options.render };
	const concurrency = sb.options.concurrency;
	// Renders start once the execution has parked (callbacks to a running execution get n8n's 409), then 10 at a time.
	sb.setConcurrency(10);
	sb.setRender({ pendingMs: 45000, processingMs: 500 });
	const charges = sb.charges;
	const requestsBefore = sb.requests.length;
	const callbacksBefore = sb.callbacks.length;
	const t = Date.now();
	try {
		const executionId = await rest.runWorkflow(id, manualTrigger);
		const execution = await rest.waitForExecution(executionId, {
			timeoutMs: 300000,
			until: (e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status),
		});
		log(
			`callback batch (${CONTACTS} contacts, concurrency 10): ${execution.status} in ${Date.now() - t} ms`,
		);
		const [completed, failed, rendering] = [0, 1, 2].map(
			(output) => nodeOutput(execution, WAIT_NODE, { output }) || [],
		);
		const contacts = new Set(completed.map((item) => item.json.contact));
		check(
			`callback batch: all ${CONTACTS} contacts Completed exactly once, none Failed or Still Rendering`,
			execution.status === 'success' &&
				completed.length === CONTACTS &&
				contacts.size === CONTACTS &&
				failed.length === 0 &&
				rendering.length === 0,
			{
				status: execution.status,
				completed: completed.length,
				distinct: contacts.size,
				failed: failed.length,
				rendering: rendering.length,
			},
		);
		check(
			`callback batch: ${CONTACTS} charges, no duplicate render`,
			sb.charges - charges === CONTACTS,
			sb.charges - charges,
		);
		const runs = (execution.data.resultData.runData[WAIT_NODE] || []).length;
		const callbacks = sb.callbacks.slice(callbacksBefore).filter((c) => c.kind === 'callback_url');
		const resumedBy = callbacks.filter(
			(c) => c.status === 200 && /"resumed":true/.test(c.responseBody || ''),
		);
		// The answer that said "resumed" can reach a starved sandbox after its 10 s limit, so it may not be logged.
		check(
			'callback batch: the execution resumed once (at most one callback answered "resumed")',
			runs === 1 && resumedBy.length <= 1,
			{ runs, resumedBy: resumedBy.length },
		);
		// Answer times depend on the machine's load: a figure here, a target in the benchmarks (comparison 6).
		const timeouts = callbacks.filter((c) => c.error === 'ETIMEDOUT').length;
		log(
			`callback batch: ${timeouts} of ${callbacks.length} callback deliveries waited more than 10 s`,
		);
		const requests = sb.requests.slice(requestsBefore);
		const status = requests.filter(
			(q) => q.server === 'api' && q.method === 'GET' && STATUS_PATH.test(q.path),
		);
		const perVideo = status.length / CONTACTS;
		log(
			`callback batch: ${status.length} status requests (${perVideo.toFixed(2)} per video), ${callbacks.length} callback deliveries`,
		);
		check('callback batch: at most 2 status requests per video', perVideo <= 2, {
			status: status.length,
			perVideo,
		});
	} finally {
		sb.setRender(render);
		sb.setConcurrency(concurrency);
	}
}

module.exports = { prepareCallbackBatch, runCallbackBatch };
