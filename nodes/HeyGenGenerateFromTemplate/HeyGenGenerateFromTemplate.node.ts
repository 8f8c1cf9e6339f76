import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { listSearch, loadOptions, resourceMapping } from './methods';
import { properties } from './description';
import { execute } from './execute';

export class HeyGenGenerateFromTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Generate From Template',
		name: 'heyGenGenerateFromTemplate',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['transform'],
		version: 1,
		// $parameter hands a resource locator over as its plain value (the template ID), not the stored object.
		subtitle: '={{"Template: " + ($parameter["templateId"] || "")}}',
		// Also the default tool description when an AI agent uses the node: it must say the video is not ready yet.
		description:
			"Start rendering a personalised HeyGen video from a template, with values for the template's variables. Returns the video ID at once; the video is ready minutes later (HeyGen Wait For Video waits for it).",
		defaults: { name: 'HeyGen Generate From Template' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties,
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute.call(this);
	}
}
