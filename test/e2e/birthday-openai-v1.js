'use strict';
/**
 * The birthday example with n8n's OpenAI node v1.8 ("Message a Model", Output Content as JSON, Simplify Output
 * on) writing the greeting, and Generate on Map Automatically: the item Generate gets is the OpenAI node's own
 * `{ index, message: { role, content: { name, message } }, … }`, whose `message` wrapper shares its name with
 * the template's `message` variable. Derived from examples/birthday-video.json at run time so it follows the
 * example.
 */
const fs = require('node:fs');
const path = require('node:path');

const ID = 'hgBirthdayOpenAiV1';
const OPENAI_NODE = 'Write greeting with OpenAI v1.8';

function birthdayWithOpenAiV1({ example, credential, generateNode }) {
	const wf = JSON.parse(JSON.stringify(example));
	wf.id = ID;
	wf.name = 'HeyGen: birthday video (OpenAI node v1.8)';
	const person = wf.nodes.find((n) => n.name === 'Birthday person');
	const generate = wf.nodes.find((n) => n.name === generateNode);
	wf.nodes.push({
		parameters: {
			resource: 'text',
			operation: 'message',
			modelId: { __rl: true, mode: 'list', value: 'gpt-4o-mini', cachedResultName: 'GPT-4O-MINI' },
			messages: {
				values: [
					{
						role: 'user',
						content:
							'=Write a short, warm birthday video greeting for {{ $json.name }}.\nName: {{ $json.name }}\nAnswer with a JSON object only.\nKeys: name, message',
					},
				],
			},
			simplify: true,
			jsonOutput: true,
			options: {},
		},
		id: '0a8e0001-0000-4000-8000-0a8e00010001',
		name: OPENAI_NODE,
		type: '@n8n/n8n-nodes-langchain.openAi',
		typeVersion: 1.8,
		position: [person.position[0] + 110, person.position[1] + 200],
		credentials: { openAiApi: { id: credential.id, name: credential.name } },
	});
	wf.connections['Birthday person'] = { main: [[{ node: OPENAI_NODE, type: 'main', index: 0 }]] };
	wf.connections[OPENAI_NODE] = { main: [[{ node: generateNode, type: 'main', index: 0 }]] };
	generate.parameters.variables = {
		...generate.parameters.variables,
		mappingMode: 'autoMapInputData',
		value: null,
	};
	generate.parameters.options = {
		...generate.parameters.options,
		title:
			"={{ 'Birthday video for ' + ($('Birthday person').isExecuted ? $('Birthday person').item.json.name : '') }}",
	};
	return wf;
}

/** Writes the workflow next to the e2e's other temporary files; returns its path. */
function writeBirthdayWithOpenAiV1(dir, options) {
	const file = path.join(dir, 'birthday-openai-v1.json');
	fs.writeFileSync(file, JSON.stringify(birthdayWithOpenAiV1(options)));
	return file;
}

module.exports = { ID, OPENAI_NODE, birthdayWithOpenAiV1, writeBirthdayWithOpenAiV1 };
