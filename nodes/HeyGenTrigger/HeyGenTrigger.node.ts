import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { handleDelivery } from './delivery';
import { properties } from './description';
import { checkExists, create, remove, WEBHOOK_NAME } from './registration';

export class HeyGenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Trigger',
		name: 'heyGenTrigger',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when a HeyGen video finishes or fails (signed webhook, registered automatically)',
		defaults: { name: 'HeyGen Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// n8n answers HeyGen's OPTIONS probe of this URL itself (204), before any node code runs.
		webhooks: [
			{
				name: WEBHOOK_NAME,
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		eventTriggerDescription: 'Waiting for HeyGen to call the test URL',
		activationMessage: 'HeyGen now calls this workflow when a selected video event happens.',
		properties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleDelivery.call(this);
	}
}
