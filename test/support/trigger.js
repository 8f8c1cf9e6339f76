/**
 * Support for the HeyGen Trigger tests: sandbox (OPTIONS probe on, duplicate deliveries configurable) + engine
 * harness + a local stand-in for n8n's webhook server, and a workflow builder. Plain JS: Node APIs.
 */
const { startSandbox } = require('../../tools/heygen-sandbox');
const { createHarness, PACKAGE } = require('../harness/engine');
const { startTriggerServer } = require('../harness/trigger');
const { makeVideo, makeVideos, statusCalls } = require('./wait-for-video');

const TRIGGER_TYPE = `${PACKAGE}.heyGenTrigger`;
const CREDENTIALS = { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } };
const WEBHOOK_ID = '0b9c3f51-6d1e-4d55-9d0a-4f0c2c7e2a11';

async function setupTrigger(options = {}) {
	const sb = await startSandbox({
		render: { pendingMs: 20, processingMs: 80 },
		concurrency: 50,
		webhookProbe: true,
		callbackRetry: { attempts: 3, delaysMs: [50, 100] },
		...options,
	});
	const h = createHarness({
		credentials: { heyGenTemplatesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
	});
	const server = await startTriggerServer(h);
	return { sb, h, server };
}

/** HeyGen Trigger → "Results" (a No-Op standing in for Set / Google Sheets). */
function triggerWorkflow(parameters = {}, { id = 'wf-trigger', webhookId = WEBHOOK_ID } = {}) {
	return {
		id,
		nodes: [
			{
				name: 'HeyGen Trigger',
				type: TRIGGER_TYPE,
				webhookId,
				parameters,
				credentials: CREDENTIALS,
			},
			{ name: 'Results', type: 'n8n-nodes-base.noOp' },
		],
		connections: { 'HeyGen Trigger': { main: [[{ node: 'Results', type: 'main', index: 0 }]] } },
	};
}

/** API calls of one kind the sandbox received. */
function webhookCalls(sb, method, pathPattern) {
	return sb.requests.filter(
		(r) => r.server === 'api' && r.method === method && pathPattern.test(r.path),
	);
}

/** Endpoint deliveries (kind 'webhook') the sandbox made, with their answers. */
function endpointDeliveries(sb) {
	return sb.callbacks.filter((c) => c.kind === 'webhook');
}

/** The items the Results node received over all executions of the workflow. */
async function resultItems(workflow) {
	const runs = await workflow.settledExecutions();
	return runs.flatMap((r) => r.items('Results').map((i) => i.json));
}

module.exports = {
	TRIGGER_TYPE,
	WEBHOOK_ID,
	setupTrigger,
	triggerWorkflow,
	webhookCalls,
	endpointDeliveries,
	resultItems,
	makeVideo,
	makeVideos,
	statusCalls,
};
