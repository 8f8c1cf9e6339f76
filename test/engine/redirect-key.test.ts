/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Why the transport turns redirects off: n8n's own authenticated request helper, following a redirect to another
 * origin, re-sends the credential's custom X-Api-Key header there (n8n's beforeRedirect restores Authorization;
 * follow-redirects strips only Authorization, Cookie and Proxy-Authorization). Shown here with n8n-core's real
 * helper, then the nodes' behaviour on the same fault.
 */
import { PACKAGE } from '../harness/engine';
import { withSandboxEngine } from '../support/sandbox-engine';

class Probe {
	description = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'heyGenTemplatesApi', required: true }],
		properties: [{ displayName: 'Disable', name: 'disable', type: 'boolean', default: false }],
	};
	async execute(this: any) {
		const credentials = await this.getCredentials('heyGenTemplatesApi');
		const response = await this.helpers.httpRequestWithAuthentication.call(
			this,
			'heyGenTemplatesApi',
			{
				method: 'GET',
				baseURL: credentials.baseUrl,
				url: '/v3/templates',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: this.getNodeParameter('disable', 0),
			},
		);
		return [[{ json: { statusCode: response.statusCode } }]];
	}
}

let sb: any;
let h: any;
withSandboxEngine(
	{ harness: { nodeTypes: { 'test.probe': () => Probe } } },
	(pair) => ({ sb, h } = pair),
);

const probe = (disable: boolean) => ({
	nodes: [
		{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
		{
			name: 'Probe',
			type: 'test.probe',
			parameters: { disable },
			credentials: { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } },
		},
	],
	connections: { Trigger: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
});
const elsewhere = () => sb.requests.filter((r: any) => r.server === 'cdn');

test("n8n's helper follows a cross-origin redirect and sends X-Api-Key along", async () => {
	sb.fault({ method: 'GET', path: '/v3/templates', type: 'redirect', status: 302 });
	const r = await h.run(probe(false));
	expect(r.status).toBe('success');
	expect(elsewhere()).toHaveLength(1);
	expect(elsewhere()[0].headers['x-api-key']).toBe(sb.apiKey);
});

test('with disableFollowRedirect the 302 comes back and nothing goes to the other host', async () => {
	sb.fault({ method: 'GET', path: '/v3/templates', type: 'redirect', status: 302 });
	const r = await h.run(probe(true));
	expect(r.items('Probe')[0].json.statusCode).toBe(302);
	expect(elsewhere()).toHaveLength(0);
});

test('the nodes refuse the redirect, name the host, and send nothing there', async () => {
	sb.fault({
		method: 'GET',
		path: 'regex:^/v(2|3)/template',
		type: 'redirect',
		status: 302,
		times: 10,
	});
	const r = await h.run({
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
			{
				name: 'Generate',
				type: `${PACKAGE}.heyGenGenerateFromTemplate`,
				credentials: { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } },
				parameters: {
					templateId: { __rl: true, mode: 'id', value: 'tpl_birthday' },
					variables: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [] },
				},
			},
		],
		connections: { Trigger: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
	});
	expect(r.status).toBe('error');
	expect(r.nodeError('Generate').message).toMatch(/redirect to localhost:\d+/);
	expect(elsewhere()).toHaveLength(0);
	expect(sb.charges).toBe(0);
});

test('a redirect within the Base URL origin is followed for reads', async () => {
	sb.fault({
		method: 'GET',
		path: '/v3/videos/statuses',
		type: 'redirect',
		status: 307,
		location: `${sb.url}/v3/videos/statuses?video_ids=vid_none`,
	});
	const r = await h.run({
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
			{
				name: 'Wait',
				type: `${PACKAGE}.heyGenWaitForVideo`,
				credentials: { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } },
				parameters: { videoId: 'vid_none', maxTimeInNode: 5 },
				onError: 'continueRegularOutput',
			},
		],
		connections: { Trigger: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } },
	});
	const statuses = sb.requests.filter((q: any) => q.path === '/v3/videos/statuses');
	expect(statuses.length).toBeGreaterThanOrEqual(2); // the redirect, then the followed request
	expect(statuses[1].headers['x-api-key']).toBe(sb.apiKey);
	expect(r.status).toBe('success');
});
