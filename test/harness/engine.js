/**
 * Runs workflows in n8n-core's real engine (WorkflowExecute) for the tests: real expression resolution,
 * real generic credential authentication, real resourceMapper validation, real binary data (n8n's
 * filesystem store), real waits. Plain JS on purpose: support modules may use the Node APIs that the
 * community-node lint forbids in .ts files.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const { Container } = require('@n8n/di');
const {
	BinaryDataService,
	ErrorReporter,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	WebhookContext,
	WorkflowExecute,
} = require('n8n-core');
const {
	ICredentialsHelper,
	LoggerProxy,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
} = require('n8n-workflow');

const PACKAGE = 'n8n-nodes-heygen-templates';

// n8n's engine logs every node error it routes; the tests assert on those errors instead of printing them.
const silent = () => {};
LoggerProxy.init({
	error: silent,
	warn: silent,
	info: silent,
	debug: silent,
	scoped: () => LoggerProxy,
});
Container.set(ErrorReporter, { error: silent, warn: silent, info: silent });
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Package-named node types, exactly as n8n names them once the package is installed. */
const PACKAGE_NODES = {
	[`${PACKAGE}.heyGenGenerateFromTemplate`]: () =>
		require(
			path.join(REPO_ROOT, 'nodes/HeyGenGenerateFromTemplate/HeyGenGenerateFromTemplate.node'),
		).HeyGenGenerateFromTemplate,
	[`${PACKAGE}.heyGenWaitForVideo`]: () =>
		require(path.join(REPO_ROOT, 'nodes/HeyGenWaitForVideo/HeyGenWaitForVideo.node'))
			.HeyGenWaitForVideo,
	[`${PACKAGE}.heyGenTrigger`]: () =>
		require(path.join(REPO_ROOT, 'nodes/HeyGenTrigger/HeyGenTrigger.node')).HeyGenTrigger,
};

const CREDENTIAL_TYPES = {
	heyGenTemplatesApi: () =>
		require(path.join(REPO_ROOT, 'credentials/HeyGenTemplatesApi.credentials')).HeyGenTemplatesApi,
};

/**
 * Minimal stand-ins for three n8n-nodes-base nodes the fixtures use (n8n-nodes-base itself is not a
 * dependency). They behave like the real ones in the respects the tests rely on.
 */
class ManualTrigger {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};
	async execute() {
		return [this.getInputData()];
	}
}

class NoOp {
	description = {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		defaults: { name: 'No Operation' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};
	async execute() {
		return [this.getInputData()];
	}
}

/** Time-based Wait node, as n8n's own does it for waits of 65 s and more: park the execution. */
class Wait {
	description = {
		displayName: 'Wait',
		name: 'wait',
		group: ['organization'],
		version: 1.1,
		defaults: { name: 'Wait' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Amount', name: 'amount', type: 'number', default: 1 },
			{ displayName: 'Unit', name: 'unit', type: 'string', default: 'minutes' },
		],
	};
	async execute() {
		const amount = this.getNodeParameter('amount', 0);
		const unit = this.getNodeParameter('unit', 0);
		const factor = { seconds: 1000, minutes: 60_000, hours: 3_600_000 }[unit] ?? 60_000;
		await this.putExecutionToWait(new Date(Date.now() + amount * factor));
		return [this.getInputData()];
	}
}

const BASE_NODES = {
	'n8n-nodes-base.manualTrigger': () => ManualTrigger,
	'n8n-nodes-base.noOp': () => NoOp,
	'n8n-nodes-base.wait': () => Wait,
};

class NodeTypes {
	constructor(extra = {}) {
		this.factories = { ...BASE_NODES, ...PACKAGE_NODES, ...extra };
		this.cache = new Map();
	}
	getByName(type) {
		if (!this.cache.has(type)) {
			const factory = this.factories[type];
			if (!factory) throw new Error(`Unknown node type in test workflow: ${type}`);
			const NodeClass = factory();
			this.cache.set(type, typeof NodeClass === 'function' ? new NodeClass() : NodeClass);
		}
		return this.cache.get(type);
	}
	getByNameAndVersion(type, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}
	getKnownTypes() {
		return {};
	}
}

/** lodash `get` for dotted keys, as n8n's credential tester reads `responseSuccessBody` rules. */
function getPath(value, key) {
	return String(key)
		.split('.')
		.reduce(
			(v, k) => (v !== null && v !== undefined && typeof v === 'object' ? v[k] : undefined),
			value,
		);
}

function credentialType(name) {
	const factory = CREDENTIAL_TYPES[name];
	if (!factory) throw new Error(`Unknown credential type: ${name}`);
	const Type = factory();
	return new Type();
}

/**
 * Applies a credential type's generic `authenticate` block the way n8n's CredentialsHelper does:
 * each value is an expression resolved with `$credentials`.
 */
function applyGenericAuth(authenticate, credentials, requestOptions, workflow, node) {
	if (!authenticate || authenticate.type !== 'generic') return requestOptions;
	const resolve = (value) =>
		typeof value === 'string' && value.startsWith('=')
			? workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				)
			: value;
	for (const target of ['headers', 'qs', 'body']) {
		const values = authenticate.properties[target];
		if (!values) continue;
		const resolved = {};
		for (const [key, value] of Object.entries(values)) resolved[key] = resolve(value);
		requestOptions[target] = { ...(requestOptions[target] ?? {}), ...resolved };
	}
	return requestOptions;
}

