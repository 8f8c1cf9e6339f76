'use strict';
/**
 * The workflows the browser test imports before n8n starts:
 * - "start": a Manual Trigger with one pinned contact; the test builds the rest in the editor, as a user does.
 * - "outcomes": three contacts → Generate (Birthday Greeting) → Wait For Video (poll, 20 s), where the sandbox's
 *   magic texts make one render fail and one never finish, so every output of Wait For Video gets an item.
 */
const { editorVariables } = require('../../support/generate-workflows');

const CREDENTIAL = { id: 'heygenUiCred0001', name: 'HeyGen account', type: 'heyGenTemplatesApi' };
const PKG = 'n8n-nodes-heygen-templates';
const TRIGGER = 'When clicking ‘Execute workflow’';

const CONTACT = { first_name: 'Ada', company: 'Analytical Engines Ltd', email: 'ada@example.com' };

function trigger(position = [0, 0]) {
	return {
		parameters: {},
		id: 'a1d0c7e2-5b8f-4c61-9d2e-000000000001',
		name: TRIGGER,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position,
	};
}

function startWorkflow() {
	return {
		id: 'hgUiStart0000001',
		name: 'HeyGen personalised intro',
		nodes: [trigger()],
		connections: {},
		pinData: { [TRIGGER]: [{ json: CONTACT }] },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const OUTCOME_CONTACTS = [
	{ name: 'Ada', message: 'Happy birthday, Ada!' },
	{ name: 'Grace', message: 'This one fails: [[sandbox:fail]]' },
	{ name: 'Alan', message: 'This one keeps rendering: [[sandbox:stuck]]' },
];

function outcomesWorkflow() {
	const credentials = { heyGenTemplatesApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };
	return {
		id: 'hgUiOutcomes0001',
		name: 'HeyGen outcomes',
		nodes: [
			trigger(),
			{
				parameters: {
					apiVersion: 'auto',
					templateId: {
						__rl: true,
						value: 'tpl_birthday',
						mode: 'list',
						cachedResultName: 'Birthday Greeting (landscape)',
						cachedResultUrl: 'https://app.heygen.com/templates/tpl_birthday',
					},
					variables: editorVariables({
						name: '={{ $json.name }}',
						message: '={{ $json.message }}',
					}),
					options: {},
				},
				id: 'a1d0c7e2-5b8f-4c61-9d2e-000000000002',
				name: 'HeyGen Generate From Template',
				type: `${PKG}.heyGenGenerateFromTemplate`,
				typeVersion: 1,
				position: [240, 0],
				credentials,
			},
			{
				parameters: { maxTimeInNode: 20 },
				id: 'a1d0c7e2-5b8f-4c61-9d2e-000000000003',
				name: 'HeyGen Wait For Video',
				type: `${PKG}.heyGenWaitForVideo`,
				typeVersion: 1,
				position: [480, 0],
				credentials,
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'HeyGen Generate From Template', type: 'main', index: 0 }]] },
			'HeyGen Generate From Template': {
				main: [[{ node: 'HeyGen Wait For Video', type: 'main', index: 0 }]],
			},
		},
		pinData: { [TRIGGER]: OUTCOME_CONTACTS.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

module.exports = {
	CREDENTIAL,
	CONTACT,
	OUTCOME_CONTACTS,
	TRIGGER,
	startWorkflow,
	outcomesWorkflow,
};
