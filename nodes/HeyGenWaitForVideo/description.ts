import type { INodeProperties } from 'n8n-workflow';

export const properties: INodeProperties[] = [
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		default: '={{ $json.video_id }}',
		required: true,
		description: 'ID of the HeyGen video to wait for. The default reads the video_id field that HeyGen Generate From Template outputs.',
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
				description: 'GET /v1/video_status.get: for videos generated through /v2/template/{ID}/generate',
			},
		],
		description: 'Which HeyGen API reports the status. Videos made through the legacy v2 generate route are only visible to the legacy status endpoint.',
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
	{
		displayName:
			'Loop Still Rendering back through a Wait node (e.g. 2 minutes) into this node: waits of 65 seconds or more free the worker, so long renders cost nothing while they run.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['poll'] } },
	},
	{
		displayName: 'Max Time in Node (Seconds)',
		name: 'maxTimeInNode',
		type: 'number',
		default: 55,
		typeOptions: { minValue: 1, maxValue: 3600, numberPrecision: 1 },
		description:
			'How long the node keeps polling before it sends unfinished videos to Still Rendering. Slow or rate-limited status requests are cut at this limit too (the first check always gets at least 10 seconds). Below 65 seconds the execution stays in memory like any short wait.',
		hint: 'Above 60 seconds the node holds a worker (and an execution slot) for the whole time',
		displayOptions: { show: { waitMode: ['poll'] } },
	},
	{
		displayName:
			'Needs HeyGen Generate From Template with "Resume Wait For Video on Callback" on (it sends {{ $execution.resumeUrl }} as the callback URL), and an n8n that HeyGen can reach: set WEBHOOK_URL to its public HTTPS address. One execution can wait for many videos: it resumes once all have finished, or after Max Wait. After the resume n8n renumbers pairedItem, so read input fields from this node\'s output (Keep Input Fields) rather than through $(\'Earlier Node\').item, and item errors leave on Failed with status "error" even with On Error set to the error output (n8n cannot route a resumed node\'s items there). Used as an AI tool, this node polls instead.',
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
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
	{
		displayName:
			'After Max Wait, unfinished videos leave on Still Rendering with their video IDs: connect that output to a Wait For Video in Poll mode (through a Wait node) to pick up videos whose callback never arrived.',
		name: 'maxWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
	{
		displayName:
			'Callback Secret (deprecated): set the Webhook Signing Secret in the HeyGen credential instead. A secret here is stored in the workflow and exported with it; it is still used when the credential has none.',
		name: 'callbackSecretNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'] }, hide: { callbackSecret: [''] } },
	},
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
	{
		displayName:
			'In callback mode the files are downloaded when HeyGen\'s callback arrives, by the n8n process that receives webhooks (not a queue-mode worker), into n8n\'s binary data store (database mode: 512 MiB per file). n8n answers HeyGen before downloading, so HeyGen cannot retry a failed download: the item leaves on Failed with the error, even without On Error: Continue. For large videos prefer Poll mode.',
		name: 'callbackDownloadNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'], downloadVideo: [true] } },
	},
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
				description: 'Whether to download the version with burned-in captions when HeyGen made one (else the plain video)',
			},
			{
				displayName: 'Captions File',
				name: 'captions',
				type: 'boolean',
				default: false,
				description: 'Whether to also download the caption file (.srt on v3, .ass on legacy) into the binary field "captions"',
			},
			{
				displayName: 'GIF Preview',
				name: 'gif',
				type: 'boolean',
				default: false,
				description: 'Whether to also download the GIF preview (when HeyGen made one) into the binary field "gif"',
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