class CredentialsHelper extends ICredentialsHelper {
	constructor(store) {
		super();
		this.store = store;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const type = credentialType(typeName);
		// As n8n's CredentialsHelper: a function is called as it is, a generic block is resolved.
		if (typeof type.authenticate === 'function')
			return await type.authenticate(credentials, requestOptions);
		return applyGenericAuth(type.authenticate, credentials, requestOptions, workflow, node);
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials() {
		throw new Error('not used by these nodes');
	}
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		const data = this.store[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type) {
		return credentialType(type).properties;
	}
}

let binaryStorePromise;
/** n8n's own BinaryDataService in filesystem mode, in a temporary folder: binary data is streamed to disk. */
async function binaryStore() {
	if (!binaryStorePromise) {
		binaryStorePromise = (async () => {
			const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-binary-'));
			const config = {
				mode: 'filesystem',
				availableModes: ['filesystem'],
				localStoragePath: storagePath,
				signingSecret: crypto.randomBytes(16).toString('hex'),
				dbMaxFileSize: 512,
			};
			const errorReporter = { error() {}, warn() {}, info() {} };
			const logger = {
				debug() {},
				info() {},
				warn() {},
				error() {},
				scoped() {
					return this;
				},
			};
			const service = new BinaryDataService(config, errorReporter, logger);
			await service.init();
			Container.set(BinaryDataService, service);
			return { service, storagePath };
		})();
	}
	return await binaryStorePromise;
}

const WAITING_BASE_URL = 'http://127.0.0.1:5678/webhook-waiting';

function additionalDataFor(harness, hooks, executionId) {
	return {
		hooks,
		executionId,
		credentialsHelper: harness.credentialsHelper,
		variables: {},
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: harness.webhookWaitingBaseUrl,
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		userId: 'test-user',
		logAiEvent() {},
		async getRunExecutionData() {
			return undefined;
		},
		async executeWorkflow() {
			throw new Error('sub-workflows are not used by these tests');
		},
		async getRuntimeCredential() {
			return undefined;
		},
		async startRunnerTask() {
			throw new Error('task runners are not used by these tests');
		},
		setExecutionStatus() {},
		sendDataToUI() {},
	};
}

function normaliseWorkflow(definition) {
	const nodes = definition.nodes.map((node, index) => ({
		id: node.id ?? `node-${index}`,
		position: node.position ?? [index * 220, 0],
		typeVersion: node.typeVersion ?? 1,
		parameters: node.parameters ?? {},
		...node,
	}));
	return {
		id: definition.id ?? 'wf-test',
		name: definition.name ?? 'Test workflow',
		nodes,
		connections: definition.connections ?? {},
	};
}

/** Wraps an IRun with accessors for what tests read. */
class RunResult {
	constructor(harness, workflowData, run, executionId) {
		this.harness = harness;
		this.workflowData = workflowData;
		this.run = run;
		this.executionId = executionId;
	}
	get status() {
		return this.run.status;
	}
	get error() {
		return this.run.data.resultData.error;
	}
	get waitTill() {
		return this.run.waitTill ?? this.run.data.waitTill;
	}
	/** Every run of the node: runData[node] */
	runs(nodeName) {
		return this.run.data.resultData.runData[nodeName] ?? [];
	}
	/** Outputs of the node's last (or given) run: an array per output, each an array of items. */
	outputs(nodeName, runIndex) {
		const runs = this.runs(nodeName);
		const task = runIndex === undefined ? runs[runs.length - 1] : runs[runIndex];
		if (!task) return undefined;
		return (task.data?.main ?? []).map((items) => items ?? []);
	}
	/** The items of one output of the node's last run (output 0 by default). */
	items(nodeName, output = 0) {
		return this.outputs(nodeName)?.[output] ?? [];
	}
	nodeError(nodeName) {
		const runs = this.runs(nodeName);
		return runs[runs.length - 1]?.error;
	}
	/** The node parked on the execution stack while the execution waits. */
	get waitingEntry() {
		return this.run.data.executionData?.nodeExecutionStack?.[0];
	}
	/** `$execution.resumeUrl` of this execution, as n8n computes it. */
	get resumeUrl() {
		const token = this.run.data.resumeToken;
		const base = `${this.harness.webhookWaitingBaseUrl}/${this.executionId}`;
		return token ? `${base}?signature=${token}` : base;
	}
}

class EngineHarness {
	constructor({ credentials = {}, nodeTypes = {}, webhookWaitingBaseUrl = WAITING_BASE_URL } = {}) {
		this.credentialsHelper = new CredentialsHelper(credentials);
		this.nodeTypes = new NodeTypes(nodeTypes);
		this.webhookWaitingBaseUrl = webhookWaitingBaseUrl;
		this.executionCounter = 0;
	}

