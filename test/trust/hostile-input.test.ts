/* Test data comes from plain-JS support modules (sandbox, harness): untyped on purpose. */
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * hostile-input: what a workflow's data can throw at both nodes. Every value is either refused before any
 * generate call with a clear item error, or sent to HeyGen exactly as given (JSON-encoded, never in a path).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setup, makeVideo, waitWorkflow, statusCalls } = require('../support/wait-for-video');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateWorkflow, itemOutcomes, keyLeaks, reportSummary } = require('../support/trust');

let sb: any;
let h: any;
const tally = { inputs: 0, refused: 0, sent: 0, invalidGenerateCalls: 0, keyLeaks: 0 };

beforeAll(async () => {
	({ sb, h } = await setup());
});
afterAll(async () => {
	await sb?.close();
	reportSummary(
		`hostile-input: ${tally.inputs} inputs, ${tally.refused} refused before sending, ${tally.sent} sent safely, ${tally.invalidGenerateCalls} generate calls for invalid items, ${tally.keyLeaks} key leaks`,
	);
});
beforeEach(() => sb.reset());

const generatePosts = () =>
	sb.requests.filter(
		(r: any) => r.server === 'api' && r.method === 'POST' && /^\/v(2|3)\/template/.test(r.path),
	);
const CONTROL =
	Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') +
	'\u007f\u0085\u2028\u2029';
const ODD_UNICODE = 'Zoë 👩🏽‍💻 ﷽ \u202eevil\u202c e\u0301 \ud835\udc00 \ufeff日本語 🇺🇦';

/** Runs Generate on items whose `tpl` / `name` / `message` / `logo` carry the hostile values. */
async function runGenerate(items: any[], extra: any = {}) {
	const result = await h.run(generateWorkflow(extra), { items: items.map((json) => ({ json })) });
	const leaks = keyLeaks(sb.apiKey, { result, sb });
	tally.keyLeaks += leaks.length;
	expect(leaks).toEqual([]);
	return itemOutcomes(result, 'Generate');
}

function errorText(outcome: any): string {
	return JSON.stringify(outcome.json.error ?? outcome.json);
}

