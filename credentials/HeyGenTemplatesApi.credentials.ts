import type {
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
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
	// A function rather than a generic block with `={{$credentials.apiKey}}`: n8n evaluates such an expression
	// on every request (a tenth of the node's CPU time per item, measured), and the key needs none.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		requestOptions.headers = {
			...requestOptions.headers,
			'X-Api-Key': String(credentials.apiKey ?? ''),
		};
		return requestOptions;
	}

	// GET /v3/users/me needs the user-read scope, so the test tells a wrong key (401) apart from a key HeyGen accepts
	// but that lacks the permission (403). The answer is judged by its body, whatever its status: n8n 1.x loses the
	// HTTP status of a failed test request before its `responseCode` rules run (those only ever fire on 2.x), while
	// `responseSuccessBody` rules see the body on both lines. A Base URL that answers without HeyGen's account data
	// (a 404, or another site's 200) fails the test too.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v3/users/me',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			...['unauthorized', 400112, 40009].map((code) => errorCodeRule(code, WRONG_KEY)),
			...['forbidden', 'resource_access_denied', 400573].map((code) =>
				errorCodeRule(code, MISSING_SCOPE),
			),
			errorCodeRule('rate_limit_exceeded', RATE_LIMITED),
			{
				type: 'responseSuccessBody',
				properties: { key: 'data', value: undefined, message: NOT_HEYGEN },
			},
		],
	};
}

const WRONG_KEY =
	'HeyGen rejected the API key (401 Unauthorized). Copy the key again from HeyGen → Settings → API.';
const MISSING_SCOPE =
	'HeyGen accepted the API key but it lacks the user-read permission (403 Forbidden). Create a key with full API access, or grant that scope.';
const RATE_LIMITED =
	'HeyGen is rate-limiting this API key right now (429). Test the credential again in a minute.';
const NOT_HEYGEN =
	'No HeyGen API answered at this Base URL (404, or an answer without HeyGen account data). Check the Base URL: it should be https://api.heygen.com.';

/** A rule on HeyGen's error code in the answer's body (v3 `error.code`, or a documented numeric code). */
function errorCodeRule(
	code: string | number,
	message: string,
): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key: 'error.code', value: code, message } };
}