	setCredentials(type, data) {
		this.credentialsHelper.store[type] = data;
	}

	workflow(workflowData) {
		return new Workflow({
			id: workflowData.id,
			name: workflowData.name,
			nodes: workflowData.nodes,
			connections: workflowData.connections,
			nodeTypes: this.nodeTypes,
			active: false,
			settings: { executionOrder: 'v1' },
			staticData: {},
		});
	}

	startNode(workflowData) {
		const trigger = workflowData.nodes.find((node) =>
			this.nodeTypes.getByName(node.type).description.group.includes('trigger'),
		);
		if (!trigger) throw new Error('A test workflow needs a trigger node');
		return trigger;
	}

	/**
	 * Runs a workflow from its trigger with the given input items.
	 * `options.onStart(cancel)` receives a function that cancels the execution like n8n's Stop button.
	 */
	async run(definition, { items = [{ json: {} }], executionId, onStart } = {}) {
		await binaryStore();
		const workflowData = normaliseWorkflow(definition);
		const trigger = this.startNode(workflowData);
		const runData = createRunExecutionData({
			// n8n gives every execution a secret resume token; $execution.resumeUrl carries it as ?signature=
			resumeToken: crypto.randomBytes(16).toString('hex'),
			executionData: {
				nodeExecutionStack: [{ node: trigger, data: { main: [items] }, source: null }],
			},
		});
		return await this.execute(
			workflowData,
			runData,
			executionId ?? `exec-${++this.executionCounter}`,
			onStart,
		);
	}

	async execute(workflowData, runExecutionData, executionId, onStart) {
		const workflow = this.workflow(workflowData);
		const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
		const finished = new Promise((resolve) =>
			hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
		);
		const additionalData = additionalDataFor(this, hooks, executionId);
		const execution = new WorkflowExecute(
			additionalData,
			'manual',
			runExecutionData,
		).processRunExecutionData(workflow);
		if (onStart) onStart(() => execution.cancel());
		const run = await Promise.race([execution.then((r) => r ?? finished), finished]);
		return new RunResult(this, workflowData, run, executionId);
	}

	/** A waiting execution's time-based resume, as n8n's WaitTracker does it: the same data, run again. */
	async resumeAfterTime(result) {
		if (result.status !== 'waiting') throw new Error(`execution is ${result.status}, not waiting`);
		const runExecutionData = structuredClone(result.run.data);
		return await this.execute(
			normaliseWorkflow(result.workflowData),
			runExecutionData,
			result.executionId,
		);
	}

