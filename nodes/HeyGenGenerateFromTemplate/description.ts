import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../shared/description';

/**
 * The two shapes HeyGen's app shows a template under: app.heygen.com/templates/<id> (the template page) and
 * app.heygen.com/create-v4/draft?template_id=<id>&private=1 (a draft opened from a template; templateId
 * tolerated). The scheme is optional because an address bar copy sometimes drops it. A draft or video URL
 * without a template ID (create-v4/<draft id>) is refused: that ID is not a template's.
 */
export const TEMPLATE_URL_REGEX =
	'(?:https?://)?(?:(?:app|www)\\.)?heygen\\.com/(?:templates/|[^\\s]*[?&]template_?[iI]d=)([A-Za-z0-9_-]+)(?:[/?&#][^\\s]*)?';

export const properties: INodeProperties[] = [
	{
		displayName: 'API Version',
		name: 'apiVersion',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description:
					'Use the v3 API; for templates v3 does not know (404), use the legacy v2 template API',
			},
			{
				name: 'V3',
				value: 'v3',
				description: 'Only the v3 API (idempotent: retries never charge twice)',
			},
			{
				name: 'Legacy V2',
				value: 'legacy',
				description:
					'Legacy AI Studio templates: GET /v2/templates, POST /v2/template/{ID}/generate. Not idempotent: a failed request is never repeated automatically.',
			},
		],
		default: 'auto',
		description: 'Which HeyGen API family lists, reads and generates the template',
	},
	{
		displayName: 'Template',
		name: 'templateId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The HeyGen template to render',
		hint: 'Auto and V3 list v3 templates; choose Legacy V2 to list legacy-only templates, or give their ID',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a template...',
				typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 3b8c2f0e9d7a4c51b6e2a1f0c9d8e7b6',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[A-Za-z0-9_-]+$',
							errorMessage: 'A template ID contains only letters, digits, - and _',
						},
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://app.heygen.com/templates/3b8c2f0e9d7a4c51b6e2a1f0c9d8e7b6',
				extractValue: { type: 'regex', regex: TEMPLATE_URL_REGEX },
				validation: [
					{
						type: 'regex',
						properties: {
							regex: TEMPLATE_URL_REGEX,
							errorMessage:
								'Not a HeyGen template URL: expected https://app.heygen.com/templates/… or a URL with ?template_id=…',
						},
					},
				],
			},
		],
	},
	{
		// The resource mapper does not render a parameter hint, so its guidance stands in a notice above it. The
		// notice depends on the template only: n8n 1.x cannot resolve a dependency on the mapper's own mode.
		displayName:
			"Media take a public http(s) URL or a HeyGen asset ID; avatars and voices a list entry, or by expression an ID (avatar:… or talking_photo:…). An empty field uses the template's current value. Map Automatically fills each variable by name: first from an LLM's JSON (OpenAI node, AI Agent, LLM Chain), then from the item's top-level fields.",
		name: 'variablesNotice',
		type: 'notice',
		default: '',
		displayOptions: { hide: { templateId: [''] } },
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description: "Values for the template's variables",
		// Shown once a template is chosen: before that the mapper has nothing to load and would show an error.
		displayOptions: { hide: { templateId: [''] } },
		hint: "Fields start with the template's current values. Every text variable is always sent (HeyGen shows an omitted one as {{name}}): an empty field sends the template's current text. Images, videos, audio, avatars and voices left empty keep the template's value; media take a public http(s) URL or a HeyGen asset ID; avatars and voices: pick from the list, or switch the field to Expression to give an ID (prefix it with avatar: or talking_photo: to set the kind). Map Automatically, per variable: first an LLM's JSON (OpenAI node message.content or Responses output, AI Agent output, LLM Chain text, also as a JSON string or ```json block), then the item's top-level fields; a value of the wrong type is skipped for the next source. A text variable it cannot fill fails the item (see Options → Missing Text Variables); an item matching no variable at all always fails.",
		typeOptions: {
			loadOptionsDependsOn: ['templateId.value', 'apiVersion'],
			resourceMapper: {
				resourceMapperMethod: 'getTemplateVariables',
				mode: 'map',
				fieldWords: { singular: 'variable', plural: 'variables' },
				valuesLabel: 'Variables to Send',
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				refreshStaleSchemaOnOpen: true,
				// The empty-fields notice of getTemplateVariables says why a template has no fields; n8n's own red
				// "no fields" error would stand beside it.
				hideNoDataError: true,
			},
		},
	},
	optionsCollection([
		{
			displayName: 'Brand Voice Name or ID',
			name: 'brandVoiceId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getBrandVoices' },
			default: '',
			description:
				'Brand glossary applied to every script (pronunciations, blocked words). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Callback ID',
			name: 'callbackId',
			type: 'string',
			default: '',
			description:
				'Echoed back by HeyGen in the video status and webhooks. Empty: n8n-&lt;execution ID&gt;-&lt;item index&gt;, which HeyGen Wait For Video uses to match callbacks.',
		},
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/webhooks/heygen',
			description: 'HeyGen notifies this URL when the render finishes or fails',
			hint: 'To resume HeyGen Wait For Video in callback mode, turn on Resume on Callback instead',
		},
		{
			displayName: 'Captions',
			name: 'caption',
			type: 'boolean',
			default: false,
			description: 'Whether HeyGen also renders a captioned version of the video',
		},
		{
			displayName: 'Delay Between Items (Milliseconds)',
			name: 'delayBetweenItems',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Pause between two generate requests, to spread a large batch (e.g. 500 contacts) over time. HeyGen queues renders itself, and "too many at once" answers (429) are waited out automatically.',
		},
		{
			displayName: 'Enable Sharing',
			name: 'enableSharing',
			type: 'boolean',
			default: false,
			description: 'Whether the video gets a public share page',
		},
		{
			displayName: 'Folder Name or ID',
			name: 'folderId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getFolders' },
			default: '',
			description:
				'HeyGen folder for the video. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Frame Rate',
			name: 'fps',
			type: 'options',
			options: [
				{ name: '25 Fps', value: 25 },
				{ name: '30 Fps', value: 30 },
				{ name: '60 Fps', value: 60 },
			],
			default: 25,
			description: 'Frames per second of the rendered video (HeyGen default: 25)',
		},
		{
			displayName: 'Height (Pixels)',
			name: 'height',
			type: 'number',
			typeOptions: { minValue: 128, maxValue: 4096 },
			default: 1080,
			description:
				"Output height. Set together with Width: even numbers from 128 to 4096 matching the template's aspect ratio. Without both, the template's own size is used.",
		},
		{
			displayName: 'Include GIF Preview',
			name: 'includeGif',
			type: 'boolean',
			default: false,
			description:
				'Whether HeyGen also renders a GIF preview (its URL comes with the completion webhook)',
		},
		{
			displayName: 'Keep Input Fields',
			name: 'keepInputFields',
			type: 'boolean',
			default: true,
			description:
				'Whether each output item keeps the fields of its input item (e.g. the contact), with the video fields written over them. Keeps every contact with its video all the way through HeyGen Wait For Video.',
		},
		{
			displayName: 'Missing Text Variables',
			name: 'missingTextVariables',
			type: 'options',
			options: [
				{
					name: 'Fail the Item',
					value: 'error',
					description: 'Nothing is sent for an item that leaves a text variable unfilled',
				},
				{
					name: 'Use Template Text',
					value: 'useTemplateText',
					description: "Send the template's current text for text variables the item does not fill",
				},
			],
			default: 'error',
			description:
				'Map Automatically only: what to do when no input field fills a text variable. HeyGen shows an unsent text variable as {{name}} in the video, so it is never left out. An item that matches no variable at all always fails.',
		},
		{
			displayName: 'Requests in Parallel',
			name: 'requestsInParallel',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 32 },
			default: 8,
			description:
				'How many generate requests may wait for HeyGen at the same time. Output order and pairing stay as the input; one "too many requests" (429) answer pauses them all for its Retry-After. Each request is still sent once (v3 with its own idempotency key). If an item fails and the node stops (no Continue On Fail), the requests already in flight still finish and their videos are made. Ignored with Delay Between Items (one at a time).',
		},
		{
			displayName: 'Resume on Callback',
			name: 'resumeOnCallback',
			type: 'boolean',
			default: false,
			description:
				"Whether HeyGen's callback resumes this execution's HeyGen Wait For Video (callback mode): sets the callback URL to $execution.resumeUrl. n8n must be reachable from the internet (WEBHOOK_URL).",
		},
		{
			displayName: 'Test Mode (Legacy V2 Only)',
			name: 'test',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/apiVersion': ['legacy'] } },
			description:
				"Whether to render a watermarked test video that uses no credits. HeyGen documents test mode only for the legacy template API, so this option is offered only with API Version Legacy V2; HeyGen's test-mode limits (10 a day) apply.",
		},
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			description: 'Video title in HeyGen. Empty: "&lt;template name&gt; #&lt;item number&gt;".',
		},
		{
			displayName: 'When a Value Is Empty',
			name: 'emptyValues',
			type: 'options',
			options: [
				{
					name: 'Fail the Item',
					value: 'error',
					description: 'An expression or input field that resolves to nothing is an error',
				},
				{
					name: "Keep the Template's Value",
					value: 'keepTemplate',
					description:
						"Text variables send the template's current text; other types are left out of the request",
				},
				{
					name: 'Send Empty Text',
					value: 'sendEmpty',
					description: "Text variables are sent empty; other types keep the template's value",
				},
			],
			default: 'error',
			description:
				"What to do when a mapped value is empty. A field you leave empty in the editor always keeps the template's value (for text: its current text is sent).",
		},
		{
			displayName: 'Width (Pixels)',
			name: 'width',
			type: 'number',
			typeOptions: { minValue: 128, maxValue: 4096 },
			default: 1920,
			description:
				"Output width. Set together with Height: even numbers from 128 to 4096 matching the template's aspect ratio. Without both, the template's own size is used.",
		},
	]),
];
