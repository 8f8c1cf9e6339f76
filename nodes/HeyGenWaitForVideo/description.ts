import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** A notice (text only) shown under `displayOptions`. */
function notice(name: string, text: string, displayOptions: IDisplayOptions): INodeProperties {
	return { displayName: text, name, type: 'notice', default: '', displayOptions };
}

export const properties: INodeProperties[] = [
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		default: '={{ $json.video_id }}',
		required: true,
		description:
			'ID of the HeyGen video to wait for. The default reads the video_id field that HeyGen Generate From Template outputs.',
	},
	{
		displayName: 'API Version',
		name: 'apiVersion',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description:
					'Use the api_version field of the item (set by HeyGen Generate From Template) when present; otherwise ask the v3 API first and the legacy API for videos v3 does not know',
			},
			{ name: 'V3', value: 'v3', description: 'GET /v3/videos/statuses and /v3/videos/{ID}' },
			{
				name: 'Legacy (V1 Status)',
				value: 'legacy',
				description:
					'GET /v1/video_status.get: for videos generated through /v2/template/{ID}/generate',
			},
		],
		description:
			'Which HeyGen API reports the status. Videos made through the legacy v2 generate route are only visible to the legacy status endpoint.',
	},
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		default: 'poll',
		options: [
			{
				name: 'Poll',
				value: 'poll',
				description:
					'Check all items together, backing off between checks, for up to Max Time in Node; unfinished items leave on Still Rendering',
			},
			{
				name: 'Resume on HeyGen Callback',
				value: 'callback',
				description:
					"Check once, then park the execution (no worker held) until HeyGen calls the execution's resume URL or Max Wait passes",
			},
		],
	},
	notice(
		'pollNotice',
		'For long renders, loop Still Rendering through a Wait node (e.g. 2 minutes) back into this node: a Wait of 65 seconds or more holds no worker.',
		{ show: { waitMode: ['poll'] } },
	),
	{
		displayName: 'Max Time in Node (Seconds)',
		name: 'maxTimeInNode',
		type: 'number',
		default: 55,
		typeOptions: { minValue: 1, maxValue: 3600 },
		description:
			'How long the node keeps polling before it sends unfinished videos to Still Rendering. Slow or rate-limited status requests are cut at this limit too (the first check always gets at least 10 seconds).',
		hint: 'The node holds a worker while it polls: keep this under 65 seconds and loop through a Wait node',
		displayOptions: { show: { waitMode: ['poll'] } },
	},
	notice(
		'callbackNotice',
		'Turn on Resume on Callback in HeyGen Generate From Template, and set WEBHOOK_URL to a public HTTPS address of n8n that HeyGen can reach. Limits and details: see the documentation.',
		{ show: { waitMode: ['callback'] } },
	),
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 1, maxValue: 10080 },
		description:
			'After this long without all videos finished, the unfinished ones leave on Still Rendering with their last known status',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
	notice(
		'maxWaitNotice',
		'Connect Still Rendering to a Wait For Video in Poll mode: it picks up videos whose callback has not arrived within Max Wait.',
		{ show: { waitMode: ['callback'] } },
	),
	notice(
		'callbackSecretNotice',
		'Callback Secret (deprecated): set the Webhook Signing Secret in the HeyGen credential instead. A secret here is stored in the workflow and exported with it; it is still used when the credential has none.',
		{ show: { waitMode: ['callback'] }, hide: { callbackSecret: [''] } },
	),
	{
		displayName: 'Callback Secret (Deprecated)',
		name: 'callbackSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			"Deprecated: use the Webhook Signing Secret of the HeyGen credential, which is not stored in the workflow. Kept so existing workflows keep verifying callbacks; the credential's secret wins when both are set.",
		// Shown only where a value is already set (existing workflows); new nodes use the credential.
		displayOptions: { show: { waitMode: ['callback'] }, hide: { callbackSecret: [''] } },
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: false,
		description:
			'Whether to download finished videos into binary data (streamed). Off: items carry the signed video_url, valid about 7 days.',
	},
	notice(
		'callbackDownloadNotice',
		'In callback mode the webhook process downloads the files and a failed download leaves on Failed. For large videos prefer Poll mode (details in the documentation).',
		{ show: { waitMode: ['callback'], downloadVideo: [true] } },
	),
	{
		displayName: 'Download Options',
		name: 'downloadOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { downloadVideo: [true] } },
		options: [
			{
				displayName: 'Captioned Video',
				name: 'captionedVideo',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the version with burned-in captions when HeyGen made one (else the plain video)',
			},
			{
				displayName: 'Captions File',
				name: 'captions',
				type: 'boolean',
				default: false,
				description:
					'Whether to also download the caption file (.srt on v3, .ass on legacy) into the binary field "captions"',
			},
			{
				displayName: 'GIF Preview',
				name: 'gif',
				type: 'boolean',
				default: false,
				description:
					'Whether to also download the GIF preview (when HeyGen made one) into the binary field "gif"',
			},
			{
				displayName: 'Put Video in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Binary field of the output item that receives the MP4',
			},
			{
				displayName: 'Thumbnail',
				name: 'thumbnail',
				type: 'boolean',
				default: false,
				description: 'Whether to also download the thumbnail into the binary field "thumbnail"',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'First Poll Interval (Seconds)',
				name: 'initialInterval',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				description: 'Wait before the second status check; later waits grow by half each time',
			},
			{
				displayName: 'Longest Poll Interval (Seconds)',
				name: 'maxInterval',
				type: 'number',
				default: 15,
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				description: 'Upper bound for the wait between two status checks',
			},
			{
				displayName: 'Keep Input Fields',
				name: 'keepInputFields',
				type: 'boolean',
				default: true,
				description:
					'Whether output items keep the fields of the input item (e.g. the contact name), with the video fields written over them',
			},
		],
	},
];
