/**
 * n8n's waiting-webhook endpoint in front of the engine harness, over real HTTP: the sandbox POSTs HeyGen's
 * callbacks to `${baseUrl}/<executionId>?signature=…` ($execution.resumeUrl). Modelled on n8n 2.41.1
 * (dist/webhooks/waiting-webhooks.js, webhook-helpers.js, workflow-runner.js):
 * - every request runs the waiting node's webhook() on the execution as it parked (harness.resumeWithWebhook:
 *   nothing webhook() writes survives while the execution keeps waiting);
 * - 409 while the execution runs, and once it has finished; n8n marks it running only after a webhook()
 *   returned workflowData (setRunning is unconditional), so two requests deciding to resume at the same time
 *   both resume: `resumes` counts them;
 * - the answer leaves as soon as webhook() answers through the response object, or when it returns.
 */
const http = require('node:http');

class WaitingWebhookServer {
	constructor(harness) {
		this.harness = harness;
		this.executions = new Map();
		/** One entry per request: { executionId, statusCode, answerMs } */
		this.answers = [];
		this.listeners = new Set();
	}

	async start() {
		this.server = http.createServer((req, res) => this.handle(req, res));
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${this.server.address().port}/webhook-waiting`;
		this.harness.webhookWaitingBaseUrl = this.baseUrl;
		return this;
	}

	/** Serve a parked execution (a harness RunResult with status 'waiting'). */
	register(result) {
		const entry = { result, status: 'waiting', resumes: 0, finished: undefined, errors: [] };
		this.executions.set(result.executionId, entry);
		return entry;
	}

	/** Resolves with the entry once its execution finished (or rejects after `timeoutMs`). */
	async finished(executionId, timeoutMs = 600_000) {
		const entry = this.executions.get(executionId);
		if (entry.status === 'finished') return entry;
		return await new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`execution ${executionId} did not finish`)),
				timeoutMs,
			);
			const check = () => {
				if (entry.status !== 'finished') return;
				clearTimeout(timer);
				this.listeners.delete(check);
				resolve(entry);
			};
			this.listeners.add(check);
		});
	}

	changed() {
		for (const listener of [...this.listeners]) listener();
	}

	handle(req, res) {
		const started = Date.now();
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const executionId = decodeURIComponent(
				new URL(req.url, 'http://x').pathname.split('/').pop(),
			);
			const entry = this.executions.get(executionId);
			let sent = false;
			const send = (statusCode, body) => {
				if (sent) return;
				sent = true;
				this.answers.push({ executionId, statusCode, answerMs: Date.now() - started });
				res.writeHead(statusCode, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body ?? {}));
			};
			if (!entry) return send(404, { message: 'The execution does not exist' });
			if (entry.status !== 'waiting')
				return send(409, { message: `The execution is ${entry.status}` });
			try {
				const rawBody = Buffer.concat(chunks).toString('utf8');
				const { webhookResponse, result } = await this.harness.resumeWithWebhook(entry.result, {
					url: `${this.baseUrl.replace(/\/webhook-waiting$/, '')}${req.url}`,
					body: rawBody === '' ? {} : rawBody,
					headers: req.headers,
					onAnswer: (response) => send(response.statusCode, response.body),
					onResume: () => {
						entry.resumes++;
						entry.status = 'running';
					},
				});
				if (result) {
					entry.finished = result;
					entry.status = 'finished';
					this.changed();
				}
				send(
					webhookResponse.statusCode ?? 200,
					webhookResponse.webhookResponse ?? { message: 'Webhook call received' },
				);
			} catch (error) {
				entry.errors.push(error);
				send(500, { message: error.message });
			}
		});
	}

	async close() {
		await new Promise((resolve) => this.server.close(resolve));
	}
}

module.exports = { WaitingWebhookServer };