	/**
	 * A POST to the execution's resume URL, as n8n's waiting-webhooks handler does it: run the waiting
	 * node's webhook() with the request; without workflowData the execution keeps waiting; with it, the
	 * webhook's output becomes the node's output and the execution continues.
	 * Returns { webhookResponse, result } where result is undefined while the execution keeps waiting.
	 * Like n8n 2.41.1 (waiting-webhooks.js, webhook-helpers.js executeWebhook), nothing webhook() writes is kept
	 * while the execution keeps waiting: every call starts from the data the execution parked with (node context,
	 * static data from the execution's own snapshot). `request.onAnswer(response)` is called as soon as webhook()
	 * answers through the response object (test/harness/waiting-webhooks.js sends it over HTTP then).
	 */
	async resumeWithWebhook(result, request = {}) {
		if (result.status !== 'waiting') throw new Error(`execution is ${result.status}, not waiting`);
		const url = new URL(request.url ?? result.resumeUrl);
		if (
			result.run.data.resumeToken &&
			url.searchParams.get('signature') !== result.run.data.resumeToken
		) {
			return { webhookResponse: { statusCode: 401 }, result: undefined };
		}
		// n8n keeps a parked execution as serialized JSON and parses it anew for every request: so does this.
		result.storedData ??= JSON.stringify(result.run.data);
		const runExecutionData = JSON.parse(result.storedData);
		const workflowData = normaliseWorkflow(result.workflowData);
		const workflow = this.workflow(workflowData);
		const entry = runExecutionData.executionData.nodeExecutionStack[0];
		const node = workflow.getNode(entry.node.name);
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const webhookDescription = (nodeType.description.webhooks ?? []).find(
			(w) => w.restartWebhook === true,
		);
		if (!webhookDescription) throw new Error(`${node.name} has no restart webhook`);

		const hooks = new ExecutionLifecycleHooks('webhook', result.executionId, workflowData);
		const additionalData = additionalDataFor(this, hooks, result.executionId);
		const body = request.body ?? {};
		const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		additionalData.httpRequest = {
			body: typeof body === 'string' ? JSON.parse(body) : body,
			rawBody,
			headers: Object.fromEntries(
				Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
			),
			query: Object.fromEntries(url.searchParams.entries()),
			params: {},
			method: request.method ?? 'POST',
			url: url.pathname + url.search,
		};
		// `respondedAt` (Date.now()) when webhook() answered through the response object itself, e.g. to check that
		// it answered before slow work (compare with the sandbox's request times).
		const response = { statusCode: 200, headers: {}, body: undefined };
		const answered = (payload) => {
			response.body = payload;
			response.respondedAt = Date.now();
			request.onAnswer?.(response);
		};
		additionalData.httpResponse = {
			status(code) {
				response.statusCode = code;
				return this;
			},
			setHeader(name, value) {
				response.headers[name.toLowerCase()] = value;
			},
			json: answered,
			send: answered,
			end: answered,
		};
		const webhookData = {
			httpMethod: webhookDescription.httpMethod ?? 'POST',
			node: node.name,
			path: String(webhookDescription.path ?? ''),
			webhookDescription,
			workflowId: workflow.id,
			isTest: false,
		};
		// As n8n's WaitingWebhooks.getWebhookExecutionData does BEFORE it calls webhook(): disable the node,
		// clear waitTill and pop the node's parked run (preserveInputOverride). So webhook() cannot read the
		// node's own pre-wait output from runData. (On this copy only: without workflowData it is discarded.)
		entry.node.disabled = true;
		runExecutionData.waitTill = undefined;
		const lastNode = runExecutionData.resultData.lastNodeExecuted;
		runExecutionData.resultData.runData[lastNode].pop();
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			runExecutionData,
		);
		const webhookResponse = await nodeType.webhook.call(context);
		if (!webhookResponse.workflowData) {
			return { webhookResponse: { ...webhookResponse, ...response }, result: undefined };
		}
		request.onResume?.();
		entry.data.main = webhookResponse.workflowData;
		entry.metadata = { ...(entry.metadata ?? {}), forwardAllOutputs: true };
		const resumed = await this.execute(workflowData, runExecutionData, result.executionId);
		return { webhookResponse: { ...webhookResponse, ...response }, result: resumed };
	}

