/**
 * Drives a webhook trigger node the way n8n 2.41 does, on top of the engine harness, over real HTTP:
 *
 * - publish / unpublish (ActiveWorkflowManager + WebhookService): `checkExists`, then `create` when it answers
 *   false, in n8n-core's real HookContext (mode 'trigger', activation 'activate' | 'init' after a restart);
 *   `delete` in mode 'internal', activation 'update'. The workflow's static data is saved after each, as
 *   n8n's WorkflowStaticDataService does: only when the Workflow marked it changed (`__dataChanged`).
 * - listen for a test event (TestWebhooks): the same methods with the test URL in mode 'manual'; static data
 *   lives only in the registration (never saved), and the registration is deleted after the first request that
 *   starts an execution.
 * - deliveries (LiveWebhooks / TestWebhooks + webhook-helpers): every request builds a fresh Workflow from the
 *   saved static data, runs webhook() in n8n-core's real WebhookContext with the raw body on the request, saves
 *   the static data when n8n would (see handle()), answers like n8n (webhookResponse as JSON, or whatever webhook() wrote itself)
 *   and, with workflowData, runs the workflow from the trigger with those items in the real WorkflowExecute.
 * - a small HTTP server plays n8n's webhook endpoint: OPTIONS → 204 for any path (WebhookRequestHandler answers
 *   it before looking anything up), POST /webhook/<path> and /webhook-test/<path> → the trigger, else 404.
 */
const http = require('node:http');
const crypto = require('node:crypto');

const { HookContext, WebhookContext, ExecutionLifecycleHooks } = require('n8n-core');
const { NodeHelpers, Workflow, createRunExecutionData } = require('n8n-workflow');

const { additionalDataFor, normaliseWorkflow, binaryStore } = require('./engine');

function jsonCopy(value) {
	return JSON.parse(JSON.stringify(value ?? {}));
}

class TriggerWorkflow {
	constructor(server, definition, { triggerName } = {}) {
		this.server = server;
		this.harness = server.harness;
		this.workflowData = normaliseWorkflow(definition);
		const trigger = this.workflowData.nodes.find((n) =>
			triggerName ? n.name === triggerName : /Trigger$/i.test(n.type),
		);
		if (!trigger) throw new Error('no trigger node in the workflow');
		this.triggerName = trigger.name;
		/** The workflow's static data as the database holds it (JSON). */
		this.savedStaticData = {};
		this.published = false;
		this.testRegistration = null;
		this.executions = [];
		this.responses = [];
	}

	get nodeType() {
		const node = this.workflowData.nodes.find((n) => n.name === this.triggerName);
		return this.harness.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	}

	workflow(staticData) {
		return new Workflow({
			id: this.workflowData.id,
			name: this.workflowData.name,
			nodes: this.workflowData.nodes,
			connections: this.workflowData.connections,
			nodeTypes: this.harness.nodeTypes,
			active: this.published,
			settings: { executionOrder: 'v1' },
			staticData,
		});
	}

	additionalData(executionId = 'hook') {
		const hooks = new ExecutionLifecycleHooks('manual', executionId, this.workflowData);
		const data = additionalDataFor(this.harness, hooks, executionId);
		data.webhookBaseUrl = `${this.server.url}/webhook`;
		data.webhookTestBaseUrl = `${this.server.url}/webhook-test`;
		return data;
	}

	webhookData(workflow, additionalData, isTest) {
		const node = workflow.getNode(this.triggerName);
		const description = this.nodeType.description.webhooks[0];
		return {
			httpMethod: description.httpMethod,
			node: node.name,
			path: NodeHelpers.getNodeWebhookPath(workflow.id, node, String(description.path), false),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest,
		};
	}

	/** WorkflowStaticDataService.saveStaticData: only a changed Workflow is written. */
	saveStaticData(workflow) {
		if (workflow.staticData.__dataChanged === true) {
			this.savedStaticData = jsonCopy(workflow.staticData);
			workflow.staticData.__dataChanged = false;
		}
	}

	async runMethod(method, workflow, mode, activation, isTest) {
		const additionalData = this.additionalData();
		const webhookData = this.webhookData(workflow, additionalData, isTest);
		const fn = this.nodeType.webhookMethods?.[webhookData.webhookDescription.name]?.[method];
		if (!fn) return undefined;
		const context = new HookContext(
			workflow,
			workflow.getNode(this.triggerName),
			additionalData,
			mode,
			activation,
			webhookData,
		);
		return await fn.call(context);
	}

	/** Publish (activation 'activate'), or re-add after an n8n restart (activation 'init'). */
	async publish({ activation = 'activate' } = {}) {
		const workflow = this.workflow(jsonCopy(this.savedStaticData));
		this.published = true;
		try {
			const exists = await this.runMethod('checkExists', workflow, 'trigger', activation, false);
			if (!exists) await this.runMethod('create', workflow, 'trigger', activation, false);
		} catch (error) {
			this.published = false;
			throw error;
		} finally {
			this.saveStaticData(workflow);
		}
	}

	async unpublish() {
		const workflow = this.workflow(jsonCopy(this.savedStaticData));
		this.published = false;
		const result = await this.runMethod('delete', workflow, 'internal', 'update', false);
		this.saveStaticData(workflow);
		return result;
	}

	/** "Listen for test event": registration kept in memory only, like TestWebhookRegistrationsService. */
	async listenForTestEvent() {
		const workflow = this.workflow(jsonCopy(this.savedStaticData));
		await this.runMethod('checkExists', workflow, 'manual', 'manual', true).then(async (exists) => {
			if (!exists) await this.runMethod('create', workflow, 'manual', 'manual', true);
		});
		this.testRegistration = { staticData: workflow.staticData };
	}

