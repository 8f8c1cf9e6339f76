import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { properties } from './description';
import { execute } from './execute';
import { webhook } from './webhook';
import { OUTPUT_NAMES } from './outputs';

export class HeyGenWaitForVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Wait For Video',
		name: 'heyGenWaitForVideo',
		icon: {
			light: 'file:../../icons/heygen-wait.svg',
			dark: 'file:../../icons/heygen-wait.dark.svg',
		},
		group: ['transform'],
		version: 1,
		// Used verbatim by the editor's Docs link; the codex link gets a tracking query appended after its #anchor.
		documentationUrl:
			'https://github.com/heygen-templates/n8n-nodes-heygen-templates#heygen-wait-for-video',
		subtitle:
			'={{ $parameter["waitMode"] === "callback" ? "Resume on HeyGen callback" : "Poll up to " + $parameter["maxTimeInNode"] + " s" }}',
		description:
			'Wait for HeyGen videos to finish, then route each to Completed, Failed or Still Rendering',
		defaults: { name: 'HeyGen Wait For Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: OUTPUT_NAMES,
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// $execution.resumeUrl lands here when HeyGen calls back (callback mode); path '' = no suffix.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		properties,
	};

	// The resume webhook belongs to one waiting execution: n8n registers nothing for it, so these are no-ops.
	webhookMethods = {
		default: {
			async checkExists(): Promise<boolean> {
				return true;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await webhook.call(this);
	}
}