describe('hostile-input: Generate From Template', () => {
	test('path tricks in template IDs are refused before any request that uses them', async () => {
		const ids = [
			'..',
			'../v3/users/me',
			'tpl_birthday/../../v3/users/me',
			'tpl%2F..%2Fx',
			'tpl_birthday?x=1',
			'tpl_birthday,tpl_all_types',
			'tpl_birthday#x',
			' tpl birthday ',
			'tpl\u0000',
			'x'.repeat(300),
			'\u202etpl',
		];
		const outcomes = await runGenerate(
			ids.map((tpl) => ({ tpl, name: 'Ada', message: 'Hi' })),
			{ templateId: '={{ $json.tpl }}' },
		);
		tally.inputs += ids.length;
		expect(outcomes.map((o: any) => o.item)).toEqual(ids.map((_, i) => i));
		for (const outcome of outcomes) {
			expect(outcome.cls).toBe('error');
			expect(errorText(outcome)).toMatch(/template ID/i);
		}
		tally.refused += outcomes.length;
		tally.invalidGenerateCalls += generatePosts().length;
		expect(generatePosts()).toHaveLength(0);
		// Nothing reached another endpoint with the key.
		for (const r of sb.requests) expect(r.path).not.toMatch(/users\/me|\.\./);
	});

	test('huge strings are refused before sending; control characters and odd Unicode are sent exactly', async () => {
		const values = [
			{ name: 'x'.repeat(100_000), message: 'Hi', valid: false },
			{ name: 'Ada', message: 'y'.repeat(5001), valid: false },
			{ name: CONTROL, message: 'Hi', valid: true },
			{ name: ODD_UNICODE, message: '"}]}\\u0000{{ $json.secret }}', valid: true },
			{ name: '<script>alert(1)</script>', message: "'; DROP TABLE videos; --", valid: true },
			{ name: '{{ $credentials.apiKey }}', message: '={{ $credentials.apiKey }}', valid: true },
		];
		const outcomes = await runGenerate(values.map(({ name, message }) => ({ name, message })));
		tally.inputs += values.length;
		expect(outcomes.map((o: any) => o.item)).toEqual(values.map((_, i) => i));
		const posts = generatePosts();
		expect(posts).toHaveLength(values.filter((v) => v.valid).length);
		values.forEach((value, index) => {
			const outcome = outcomes[index];
			if (!value.valid) {
				expect(outcome.cls).toBe('error');
				expect(errorText(outcome)).toMatch(/characters/);
				tally.refused++;
				return;
			}
			expect(outcome.cls).toBe('ok');
			const sent = posts.find((p: any) => p.body.variables.name.properties.content === value.name);
			expect(sent).toBeDefined();
			expect(sent.body.variables.message.properties.content).toBe(value.message);
			tally.sent++;
		});
		tally.invalidGenerateCalls += posts.length - values.filter((v) => v.valid).length;
	});

	test('prototype keys in items neither pollute objects nor change what is sent', async () => {
		const items = [
			JSON.parse('{"name":"Ada","message":"Hi","__proto__":{"polluted":true,"name":"Mallory"}}'),
			JSON.parse('{"name":"Bob","message":"Hi","constructor":{"prototype":{"polluted":true}}}'),
			JSON.parse('{"name":"__proto__","message":"constructor"}'),
		];
		const outcomes = await runGenerate(items);
		tally.inputs += items.length;
		expect(outcomes.map((o: any) => o.cls)).toEqual(['ok', 'ok', 'ok']);
		expect(({} as any).polluted).toBeUndefined();
		const names = generatePosts().map((p: any) => p.body.variables.name.properties.content);
		expect(names.sort()).toEqual(['Ada', 'Bob', '__proto__']);
		tally.sent += items.length;
	});

	test('non-HTTP and private media URLs are refused before sending', async () => {
		const urls = [
			'file:///etc/passwd',
			'javascript:alert(1)',
			'ftp://example.com/logo.png',
			'http://169.254.169.254/latest/meta-data/',
			'http://127.0.0.1:5678/rest/credentials',
			'http://localhost/logo.png',
			'http://10.0.0.5/logo.png',
			'http://[::1]/logo.png',
			'http://192.168.1.1/logo.png',
			'data:image/png;base64,AAAA',
		];
		const result = await h.run(
			generateWorkflow({
				templateId: 'tpl_all_types',
				values: { headline: 'Hi', logo: '={{ $json.logo }}' },
				schema: [
					{
						id: 'headline',
						displayName: 'headline (text)',
						type: 'string',
						required: false,
						display: true,
						defaultMatch: false,
					},
					{
						id: 'logo',
						displayName: 'logo (image)',
						type: 'string',
						required: false,
						display: true,
						defaultMatch: false,
					},
				],
			}),
			{ items: urls.map((logo) => ({ json: { logo } })) },
		);
		const outcomes = itemOutcomes(result, 'Generate');
		tally.inputs += urls.length;
		expect(outcomes.map((o: any) => o.item)).toEqual(urls.map((_, i) => i));
		for (const outcome of outcomes) {
			expect(outcome.cls).toBe('error');
			expect(errorText(outcome)).toMatch(/logo/);
		}
		tally.refused += outcomes.length;
		tally.invalidGenerateCalls += generatePosts().length;
		expect(generatePosts()).toHaveLength(0);
		expect(sb.requests.filter((r: any) => r.server !== 'api')).toHaveLength(0);
	});
});

describe('hostile-input: Wait For Video', () => {
	test('path and query tricks in video IDs are refused before any status request', async () => {
		const good = await makeVideo(sb);
		sb.complete(good);
		const ids = [
			'..',
			'../users/me',
			`${good}/../../users/me`,
			`${good}%2F..`,
			`${good}?video_id=other`,
			`${good},other`,
			`${good}#x`,
			`${good}\u0000`,
			'\u202e' + good,
			'v'.repeat(10_000),
			ODD_UNICODE,
		];
		const before = statusCalls(sb).length;
		const result = await h.run(
			waitWorkflow({ maxTimeInNode: 10 }, { onError: 'continueRegularOutput' }),
			{
				items: [...ids, good].map((video_id) => ({ json: { video_id } })),
			},
		);
		const outcomes = itemOutcomes(result, 'Wait For Video', ['ok', 'error', 'rendering']);
		tally.inputs += ids.length + 1;
		expect(outcomes.map((o: any) => o.item)).toEqual([...ids, good].map((_, i) => i));
		outcomes.slice(0, ids.length).forEach((outcome: any) => {
			expect(outcome.cls).toBe('error');
			expect(errorText(outcome)).toMatch(/video ID/i);
			// Shown bounded and with control characters visible.
			expect(JSON.stringify(outcome.json).length).toBeLessThan(4000);
		});
		tally.refused += ids.length;
		expect(outcomes[ids.length].cls).toBe('ok');
		tally.sent++;
		const calls = statusCalls(sb).slice(before);
		for (const call of calls) {
			expect(JSON.stringify(call.query)).not.toMatch(/other|users|\.\./);
			expect(call.path).not.toMatch(/\.\./);
		}
		const leaks = keyLeaks(sb.apiKey, { result, sb });
		tally.keyLeaks += leaks.length;
		expect(leaks).toEqual([]);
	});
});

// A module, so its top-level names do not clash with other test files' in the type check.
export {};