	/** TestWebhooks.deactivateWebhooks (after the test execution, or on timeout/cancel). */
	async stopListening() {
		if (!this.testRegistration) return undefined;
		const workflow = this.workflow(jsonCopy(this.savedStaticData));
		workflow.staticData = this.testRegistration.staticData;
		this.testRegistration = null;
		return await this.runMethod('delete', workflow, 'internal', 'update', true);
	}

	url(isTest = false) {
		const workflow = this.workflow({});
		const webhookData = this.webhookData(workflow, this.additionalData(), isTest);
		return `${this.server.url}/${isTest ? 'webhook-test' : 'webhook'}/${webhookData.path}`;
	}

	/** One request to the webhook (already matched to this workflow by the server). */
	async handle(request, isTest) {
		const workflow = this.workflow(jsonCopy(this.savedStaticData));
		if (isTest) workflow.setTestStaticData(this.testRegistration.staticData);
		const additionalData = this.additionalData();
		const rawBody = request.rawBody;
		const contentType = String(request.headers['content-type'] ?? '');
		let body = {};
		if (rawBody.length && contentType.startsWith('application/json')) {
			try {
				body = JSON.parse(rawBody.toString('utf8'));
			} catch {
				return { statusCode: 422, body: { message: 'Failed to parse request body' } };
			}
		}
		additionalData.httpRequest = {
			body,
			rawBody,
			headers: request.headers,
			query: {},
			params: {},
			method: request.method,
			url: request.url,
		};
		const response = { statusCode: 200, body: undefined, written: false };
		const write = (payload) => {
			response.body = payload;
			response.written = true;
		};
		additionalData.httpResponse = {
			status(code) {
				response.statusCode = code;
				return this;
			},
			setHeader() {},
			json: write,
			send: write,
			end: write,
		};
		const webhookData = this.webhookData(workflow, additionalData, isTest);
		const node = workflow.getNode(this.triggerName);
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			isTest ? 'manual' : 'webhook',
			webhookData,
			[],
			undefined,
		);
		let result;
		try {
			result = await this.nodeType.webhook.call(context);
		} catch (error) {
			// webhook-helpers: an error in webhook() still starts the workflow with an empty item, which then fails.
			result = { noWebhookResponse: false, workflowData: [[{ json: {} }]], error };
		}
		// n8n 2.41 (webhook-helpers executeWebhook, live-webhooks): the static data is saved in the response
		// callback. When webhook() answered itself (noWebhookResponse), that happens before the execution starts;
		// otherwise the execution's Workflow, built first from the same static data object, resets its change flag,
		// and what webhook() wrote is not saved.
		const savedByN8n = !result.workflowData || result.noWebhookResponse === true;
		if (!isTest && savedByN8n) this.saveStaticData(workflow);
		if (!response.written) {
			response.statusCode = 200;
			response.body = result.webhookResponse ?? { message: 'Workflow was started' };
		}
		this.responses.push({ statusCode: response.statusCode, body: response.body });
		if (result.workflowData) {
			const execution = this.startExecution(result.workflowData);
			this.executions.push(execution);
			if (isTest) await this.stopListening();
		}
		return response;
	}

	async startExecution(workflowData) {
		await binaryStore();
		const node = this.workflowData.nodes.find((n) => n.name === this.triggerName);
		const runData = createRunExecutionData({
			resumeToken: crypto.randomBytes(16).toString('hex'),
			executionData: { nodeExecutionStack: [{ node, data: { main: workflowData }, source: null }] },
		});
		return await this.harness.execute(
			this.workflowData,
			runData,
			`exec-${++this.harness.executionCounter}`,
		);
	}

	async settledExecutions() {
		return await Promise.all(this.executions);
	}
}

class TriggerServer {
	constructor(harness) {
		this.harness = harness;
		this.workflows = [];
		this.requests = [];
		this.server = http.createServer((req, res) => {
			this.route(req, res).catch((error) => {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: error.message }));
			});
		});
	}

	async listen() {
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${this.server.address().port}`;
		return this;
	}

	add(definition, options) {
		const workflow = new TriggerWorkflow(this, definition, options);
		this.workflows.push(workflow);
		return workflow;
	}

	async route(req, res) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const rawBody = Buffer.concat(chunks);
		const url = new URL(req.url, this.url);
		this.requests.push({ method: req.method, path: url.pathname, time: Date.now() });
		if (req.method === 'OPTIONS') {
			res.writeHead(204);
			res.end();
			return;
		}
		const match = /^\/(webhook|webhook-test)\/(.+)$/.exec(url.pathname);
		const isTest = match && match[1] === 'webhook-test';
		const target =
			match &&
			this.workflows.find(
				(w) =>
					(isTest ? w.testRegistration : w.published) &&
					w.url(isTest) === `${this.url}${url.pathname}`,
			);
		if (!target || req.method !== 'POST') {
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 404, message: 'The requested webhook is not registered.' }));
			return;
		}
		const response = await target.handle(
			{ method: req.method, url: req.url, headers: req.headers, rawBody },
			isTest,
		);
		res.writeHead(response.statusCode, { 'content-type': 'application/json' });
		res.end(
			typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {}),
		);
	}

	async close() {
		this.server.closeAllConnections?.();
		await new Promise((resolve) => this.server.close(resolve));
	}
}

async function startTriggerServer(harness) {
	return await new TriggerServer(harness).listen();
}

module.exports = { startTriggerServer, TriggerServer, TriggerWorkflow };
