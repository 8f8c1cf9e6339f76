import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { optionsCollection } from '../shared/description';
import { EVENT_OPTIONS } from './events';

/** Auto, V3 or Legacy (V1): what Auto does is said by `auto`. */
function apiFamilyOptions(auto: string): INodePropertyOptions[] {
	return [
		{ name: 'Auto (V3, Then Legacy)', value: 'auto', description: auto },
		{ name: 'V3', value: 'v3' },
		{ name: 'Legacy (V1)', value: 'legacy' },
	];
}

export const properties: INodeProperties[] = [
	{
		displayName:
			"HeyGen calls this workflow once per finished or failed video. Publishing the workflow registers its URL at HeyGen; unpublishing removes it. Every delivery must carry HeyGen's signature, and HeyGen's retries of one event start one execution. To find the row a video belongs to, put your row ID in the Callback ID option of HeyGen Generate From Template: it comes back here as <code>callback_id</code>.",
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: EVENT_OPTIONS,
		default: ['avatar_video.success', 'avatar_video.fail'],
		description: 'The HeyGen events that start this workflow',
	},
	{
		displayName: 'Fetch Video Details',
		name: 'fetchDetails',
		type: 'boolean',
		default: true,
		description:
			'Whether to confirm each video event with one status read from HeyGen, adding freshly signed links (video, captioned video, captions, thumbnail, GIF), title, duration and times, as HeyGen Wait For Video outputs them',
	},
	optionsCollection([
		{
			displayName: 'Callback ID Prefix',
			name: 'callbackIdPrefix',
			type: 'string',
			default: '',
			placeholder: 'e.g. crm-',
			description:
				'Start only for videos whose callback ID begins with this text (several prefixes: separate them with commas). Lets many workflows share one HeyGen account: each reacts to its own videos.',
		},
		{
			displayName: 'Status API',
			name: 'statusApi',
			type: 'options',
			default: 'auto',
			options: apiFamilyOptions('Read v3 first; videos v3 does not know from the legacy v1 status'),
			description: 'Where Fetch Video Details reads the status',
		},
		{
			displayName: 'Webhook API',
			name: 'webhookApi',
			type: 'options',
			default: 'auto',
			options: apiFamilyOptions(
				'Register with v3; with the legacy v1 API when v3 has no webhook endpoints',
			),
			description: 'Which HeyGen API registers the webhook endpoint',
		},
	]),
];
