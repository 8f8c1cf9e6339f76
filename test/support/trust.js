/**
 * Shared by the trust suites (fault-matrix, campaign, hostile-input): Generate workflows, outcome classes
 * read from a finished run, a key-leak scan, and the one summary line each suite prints.
 */
const fs = require('node:fs');
const path = require('node:path');
const { generateWorkflow: buildGenerateWorkflow, SCHEMA } = require('./generate-workflows');

/** Trigger → Generate (continue on fail: item errors stay on the item) → Out. */
function generateWorkflow({
	templateId = 'tpl_birthday',
	options = {},
	onError = 'continueRegularOutput',
	apiVersion = 'auto',
	values = templateId === 'tpl_legacy_promo'
		? { title_text: '={{ $json.name }}' }
		: { name: '={{ $json.name }}', message: '={{ $json.message }}' },
	schema = templateId === 'tpl_legacy_promo' ? SCHEMA.tpl_legacy_promo : SCHEMA.tpl_birthday,
} = {}) {
	return {
		id: 'wf-trust',
		...buildGenerateWorkflow({ templateId, values, schema, options, apiVersion, onError }, ['Out']),
	};
}

/**
 * The outcome class of each item of a node's last run: 'ok', 'error' (an item-attributed error), by input index.
 * `outputs` maps output index → class ('ok' for Completed, 'error' for Failed, 'rendering' for Still Rendering).
 */
function itemOutcomes(result, nodeName, outputs = ['ok']) {
	const found = [];
	const runOutputs = result.outputs(nodeName) ?? [];
	runOutputs.forEach((items, index) => {
		for (const item of items) {
			const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
			const cls =
				item.json?.error && outputs[index] === 'ok'
					? 'error'
					: (outputs[index] ?? `output${index}`);
			found.push({ item: paired?.item, cls, json: item.json });
		}
	});
	return found.sort((a, b) => a.item - b.item);
}

/** Every place the key could surface: outputs, errors, logs, requests to anything but the API. */
function keyLeaks(apiKey, { result, logs = [], sb }) {
	const leaks = [];
	const scan = (label, value) => {
		let text;
		try {
			text = typeof value === 'string' ? value : JSON.stringify(value);
		} catch {
			text = String(value);
		}
		if (text && text.includes(apiKey)) leaks.push(label);
	};
	if (result) {
		scan('run data', result.run.data.resultData.runData);
		scan(
			'execution error',
			result.run.data.resultData.error
				? {
						m: result.run.data.resultData.error.message,
						d: result.run.data.resultData.error.description,
						s: result.run.data.resultData.error.stack,
					}
				: null,
		);
	}
	for (const line of logs) scan('log', line);
	if (sb) {
		for (const request of sb.requests)
			if (request.server !== 'api') scan(`${request.server} request`, request);
		for (const delivery of sb.callbacks ?? []) scan('callback delivery', delivery);
	}
	return leaks;
}

/** Writes the suite's summary line where the jest reporter prints it (and to the console when run alone). */
function reportSummary(line) {
	const dir = process.env.HEYGEN_SUITE_SUMMARIES;
	if (dir) fs.writeFileSync(path.join(dir, `${line.split(':')[0]}.txt`), `${line}\n`);
	else process.stdout.write(`${line}\n`);
}

/** The campaign's seed and size: fixed by default so it never flakes, overridable from the environment. */
function campaignSettings() {
	return {
		seed: Number(process.env.CAMPAIGN_SEED ?? 20261130),
		runs: Number(process.env.CAMPAIGN_RUNS ?? 80),
	};
}

/** Collects unhandled rejections and uncaught exceptions into `list`; returns the function that stops it. */
function collectUncaught(list) {
	const collect = (error) => list.push(error);
	process.on('unhandledRejection', collect);
	process.on('uncaughtException', collect);
	return () => {
		process.off('unhandledRejection', collect);
		process.off('uncaughtException', collect);
	};
}

module.exports = {
	campaignSettings,
	collectUncaught,
	generateWorkflow,
	itemOutcomes,
	keyLeaks,
	reportSummary,
};
