/**
 * No double charges and clear failures: the generate call under network drops, 5xx, 429s, plan limits and
 * HTTP-200 error envelopes, plus n8n's continue-on-fail routes. Real engine, real HTTP, HeyGen sandbox.
 */
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';
import { workflow } from '../support/generate-workflows';

type Json = Record<string, Loose>;
let sb: Loose;
let h: Loose;

withSandboxEngine({}, (pair) => ({ sb, h } = pair));

const posts = () => sb.requests.filter((r: Loose) => r.server === 'api' && r.method === 'POST');
const birthday = (extra: Json = {}) =>
	workflow('tpl_birthday', { name: '={{ $json.name }}' }, extra);
const legacy = (extra: Json = {}) =>
	workflow('tpl_legacy_promo', { title_text: '={{ $json.name }}' }, extra);

describe('v3: idempotent generate', () => {
	it('retries a POST whose answer was lost with the same Idempotency-Key: one video, one charge', async () => {
		sb.fault({ method: 'POST', path: '/v3/templates/tpl_birthday', type: 'drop_after_processing' });
		const r = await h.run(birthday(), {
			items: [{ json: { name: 'Ada' } }],
			executionId: 'exec-idem',
		});
		expect(r.status).toBe('success');
		expect(posts()).toHaveLength(2);
		const [first, second] = posts();
		expect(first.dropped).toBe(true);
		expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
		expect(second.body).toEqual(first.body);
		expect(sb.charges).toBe(1);
		const out = r.items('Generate')[0].json;
		expect([...sb.videos.keys()]).toEqual([out.video_id]);
		expect(out.idempotency_key).toBe(first.headers['idempotency-key']);

		// The same execution and items again (e.g. a crashed execution re-run): HeyGen replays, nothing is charged.
		const again = await h.run(birthday(), {
			items: [{ json: { name: 'Ada' } }],
			executionId: 'exec-idem',
		});
		expect(again.status).toBe('success');
		expect(again.items('Generate')[0].json.video_id).toBe(out.video_id);
		expect(sb.charges).toBe(1);
		expect(sb.videos.size).toBe(1);
	});

	it('gives other items, other bodies and other executions their own keys', async () => {
		const r = await h.run(birthday(), {
			items: [{ json: { name: 'Ada' } }, { json: { name: 'Ada' } }],
			executionId: 'exec-a',
		});
		const other = await h.run(birthday(), {
			items: [{ json: { name: 'Ada' } }],
			executionId: 'exec-b',
		});
		const changed = await h.run(birthday(), {
			items: [{ json: { name: 'Grace' } }],
			executionId: 'exec-a',
		});
		const keys = [
			...r.items('Generate'),
			...other.items('Generate'),
			...changed.items('Generate'),
		].map((i: Loose) => i.json.idempotency_key);
		expect(new Set(keys).size).toBe(4);
		expect(sb.charges).toBe(4);
	});

	it('waits out a 429 with Retry-After, then succeeds: two POSTs, one charge', async () => {
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'rate_limit',
			retryAfter: 1,
		});
		const r = await h.run(birthday(), { items: [{ json: { name: 'Ada' } }] });
		expect(r.status).toBe('success');
		expect(posts().map((p: Loose) => p.status)).toEqual([429, 200]);
		expect(posts()[1].time - posts()[0].time).toBeGreaterThanOrEqual(900);
		expect(sb.charges).toBe(1);
	});

	it('a 429 storm is bounded: five attempts in all, then the item fails saying what to do', async () => {
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'rate_limit',
			retryAfter: 0,
			times: Infinity,
		});
		// One request at a time: the bound of a single request (the shared bound of parallel requests: generate.inflight).
		const r = await h.run(birthday({ options: { requestsInParallel: 1 } }), {
			items: [{ json: { name: 'Ada' } }, { json: { name: 'Grace' } }],
		});
		expect(r.status).toBe('error');
		const error = r.nodeError('Generate');
		expect(error.message).toMatch(
			/^HeyGen error \[rate_limit_exceeded\]: .*Options → Delay Between Items\.$/,
		);
		expect(error.context.itemIndex).toBe(0);
		expect(posts()).toHaveLength(5);
		expect(new Set(posts().map((p: Loose) => p.headers['idempotency-key'])).size).toBe(1);
		expect(sb.charges).toBe(0);
	});

	it('a Retry-After beyond the one-minute bound is not waited for: one POST, the item fails at once', async () => {
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'rate_limit',
			retryAfter: 3600,
		});
		const r = await h.run(birthday(), { items: [{ json: { name: 'Ada' } }] });
		expect(r.status).toBe('error');
		// It says what HeyGen asked for, not that waits were exhausted: no wait happened.
		expect(r.nodeError('Generate').message).toMatch(
			/asked to wait 3600 s \(Retry-After\).*longer than the 60 s/,
		);
		expect(r.nodeError('Generate').message).not.toMatch(/after the allowed waits/);
		expect(r.nodeError('Generate').httpCode).toBe('429');
		expect(posts()).toHaveLength(1);
	});
});

