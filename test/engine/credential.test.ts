import { createHarness } from '../harness/engine';
import { startSandbox } from '../../tools/heygen-sandbox';

describe('HeyGen API credential', () => {
	let sandbox: Awaited<ReturnType<typeof startSandbox>>;
	const harness = createHarness();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it('passes its test request with a valid key, sending the key only as X-Api-Key to /v3/users/me', async () => {
		sandbox.reset();
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: sandbox.apiKey,
			baseUrl: sandbox.url,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'GET', path: '/v3/users/me', status: 200 });
		expect(sandbox.requests[0].headers['x-api-key']).toBe(sandbox.apiKey);
	});

	it('tolerates a trailing slash on the base URL', async () => {
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: sandbox.apiKey,
			baseUrl: `${sandbox.url}/`,
		});
		expect(result.status).toBe('OK');
	});

	it('fails with a message naming an invalid key', async () => {
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: 'not-a-real-key',
			baseUrl: sandbox.url,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/rejected the API key \(401/);
	});

	it('tells a key without the user-read permission apart from an invalid one', async () => {
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: sandbox.restrictedApiKey,
			baseUrl: sandbox.url,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/accepted the API key but it lacks the user-read permission/);
	});

	it('says so when the base URL is not a HeyGen API', async () => {
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: sandbox.apiKey,
			baseUrl: `${sandbox.url}/not-heygen`,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/No HeyGen API answered at this Base URL/);
	});

	it('fails when the Base URL answers 200 without HeyGen account data (another site)', async () => {
		sandbox.fault({ path: '/v3/users/me', type: 'html_error', status: 200 });
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: sandbox.apiKey,
			baseUrl: sandbox.url,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/No HeyGen API answered at this Base URL/);
	});

	it("says so when HeyGen rate-limits the key (429, HeyGen's error code in the body)", async () => {
		sandbox.fault({ path: '/v3/users/me', type: 'rate_limit' });
		const result = await harness.testCredential('heyGenTemplatesApi', {
			apiKey: sandbox.apiKey,
			baseUrl: sandbox.url,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/rate-limiting this API key right now \(429\)/);
	});
});
