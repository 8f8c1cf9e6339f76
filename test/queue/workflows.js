'use strict';
/**
 * Workflows for the queue-mode suite, built here so each scenario gets its own id and webhook path.
 * Each starts with a production Webhook (so n8n enqueues the execution for a worker), splits `body.contacts`
 * into items, renders one video per contact from the sandbox's birthday template and waits for it.
 */
const crypto = require('node:crypto');

const { editorVariables } = require('../support/generate-workflows');

const PKG = 'n8n-nodes-heygen-templates';
const CREDENTIAL = { heyGenTemplatesApi: { id: 'heygenDemo000001', name: 'HeyGen account' } };
const uuid = () => crypto.randomUUID();

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: uuid(), name, type, typeVersion, position, parameters, ...extra };
}

function generateNode({ callback }) {
	return node(
		'Generate',
		`${PKG}.heyGenGenerateFromTemplate`,
		1,
		[440, 0],
		{
			apiVersion: 'auto',
			templateId: { __rl: true, value: 'tpl_birthday', mode: 'id' },
			variables: editorVariables({
				name: '={{ $json.name }}',
				message: '={{ "Hello " + $json.name }}',
			}),
			options: {
				title: '={{ "queue video for " + $json.email }}',
				callbackId: '={{ $json.email }}',
				...(callback ? { resumeOnCallback: true } : {}),
			},
		},
		{ credentials: CREDENTIAL },
	);
}

/** A production Webhook (n8n enqueues the execution for a worker) and the split of `body.contacts` into items. */
function intakeNodes(path) {
	return [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2,
			[0, 0],
			{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			{ webhookId: uuid() },
		),
		node('Contacts', 'n8n-nodes-base.splitOut', 1, [220, 0], {
			fieldToSplitOut: 'body.contacts',
			options: {},
		}),
	];
}

const noop = (name, y) => node(name, 'n8n-nodes-base.noOp', 1, [1100, y], {});
const link = (to, index = 0) => ({ node: to, type: 'main', index });

/** Webhook → Split Out contacts → Generate (callback URL) → Wait For Video (callback mode) → Completed/Failed/Still. */
function callbackWorkflow({ id, path, download }) {
	return {
		id,
		name: `queue: callback ${path}`,
		nodes: [
			...intakeNodes(path),
			generateNode({ callback: true }),
			node(
				'Wait For Video',
				`${PKG}.heyGenWaitForVideo`,
				1,
				[660, 0],
				{
					videoId: '={{ $json.video_id }}',
					apiVersion: 'auto',
					waitMode: 'callback',
					maxWaitMinutes: 30,
					downloadVideo: download,
					options: {},
				},
				{ credentials: CREDENTIAL, webhookId: uuid() },
			),
			noop('Completed', -160),
			noop('Failed', 0),
			noop('Still Rendering', 160),
		],
		connections: {
			Webhook: { main: [[link('Contacts')]] },
			Contacts: { main: [[link('Generate')]] },
			Generate: { main: [[link('Wait For Video')]] },
			'Wait For Video': {
				main: [[link('Completed')], [link('Failed')], [link('Still Rendering')]],
			},
		},
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook → Split Out → Generate → Poll (short) → Still Rendering → Wait (≥ 65 s, parks in the DB) → Poll. */
function pollingLoopWorkflow({ id, path, waitSeconds = 65 }) {
	return {
		id,
		name: `queue: polling loop ${path}`,
		nodes: [
			...intakeNodes(path),
			generateNode({ callback: false }),
			node(
				'Poll',
				`${PKG}.heyGenWaitForVideo`,
				1,
				[660, 0],
				{
					videoId: '={{ $json.video_id }}',
					apiVersion: 'auto',
					waitMode: 'poll',
					maxTimeInNode: 3,
					options: { initialInterval: 1, maxInterval: 2 },
				},
				{ credentials: CREDENTIAL },
			),
			node(
				'Wait',
				'n8n-nodes-base.wait',
				1.1,
				[880, 200],
				{ amount: waitSeconds, unit: 'seconds' },
				{ webhookId: uuid() },
			),
			noop('Completed', -160),
			noop('Failed', 0),
		],
		connections: {
			Webhook: { main: [[link('Contacts')]] },
			Contacts: { main: [[link('Generate')]] },
			Generate: { main: [[link('Poll')]] },
			Poll: { main: [[link('Completed')], [link('Failed')], [link('Wait')]] },
			Wait: { main: [[link('Poll')]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

/** n contacts with unique e-mails (the callback id and title carry the e-mail: one video per contact). */
function contacts(prefix, n) {
	return Array.from({ length: n }, (_, k) => ({
		name: `${prefix} ${k + 1}`,
		email: `${prefix}-${k + 1}@example.com`,
	}));
}

module.exports = { callbackWorkflow, pollingLoopWorkflow, contacts };
