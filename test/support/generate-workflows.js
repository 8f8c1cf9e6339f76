'use strict';
/**
 * Generate From Template as the editor stores it in a workflow (the template by ID, the variables defined below
 * with their resource mapper schema), behind a Manual Trigger. Shared by the engine, fault and trust suites; the
 * queue-mode and browser suites take the variables as the editor stores them from here too.
 */
const PACKAGE = require('../../package.json').name;

const GEN = `${PACKAGE}.heyGenGenerateFromTemplate`;

/** One text variable of the resource mapper schema. */
function textField(id, defaultValue) {
	return {
		id,
		displayName: `${id} (text)`,
		type: 'string',
		required: false,
		display: true,
		defaultMatch: false,
		...(defaultValue === undefined ? {} : { defaultValue }),
	};
}

/** Variables defined below for `values`, as n8n's editor stores them (one text field per variable). */
function editorVariables(values) {
	return {
		mappingMode: 'defineBelow',
		value: values,
		matchingColumns: [],
		schema: Object.keys(values).map((id) => ({
			id,
			displayName: `${id} (text)`,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
			removed: false,
		})),
		attemptToConvertTypes: false,
		convertFieldsToString: false,
	};
}

/** The sandbox templates' schemas as the editor stores them. */
const SCHEMA = {
	tpl_birthday: [textField('name', 'Friend'), textField('message', 'Happy birthday!')],
	tpl_legacy_promo: [textField('title_text')],
};

/**
 * The node: `locator` replaces the by-ID template locator, `mappingMode` 'autoMapInputData' maps automatically
 * (with `values` null).
 * @param {Record<string, any>} settings
 * @returns {Record<string, any>}
 */
function generateNode({
	templateId,
	locator = { __rl: true, mode: 'id', value: templateId },
	values,
	mappingMode = 'defineBelow',
	schema = SCHEMA[templateId] ?? [],
	options = {},
	apiVersion = 'auto',
	onError,
}) {
	return {
		name: 'Generate',
		type: GEN,
		credentials: { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } },
		parameters: {
			apiVersion,
			templateId: locator,
			variables: {
				mappingMode,
				value: values,
				matchingColumns: [],
				schema,
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			options,
		},
		...(onError ? { onError } : {}),
	};
}

const link = (node) => [{ node, type: 'main', index: 0 }];

/**
 * Trigger → Generate (`generate`: generateNode's settings) → one No Op per name in `outputs`, by output.
 * @param {Record<string, any>} generate
 * @param {string[]} [outputs]
 * @returns {{ nodes: Array<Record<string, any>>, connections: Record<string, any> }}
 */
function generateWorkflow(generate, outputs = []) {
	return {
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
			generateNode(generate),
			...outputs.map((name) => ({ name, type: 'n8n-nodes-base.noOp' })),
		],
		connections: {
			Trigger: { main: [link('Generate')] },
			...(outputs.length ? { Generate: { main: outputs.map(link) } } : {}),
		},
	};
}

/**
 * The fault and Retry On Fail tests' workflow: `extra.after` adds Good / Failed behind Generate's outputs.
 * @param {string} templateId
 * @param {Record<string, any>} values
 * @param {Record<string, any>} [extra]
 */
function workflow(templateId, values, extra = {}) {
	return generateWorkflow(
		{ templateId, values, options: extra.options ?? {}, onError: extra.onError },
		extra.after ? ['Good', 'Failed'] : [],
	);
}

module.exports = { textField, editorVariables, SCHEMA, generateNode, generateWorkflow, workflow };