	/** Runs a node's UI-time method (listSearch, loadOptions, resourceMapping) in a real LoadOptionsContext. */
	async loadOptions(
		nodeTypeName,
		kind,
		method,
		{ parameters = {}, args = [], credentials = true } = {},
	) {
		const nodeType = this.nodeTypes.getByNameAndVersion(nodeTypeName, 1);
		const node = {
			id: 'ui-node',
			name: nodeType.description.defaults.name ?? nodeType.description.displayName,
			type: nodeTypeName,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: credentials
				? { heyGenTemplatesApi: { id: 'cred-1', name: 'HeyGen' } }
				: undefined,
		};
		const workflowData = normaliseWorkflow({ nodes: [node] });
		const workflow = this.workflow(workflowData);
		const hooks = new ExecutionLifecycleHooks('manual', 'ui', workflowData);
		const additionalData = additionalDataFor(this, hooks, 'ui');
		additionalData.currentNodeParameters = parameters;
		const context = new LoadOptionsContext(
			workflow,
			workflow.getNode(node.name),
			additionalData,
			'',
		);
		const fn = nodeType.methods?.[kind]?.[method];
		if (!fn) throw new Error(`${nodeTypeName} has no methods.${kind}.${method}`);
		return await fn.apply(context, args);
	}

	/**
	 * Tests a credential the way n8n's credential tester does: the credential's test request, with the
	 * credential's authentication, then its rules on the response code.
	 */
	async testCredential(type, data) {
		const credential = credentialType(type);
		const saved = this.credentialsHelper.store[type];
		this.credentialsHelper.store[type] = data;
		try {
			const node = {
				id: 'cred-test',
				name: 'Credential test',
				type: `${PACKAGE}.heyGenGenerateFromTemplate`,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
			const workflowData = normaliseWorkflow({ nodes: [node] });
			const workflow = this.workflow(workflowData);
			const resolve = (value) =>
				typeof value === 'string' && value.startsWith('=')
					? workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: data },
							undefined,
							'',
						)
					: value;
			const request = credential.test.request;
			// As n8n's routing node builds it: the declared request options (ignoreHttpStatusErrors included).
			const options = {
				...request,
				method: request.method ?? 'GET',
				baseURL: resolve(request.baseURL),
				url: resolve(request.url),
				headers: {},
				json: true,
			};
			await this.credentialsHelper.authenticate(
				data,
				type,
				options,
				workflow,
				workflow.getNode(node.name),
			);
			const hooks = new ExecutionLifecycleHooks('manual', 'cred', workflowData);
			const additionalData = additionalDataFor(this, hooks, 'cred');
			const context = new LoadOptionsContext(
				workflow,
				workflow.getNode(node.name),
				additionalData,
				'',
			);
			let body;
			try {
				body = await context.helpers.httpRequest(options);
			} catch (error) {
				const statusCode =
					error?.response?.status ?? error?.httpCode ?? error?.cause?.response?.status;
				for (const rule of credential.test.rules ?? []) {
					if (rule.type === 'responseCode' && Number(statusCode) === rule.properties.value) {
						return { status: 'Error', message: rule.properties.message };
					}
				}
				return { status: 'Error', message: error.message };
			}
			// n8n's CredentialsTester: after an answer that did not throw, the first matching body rule fails the test.
			for (const rule of credential.test.rules ?? []) {
				if (
					rule.type === 'responseSuccessBody' &&
					getPath(body, rule.properties.key) === rule.properties.value
				) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			return { status: 'OK', message: 'Connection successful!' };
		} finally {
			this.credentialsHelper.store[type] = saved;
		}
	}

	/** Bytes of a binary property of an output item, read back from n8n's binary store. */
	async binaryBuffer(item, property = 'data') {
		const { service } = await binaryStore();
		const binary = item.binary?.[property];
		if (!binary) throw new Error(`item has no binary property ${property}`);
		if (binary.id) return await service.getAsBuffer(binary);
		return Buffer.from(binary.data, 'base64');
	}
}

function createHarness(options) {
	return new EngineHarness(options);
}

module.exports = {
	createHarness,
	EngineHarness,
	PACKAGE,
	applyGenericAuth,
	additionalDataFor,
	normaliseWorkflow,
	binaryStore,
};
