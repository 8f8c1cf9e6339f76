'use strict';
/**
 * Small client for a running n8n 2.41.1 (no browser, no dependencies; Node >= 20 global fetch).
 *
 * Verified against n8n 2.41.1:
 *  - Owner:      POST /rest/owner/setup {email, firstName, lastName, password}  (first call only; sets the
 *                `n8n-auth` cookie), then POST /rest/login {emailOrLdapLoginId, password}.
 *  - Types:      GET /types/nodes.json, /types/credentials.json (need the auth cookie).
 *  - Create:     POST /rest/credentials {name, type, data}; POST /rest/workflows <workflow JSON>
 *                (ids are generated; use the CLI import for fixed ids).
 *  - Publish:    POST /rest/workflows/:id/activate {versionId}. Publication is ASYNC in 2.41 (outbox +
 *                reconciler every 10 s): poll GET /rest/workflows/:id/publication-status until
 *                {status:'published', triggers:[{status:'activated'}…]} before calling production webhooks.
 *  - Run:        production webhook  POST {base}/webhook/<path>  (workflow must be published), or a manual
 *                run  POST /rest/workflows/:id/run {triggerToStartFrom:{name:'<trigger node>'}} → {executionId}.
 *  - Read:       GET /rest/executions?filter={"workflowId":"…"}  (list; newest first),
 *                GET /rest/executions/:id → `data` is a *flatted* string (decoded here), or the public API
 *                GET /api/v1/executions/:id?includeData=true with header X-N8N-API-KEY (key from
 *                POST /rest/api-keys {label, scopes, expiresAt:null} → data.rawApiKey).
 *  - Resume:     a waiting execution's resume URL is `${N8N_WEBHOOK_URL}webhook-waiting/<executionId>?signature=<resumeToken>`
 *                (node run metadata `resumeUrl`; `data.resumeToken`). POST to it resumes; a bad signature → 401.
 */
const { parseFlatted } = require('./flatted');

