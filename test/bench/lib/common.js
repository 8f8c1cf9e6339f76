/**
 * Shared by the benchmark scripts: arguments, statistics, the result file run.js collects, workflow builders
 * and a per-node clock of the time spent inside execute() and webhook().
 */
const fs = require('node:fs');
const { PACKAGE } = require('../../harness/engine');

const GEN_TYPE = `${PACKAGE}.heyGenGenerateFromTemplate`;
const WAIT_TYPE = `${PACKAGE}.heyGenWaitForVideo`;
const CREDENTIALS = { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } };

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return fallback;
	const value = process.argv[i + 1];
	return typeof fallback === 'number' ? Number(value) : value;
}

/** `--quick` (or BENCH_QUICK=1): smaller batches, for trying the scripts out; the report says so. */
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value, digits = 2) =>
	Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes this script's result where run.js reads it (`--out FILE`) and prints it. A result is
 * `{ section, title, rows: [{ id, measure, value, unit?, beside?, target?, met?, note? }], details }`.
 */
function emit(result) {
	const out = arg('out', undefined);
	const text = JSON.stringify(result, null, 2);
	if (out) fs.writeFileSync(out, text);
	console.log(text);
}

/** Runs main(), printing a failure and exiting 1 on error; exits 0 otherwise (sandbox timers may linger). */
function main(fn) {
	fn().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

/** Total and per-call time spent inside a node type's execute() and webhook() (the node's worker time). */
function clockNode(harness, type) {
	const node = harness.nodeTypes.getByName(type);
	const clock = { executeMs: [], webhookMs: [] };
	for (const [method, list] of [
		['execute', clock.executeMs],
		['webhook', clock.webhookMs],
	]) {
		const original = node[method];
		if (typeof original !== 'function') continue;
		node[method] = async function (...args) {
			const started = performance.now();
			try {
				return await original.apply(this, args);
			} finally {
				list.push(performance.now() - started);
			}
		};
	}
	clock.totalMs = () => [...clock.executeMs, ...clock.webhookMs].reduce((a, b) => a + b, 0);
	return clock;
}

/** The v3 birthday template's Generate node, mapping `name` from the item. */
function generateNode(options = {}, name = 'Generate') {
	return {
		name,
		type: GEN_TYPE,
		credentials: CREDENTIALS,
		parameters: {
			apiVersion: 'auto',
			templateId: { __rl: true, mode: 'id', value: 'tpl_birthday' },
			variables: {
				mappingMode: 'defineBelow',
				value: { name: '={{ $json.name }}', message: 'Happy birthday!' },
				matchingColumns: [],
				schema: [
					{
						id: 'name',
						displayName: 'name (text)',
						type: 'string',
						required: false,
						display: true,
						defaultMatch: false,
					},
					{
						id: 'message',
						displayName: 'message (text)',
						type: 'string',
						required: false,
						display: true,
						defaultMatch: false,
					},
				],
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			options,
		},
	};
}

function waitNode(parameters = {}, name = 'Wait For Video') {
	return { name, type: WAIT_TYPE, credentials: CREDENTIALS, parameters };
}

const TRIGGER = { name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', parameters: {} };
const link = (node, index = 0) => ({ node, type: 'main', index });

const contacts = (n) =>
	Array.from({ length: n }, (_, i) => ({
		json: { name: `Contact ${i}`, email: `c${i}@example.com` },
	}));

/** Status reads the sandbox answered (both families, bulk and detail). */
function statusCalls(sb) {
	return sb.requests.filter(
		(r) =>
			r.server === 'api' &&
			(r.path === '/v3/videos/statuses' ||
				r.path === '/v1/video_status.get' ||
				/^\/v3\/videos\/[^/]+$/.test(r.path)),
	).length;
}

/** The same, split: bulk status calls (v3 statuses) and per-video reads (v3 detail, legacy status). */
function statusCallKinds(sb) {
	const calls = sb.requests.filter(
		(r) =>
			r.server === 'api' &&
			(r.path === '/v3/videos/statuses' ||
				r.path === '/v1/video_status.get' ||
				/^\/v3\/videos\/[^/]+$/.test(r.path)),
	);
	const bulk = calls.filter((r) => r.path === '/v3/videos/statuses').length;
	return { bulk, perVideo: calls.length - bulk };
}

module.exports = {
	arg,
	QUICK,
	median,
	percentile,
	round,
	sleep,
	emit,
	main,
	clockNode,
	generateNode,
	waitNode,
	TRIGGER,
	link,
	contacts,
	statusCalls,
	statusCallKinds,
	GEN_TYPE,
	WAIT_TYPE,
};
