import type { INodeProperties } from 'n8n-workflow';

/** The "Options" collection a node keeps its optional settings in (read as the `options` parameter). */
export function optionsCollection(options: INodeProperties['options']): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}