class N8nRestError extends Error {
	constructor(message, { status, body, method, path } = {}) {
		super(message);
		this.name = 'N8nRestError';
		this.status = status;
		this.body = body;
		this.method = method;
		this.path = path;
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class N8nRest {
	/** @param {{ baseUrl: string, log?: (l: string) => void }} opts  baseUrl like http://127.0.0.1:5678 */
	constructor({ baseUrl, log } = {}) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.cookie = '';
		this.apiKey = '';
		this.log = log || (() => {});
	}

	/**
	 * One REST call. n8n answers 503 "Database is not ready!" while its database health check lags on a
	 * starved machine; a read is repeated then (for up to a minute), as a user would reload the page.
	 */
	async request(method, path, options = {}) {
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.requestOnce(method, path, options);
			} catch (error) {
				const notReady =
					error instanceof N8nRestError &&
					error.status === 503 &&
					/database is not ready/i.test(error.message);
				if (!notReady || method !== 'GET' || attempt >= 60) throw error;
				await sleep(1000);
			}
		}
	}

	async requestOnce(
		method,
		path,
		{ body, headers = {}, auth = 'cookie', raw = false, expect } = {},
	) {
		const h = { accept: 'application/json', ...headers };
		if (body !== undefined && typeof body !== 'string') h['content-type'] = 'application/json';
		if (auth === 'cookie' && this.cookie) h.cookie = this.cookie;
		if (auth === 'apiKey' && this.apiKey) h['x-n8n-api-key'] = this.apiKey;
		const url = /^https?:/.test(path) ? path : this.baseUrl + path;
		const res = await fetch(url, {
			method,
			headers: h,
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const setCookie =
			typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
		for (const c of setCookie) {
			const m = c.match(/^(n8n-auth=[^;]*)/);
			if (m) this.cookie = m[1];
		}
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (raw) return { status: res.status, headers: res.headers, text, json };
		const ok = expect ? [].concat(expect).includes(res.status) : res.ok;
		if (!ok) {
			const msg =
				(json && (json.message || (json.error && json.error.message))) || text.slice(0, 300);
			throw new N8nRestError(`${method} ${path} → ${res.status}: ${msg}`, {
				status: res.status,
				body: json ?? text,
				method,
				path,
			});
		}
		return json;
	}

	/** Create the owner on a fresh instance, or log in if it exists. */
	async ensureOwner({
		email = 'owner@example.com',
		password = 'E2e-Passw0rd!',
		firstName = 'E2E',
		lastName = 'Owner',
	} = {}) {
		this.owner = { email, password };
		const r = await this.request('POST', '/rest/owner/setup', {
			body: { email, firstName, lastName, password },
			raw: true,
		});
		if (r.status === 200) {
			this.log(`[n8n-rest] owner ${email} created`);
			return r.json.data;
		}
		return this.login({ email, password });
	}

	async login({ email, password } = this.owner || {}) {
		const r = await this.request('POST', '/rest/login', {
			body: { emailOrLdapLoginId: email, password },
		});
		return r.data;
	}

	/** Create a public-API key (all listed scopes) and use it for `auth: 'apiKey'` requests. */
	async createApiKey({ label = `e2e-${Date.now()}`, scopes } = {}) {
		if (!scopes) scopes = (await this.request('GET', '/rest/api-keys/scopes')).data;
		const r = await this.request('POST', '/rest/api-keys', {
			body: { label, scopes, expiresAt: null },
		});
		this.apiKey = r.data.rawApiKey;
		return this.apiKey;
	}

	async nodeTypes() {
		return this.request('GET', '/types/nodes.json');
	}

	async credentialTypes() {
		return this.request('GET', '/types/credentials.json');
	}

	async createCredential({ name, type, data }) {
		return (await this.request('POST', '/rest/credentials', { body: { name, type, data } })).data;
	}

	async createWorkflow(workflow) {
		const { id, active, ...rest } = workflow;
		return (await this.request('POST', '/rest/workflows', { body: rest })).data;
	}

	async getWorkflow(id) {
		return (await this.request('GET', `/rest/workflows/${encodeURIComponent(id)}`)).data;
	}

	async publicationStatus(id) {
		return (
			await this.request('GET', `/rest/workflows/${encodeURIComponent(id)}/publication-status`)
		).data;
	}

	/** Wait until all triggers of a published workflow are registered (webhooks callable). */
	async waitForPublished(id, { timeoutMs = 60000, intervalMs = 500 } = {}) {
		const t0 = Date.now();
		let last;
		for (;;) {
			last = await this.publicationStatus(id);
			const errors = (last.triggers || []).filter((t) => t.errorMessage);
			if (errors.length)
				throw new N8nRestError(
					`workflow ${id} trigger activation failed: ${errors.map((e) => `${e.nodeId}: ${e.errorMessage}`).join('; ')}`,
				);
			if (
				last.status === 'published' &&
				(last.triggers || []).length &&
				last.triggers.every((t) => t.status === 'activated')
			)
				return last;
			if (Date.now() - t0 > timeoutMs)
				throw new N8nRestError(
					`workflow ${id} not published after ${timeoutMs} ms: ${JSON.stringify(last)}`,
				);
			await sleep(intervalMs);
		}
	}

	/** Publish (activate) the current version of a workflow and wait until its triggers are live. */
	async publishWorkflow(id, { wait = true, timeoutMs } = {}) {
		const wf = await this.getWorkflow(id);
		await this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/activate`, {
			body: { versionId: wf.versionId },
		});
		return wait ? this.waitForPublished(id, { timeoutMs }) : undefined;
	}

	/** Call a production webhook: POST {base}/webhook/<path>. Returns { status, json, text }. */
	async callWebhook(path, body, { method = 'POST', headers } = {}) {
		return this.request(method, `/webhook/${path.replace(/^\/+/, '')}`, {
			body,
			headers,
			auth: 'none',
			raw: true,
		});
	}

	/** Manual run of a workflow from a trigger node (e.g. Manual Trigger 'Start'). Returns the execution id. */
	async runWorkflow(id, triggerName) {
		const r = await this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/run`, {
			body: { triggerToStartFrom: { name: triggerName } },
		});
		return r.data.executionId;
	}

	/** Newest first. */
	async listExecutions({ workflowId, status, limit = 50 } = {}) {
		const filter = {};
		if (workflowId) filter.workflowId = workflowId;
		if (status) filter.status = [].concat(status);
		const q = `?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=${limit}`;
		return (await this.request('GET', `/rest/executions${q}`)).data.results;
	}

	/** Full execution incl. decoded `data` (IRunExecutionData). */
	async getExecution(id) {
		const e = (await this.request('GET', `/rest/executions/${encodeURIComponent(id)}`)).data;
		if (e && typeof e.data === 'string') e.data = parseFlatted(e.data);
		return e;
	}

	/** Same via the public API (needs createApiKey() first). */
	async getExecutionPublic(id) {
		return this.request('GET', `/api/v1/executions/${encodeURIComponent(id)}?includeData=true`, {
			auth: 'apiKey',
		});
	}

	/**
	 * Poll an execution until `until(execution)` is true (default: status not new/running).
	 * Statuses in 2.41: new, running, waiting, success, error, canceled, crashed.
	 */
	async waitForExecution(id, { until, timeoutMs = 120000, intervalMs = 500 } = {}) {
		const done = until || ((e) => !['new', 'running'].includes(e.status));
		const t0 = Date.now();
		for (;;) {
			const e = await this.getExecution(id).catch((err) =>
				err.status === 404 ? null : Promise.reject(err),
			);
			if (e && done(e)) return e;
			if (Date.now() - t0 > timeoutMs)
				throw new N8nRestError(
					`execution ${id} not done after ${timeoutMs} ms (status ${e && e.status})`,
				);
			await sleep(intervalMs);
		}
	}

	/** Wait for the first execution of a workflow to appear (e.g. after a webhook call). */
	async waitForNewExecution(
		workflowId,
		{ afterIds = [], timeoutMs = 60000, intervalMs = 300 } = {},
	) {
		const t0 = Date.now();
		for (;;) {
			const list = await this.listExecutions({ workflowId });
			const fresh = list.find((e) => !afterIds.includes(e.id));
			if (fresh) return fresh;
			if (Date.now() - t0 > timeoutMs)
				throw new N8nRestError(`no new execution of workflow ${workflowId} after ${timeoutMs} ms`);
			await sleep(intervalMs);
		}
	}

	/** POST to a waiting execution's resume URL (from resumeUrlOf()). */
	async resume(resumeUrl, body, { method = 'POST', headers } = {}) {
		return this.request(method, resumeUrl, { body, headers, auth: 'none', raw: true });
	}
}