describe('legacy: never repeated', () => {
	it.each([
		['drop_after_processing', 1],
		['server_error', 0],
	])(
		'%s: the item fails with "may or may not have started" after exactly one POST',
		async (type, charges) => {
			sb.fault({ method: 'POST', path: '/v2/template/tpl_legacy_promo/generate', type });
			const r = await h.run(legacy(), { items: [{ json: { name: 'Sale' } }] });
			expect(r.status).toBe('error');
			const error = r.nodeError('Generate');
			expect(error.message).toMatch(/may or may not have started/);
			expect(error.description).toMatch(/not repeated/);
			expect(posts()).toHaveLength(1);
			expect(sb.charges).toBe(charges);
		},
	);

	it('a 429 with Retry-After was refused by HeyGen, so it is retried even without idempotency', async () => {
		sb.fault({
			method: 'POST',
			path: '/v2/template/tpl_legacy_promo/generate',
			type: 'rate_limit',
			retryAfter: 1,
		});
		const r = await h.run(legacy(), { items: [{ json: { name: 'Sale' } }] });
		expect(r.status).toBe('success');
		expect(posts().map((p: Loose) => p.status)).toEqual([429, 200]);
		expect(sb.charges).toBe(1);
	});
});

describe('plan limits and error envelopes fail at once, with what to do', () => {
	it('trial limit (429 without Retry-After): no retry', async () => {
		sb.fault({ method: 'POST', path: '/v3/templates/tpl_birthday', type: 'trial_limit' });
		const r = await h.run(birthday(), { items: [{ json: { name: 'Ada' } }] });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toBe(
			"HeyGen error [trial_video_limit_exceeded]: It seems you've reached your daily api trial limit 5. The daily trial/test video limit is used up: wait until it resets (24 h after the first video) or upgrade the HeyGen plan.",
		);
		expect(posts()).toHaveLength(1);
		expect(sb.charges).toBe(0);
	});

	it('insufficient credit: no retry', async () => {
		sb.fault({ method: 'POST', path: '/v3/templates/tpl_birthday', type: 'insufficient_credit' });
		const r = await h.run(birthday(), { items: [{ json: { name: 'Ada' } }] });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toMatch(
			/^HeyGen error \[insufficient_credit\]: .*Not enough HeyGen credits: top up/,
		);
		expect(r.nodeError('Generate').httpCode).toBe('402');
		expect(posts()).toHaveLength(1);
	});

	it.each([
		['POST', '/v3/templates/tpl_birthday', birthday],
		['GET', '/v3/templates/tpl_birthday', birthday],
		['POST', '/v2/template/tpl_legacy_promo/generate', legacy],
	])('an HTTP-200 error envelope on %s %s is an error', async (method, path, build) => {
		sb.fault({ method, path, type: 'envelope_error' });
		const r = await h.run(build(), { items: [{ json: { name: 'Ada' } }] });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').message).toMatch(/sandbox envelope_error/);
		const hit = sb.requests.find((q: Loose) => q.method === method && q.path === path);
		expect(hit.status).toBe(200);
		expect(sb.charges).toBe(0);
	});
});

describe("n8n's error handling", () => {
	const items = [
		{ name: 'Ada' },
		{ name: 'x'.repeat(5001) },
		{ name: 'Grace' },
		{ name: '   ' },
	].map((json) => ({ json }));

	it('continue (regular output): failed items leave as {error} in order with pairedItem, the others are generated', async () => {
		const r = await h.run(birthday({ onError: 'continueRegularOutput' }), { items });
		expect(r.status).toBe('success');
		const out = r.items('Generate');
		expect(out.map((i: Loose) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(out[0].json.video_id).toEqual(expect.any(String));
		// Keep Input Fields (default on): a failed contact keeps its fields next to the error, as on the error output
		expect(out[1].json).toEqual({
			name: 'x'.repeat(5001),
			error: 'Item 2: variable "name" is 5001 characters; HeyGen accepts at most 5000',
		});
		expect(out[2].json.video_id).toEqual(expect.any(String));
		expect(out[3].json).toMatchObject({
			name: '   ',
			error: expect.stringMatching(/^Item 4: variable "name" is empty/),
		});
		expect(posts().map((p: Loose) => p.body.variables.name.properties.content)).toEqual([
			'Ada',
			'Grace',
		]);
	});

	it('continue (regular output) without Keep Input Fields: failed items are only {error}', async () => {
		const r = await h.run(
			birthday({ onError: 'continueRegularOutput', options: { keepInputFields: false } }),
			{ items },
		);
		expect(r.items('Generate')[1].json).toEqual({
			error: 'Item 2: variable "name" is 5001 characters; HeyGen accepts at most 5000',
		});
	});

	it('continue (error output): n8n routes the failed items to the error output, merged with their input', async () => {
		sb.fault({ method: 'POST', path: '/v3/templates/tpl_birthday', type: 'insufficient_credit' });
		const r = await h.run(birthday({ onError: 'continueErrorOutput', after: true }), { items });
		expect(r.status).toBe('success');
		const [good, failed] = r.outputs('Generate');
		expect(good).toHaveLength(1);
		expect(good[0].json.template_id).toBe('tpl_birthday');
		expect(good[0].pairedItem).toEqual({ item: 2 });
		expect(failed.map((i: Loose) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 3 }]);
		expect(failed[0].json.name).toBe('Ada');
		expect(failed[0].json.error).toMatch(/insufficient_credit/);
		expect(failed[0].json.details).toMatch(/credits/);
		expect(r.items('Failed')).toHaveLength(3);
		expect(r.items('Good')).toHaveLength(1);
	});
});
