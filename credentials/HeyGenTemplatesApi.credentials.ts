import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class HeyGenTemplatesApi implements ICredentialType {
	name = 'heyGenTemplatesApi';

	displayName = 'HeyGen API';

	icon: Icon = { light: 'file:../icons/heygen.svg', dark: 'file:../icons/heygen.dark.svg' };

	documentationUrl = 'https://github.com/heygen-templates/n8n-nodes-heygen-templates#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Your HeyGen API key, from HeyGen → Settings → API (https://app.heygen.com/settings?nav=API)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.heygen.com',
			required: true,
			description:
				'Leave as is for HeyGen. Change it only to route through a proxy or to point at a local HeyGen sandbox.',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The secret HeyGen shows when you add a webhook endpoint (whsec_…). When set, Wait For Video accepts only callbacks with a valid Heygen-Signature and ignores replays of the same event. Never sent anywhere.',
		},
	];

	// The key travels only in this header, and only to requests built on this credential (the HeyGen API);
	// media downloads from HeyGen's CDN are made without it.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Api-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// GET /v3/users/me needs the user-read scope, so the test tells a wrong key (401) apart from
	// a key HeyGen accepts but that lacks the permission (403).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v3/users/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'HeyGen rejected the API key (401 Unauthorized). Copy the key again from HeyGen → Settings → API.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'HeyGen accepted the API key but it lacks the user-read permission (403 Forbidden). Create a key with full API access, or grant that scope.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No HeyGen API answered at this Base URL (404). Check the Base URL: it should be https://api.heygen.com.',
				},
			},
		],
	};
}