/** Output items of a node's run: runData[node][run].data.main[output] → [{json, binary?, pairedItem}]. */
function nodeOutput(execution, nodeName, { run = -1, output = 0 } = {}) {
	const runs =
		execution &&
		execution.data &&
		execution.data.resultData &&
		execution.data.resultData.runData[nodeName];
	if (!runs || !runs.length) return undefined;
	const r = runs[run < 0 ? runs.length + run : run];
	return r && r.data && r.data.main && r.data.main[output];
}

/** Resume URL of a waiting execution (from the waiting node's run metadata, else built from resumeToken). */
function resumeUrlOf(execution, baseWebhookUrl) {
	const rd = execution.data && execution.data.resultData;
	const last = rd && rd.lastNodeExecuted;
	const runs = last && rd.runData[last];
	const meta = runs && runs.length && runs[runs.length - 1].metadata;
	if (meta && meta.resumeUrl) return meta.resumeUrl;
	if (execution.data && execution.data.resumeToken && baseWebhookUrl) {
		return `${baseWebhookUrl.replace(/\/?$/, '/')}webhook-waiting/${execution.id}?signature=${execution.data.resumeToken}`;
	}
	return undefined;
}

module.exports = { N8nRest, N8nRestError, nodeOutput, resumeUrlOf, parseFlatted };
