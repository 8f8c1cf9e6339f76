'use strict';
/**
 * The example workflows (examples/*.json) and what the end-to-end test and `npm start` need to know about them:
 * fixed workflow and credential ids, the credential list to import, running the personalized-video workflow
 * through its production webhook, and reading its results table.
 *
 *   const ex = require('./scripts/lib/examples');
 *   await importCredentials({ userFolder, list: ex.credentialList({ heygen: { apiKey, baseUrl }, openai: { apiKey, url } }) });
 *   await importWorkflows({ userFolder, files: ex.exampleFiles() });
 *   const { execution } = await ex.runPersonalizedVideos(rest);     // publishes, calls the webhook, waits
 *   console.log(ex.formatTable(ex.resultRows(execution)));
 *
 * Plain CommonJS, no dependencies, Node >= 20.
 */
const fs = require('node:fs');
const path = require('node:path');
const { nodeOutput } = require('./n8n-rest');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** Credential ids and names referenced by every example workflow. */
const CREDENTIALS = {
	heygen: { id: 'heygenDemo000001', name: 'HeyGen account', type: 'heyGenTemplatesApi' },
	openai: { id: 'openaiDemo000001', name: 'OpenAI account', type: 'openAiApi' },
};

const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';

/** The examples: file, fixed workflow id, and the node names the checks read. */
const EXAMPLES = {
	birthday: { file: 'birthday-video.json', id: 'hgBirthdayVideo1', trigger: MANUAL_TRIGGER },
	personalized: {
		file: 'personalized-videos.json',
		id: 'hgPersonalized01',
		trigger: MANUAL_TRIGGER,
		webhookPath: 'heygen-personalized-videos',
		contactsNode: 'Contacts',
		openAiNode: 'Write script with OpenAI',
		resultsNode: 'Results table',
	},
	pollingLoop: { file: 'polling-loop.json', id: 'hgPollingLoop001', trigger: MANUAL_TRIGGER },
};
const GENERATE_NODE = 'HeyGen: Generate From Template';
const WAIT_NODE = 'HeyGen: Wait For Video';

function exampleFiles() {
	return Object.values(EXAMPLES).map((e) => path.join(EXAMPLES_DIR, e.file));
}

function readExample(key) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, EXAMPLES[key].file), 'utf8'));
}

/** `n8n import:credentials` list (plain data; n8n encrypts it). `openai` is optional. */
function credentialList({ heygen, openai }) {
	const list = [
		{
			...CREDENTIALS.heygen,
			data: { apiKey: heygen.apiKey, baseUrl: heygen.baseUrl },
		},
	];
	if (openai) {
		const data = { apiKey: openai.apiKey };
		if (openai.url) data.url = openai.url;
		list.push({ ...CREDENTIALS.openai, data });
	}
	return list;
}

const FINAL = ['success', 'error', 'crashed', 'canceled'];

/**
 * Publish the personalized-video workflow (if needed), start it through its production webhook, and wait until
 * the execution is final. HeyGen's callbacks resume it in between. Returns { executionId, execution, sawWaiting }.
 */
async function runPersonalizedVideos(rest, { timeoutMs = 240000, log = () => {}, body = {} } = {}) {
	const ex = EXAMPLES.personalized;
	const status = await rest.publicationStatus(ex.id).catch(() => null);
	if (!status || status.status !== 'published') {
		log('publishing the personalized-video workflow…');
		await rest.publishWorkflow(ex.id, { timeoutMs: 60000 });
	} else {
		await rest.waitForPublished(ex.id, { timeoutMs: 60000 });
	}
	const before = (await rest.listExecutions({ workflowId: ex.id })).map((e) => e.id);
	const r = await rest.callWebhook(ex.webhookPath, body);
	if (r.status !== 200)
		throw new Error(`webhook ${ex.webhookPath} → HTTP ${r.status}: ${r.text.slice(0, 300)}`);
	const first = await rest.waitForNewExecution(ex.id, { afterIds: before });
	log(`execution ${first.id} started`);
	let sawWaiting = false;
	const execution = await rest.waitForExecution(first.id, {
		timeoutMs,
		intervalMs: 400,
		until: (e) => {
			if (e.status === 'waiting' && !sawWaiting) {
				sawWaiting = true;
				log(`execution ${first.id} is waiting for HeyGen's callback`);
			}
			return FINAL.includes(e.status);
		},
	});
	return {
		executionId: first.id,
		execution: await withResults(rest, first.id, execution),
		sawWaiting,
	};
}

/**
 * The personalized-video execution once its results node has data. Seen with racing callbacks: the first read of
 * a just-finished execution lacked the last nodes' data, so it is read again briefly.
 */
async function withResults(rest, id, execution) {
	let final = execution;
	const { resultsNode } = EXAMPLES.personalized;
	for (let k = 0; final.status === 'success' && !nodeOutput(final, resultsNode) && k < 20; k++) {
		await new Promise((r) => setTimeout(r, 500));
		final = await rest.getExecution(id);
	}
	return final;
}

/** Manual run from the Manual Trigger (POST /rest/workflows/:id/run), waited until final. */
async function runManually(rest, key, { timeoutMs = 180000 } = {}) {
	const ex = EXAMPLES[key];
	const id = await rest.runWorkflow(ex.id, ex.trigger);
	const execution = await rest.waitForExecution(id, {
		timeoutMs,
		until: (e) => FINAL.includes(e.status),
	});
	return { executionId: id, execution };
}

/** Rows of the personalized workflow's results table (empty if the node did not run). */
function resultRows(execution) {
	return (nodeOutput(execution, EXAMPLES.personalized.resultsNode) || []).map((i) => i.json);
}

/** The first error of an execution as one line (for messages). */
function executionError(execution) {
	const rd = execution && execution.data && execution.data.resultData;
	const err = rd && rd.error;
	if (err)
		return `${rd.lastNodeExecuted || ''}: ${err.message}${err.description ? ` (${err.description})` : ''}`;
	return undefined;
}

/** Plain-text table (columns: contact, video ID, status, video URL, file, size). */
function formatTable(rows, { maxUrl = 60 } = {}) {
	const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
	const head = ['Contact', 'Video ID', 'Status', 'Video URL', 'Downloaded file', 'Size'];
	const body = rows.map((r) => [
		String(r.contact ?? ''),
		String(r.video_id ?? ''),
		String(r.status ?? ''),
		cut(String(r.video_url ?? ''), maxUrl),
		String(r.file_name ?? ''),
		r.file_bytes ? `${r.file_size} (${r.file_bytes} bytes)` : String(r.file_size ?? ''),
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
	const line = (cells) =>
		cells
			.map((c, i) => c.padEnd(widths[i]))
			.join('  ')
			.trimEnd();
	return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

module.exports = {
	REPO_ROOT,
	EXAMPLES_DIR,
	EXAMPLES,
	CREDENTIALS,
	GENERATE_NODE,
	WAIT_NODE,
	MANUAL_TRIGGER,
	exampleFiles,
	readExample,
	credentialList,
	runPersonalizedVideos,
	withResults,
	runManually,
	resultRows,
	executionError,
	formatTable,
};
