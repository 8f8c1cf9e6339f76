import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { listSearch, loadOptions, resourceMapping } from './methods';
import { properties } from './description';
import { execute } from './execute';

export class HeyGenGenerateFromTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Generate From Template',
		name: 'heyGenGenerateFromTemplate',
		icon: {
			light: 'file:../../icons/heygen-generate.svg',
			dark: 'file:../../icons/heygen-generate.dark.svg',
		},
		group: ['transform'],
		version: 1,
		// Used verbatim by the editor's Docs link; the codex link gets a tracking query appended after its #anchor.
		documentationUrl:
			'https://github.com/heygen-templates/n8n-nodes-heygen-templates#heygen-generate-from-template',
		// $parameter hands a resource locator over as its plain value (the template ID); its toJSON() is the stored
		// object, whose cachedResultName is the name picked from the list (By ID / By URL have none: show the ID).
		subtitle:
			'={{ $parameter.toJSON().templateId?.cachedResultName || $parameter["templateId"] || "Choose a template" }}',
		// Also the default tool description when an AI agent uses the node: it must say the video is not ready yet.
		description:
			'Start a personalised video from a HeyGen template. Returns the video ID at once; the video is ready minutes later.',
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
