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
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["waitMode"] === "callback" ? "Resume on HeyGen callback" : "Poll up to " + $parameter["maxTimeInNode"] + " s" }}',
		description:
			'Waits for HeyGen videos to finish rendering and routes each item to Completed, Failed or Still Rendering',
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
