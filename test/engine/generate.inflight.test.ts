/**
 * Generate with several requests in flight (Options → Requests in Parallel): output order and pairedItem as the
 * input, one Retry-After clock and one 429 budget for all requests in flight, and no second charge.
 * Real engine, real HTTP, HeyGen sandbox. Assertions on counts and order only.
 */
import { createHarness } from '../harness/engine';
import { generateWorkflow, textField } from '../support/generate-workflows';
import { startSandbox } from '../../tools/heygen-sandbox';

/** JSON from the plain-JS sandbox and engine harness, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

let sb: Loose;
let h: Loose;

beforeAll(async () => {
	sb = await startSandbox({ port: 0, concurrency: 100 });
	h = createHarness({
		credentials: { heyGenTemplatesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
	});
});
afterAll(async () => {
	await sb.close();
});
beforeEach(() => sb.reset());

/** The one variable each template gets, from the item's name. */
const VARIABLE: Record<string, string> = { tpl_birthday: 'name', tpl_legacy_promo: 'title_text' };

function workflow(templateId: string, options: Loose, onError?: string) {
	const variable = VARIABLE[templateId];
	const values = { [variable]: '={{ $json.name }}' };
	return generateWorkflow({ templateId, values, schema: [textField(variable)], options, onError });
}

const contacts = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ json: { name: `Contact ${i}` } }));
const posts = () => sb.requests.filter((r: Loose) => r.server === 'api' && r.method === 'POST');

/** The most generate requests the sandbox held unanswered at once (a lower bound of what the node had in flight). */
function watchPending() {
	let max = 0;
	const check = () => {
		max = Math.max(max, posts().filter((r: Loose) => r.status === null && !r.dropped).length);
	};
	sb._core.events.on('change', check);
	return {
		stop: () => {
			sb._core.events.off('change', check);
			return max;
		},
	};
}

describe('Generate with requests in flight', () => {
	it('keeps output order and pairedItem while answers arrive out of order; never more in flight than the option', async () => {
		// The first two requests answer late, so later items finish first.
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'slow',
			delayMs: 1500,
			times: 2,
		});
		const watch = watchPending();
		const r = await h.run(workflow('tpl_birthday', { requestsInParallel: 4 }), {
			items: contacts(24),
			executionId: 'exec-order',
		});
		const maxPending = watch.stop();
		expect(r.status).toBe('success');
		const out = r.items('Generate');
		expect(out.map((i: Loose) => i.json.name)).toEqual(contacts(24).map((c) => c.json.name));
		expect(out.map((i: Loose) => i.pairedItem)).toEqual(contacts(24).map((_, i) => ({ item: i })));
		// Each output carries the video made from its own item.
		for (const [i, item] of out.entries()) {
			const video = sb.videos.get(item.json.video_id);
			expect(video.requestVariables.name.properties.content).toBe(`Contact ${i}`);
			expect(video.callbackId).toBe(`n8n-exec-order-${i}`);
		}
		expect(posts()).toHaveLength(24);
		expect(sb.charges).toBe(24);
		expect(maxPending).toBeGreaterThanOrEqual(2);
		expect(maxPending).toBeLessThanOrEqual(4);
		// Requests leave in item order.
		expect(posts().map((p: Loose) => p.body.variables.name.properties.content)).toEqual(
			contacts(24).map((c) => c.json.name),
		);
	});

	it('one 429 pauses every request: only those already in flight reach HeyGen during its Retry-After', async () => {
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'rate_limit',
			retryAfter: 2,
			times: 1,
		});
		const r = await h.run(workflow('tpl_birthday', { requestsInParallel: 8 }), {
			items: contacts(30),
		});
		expect(r.status).toBe('success');
		expect(r.items('Generate')).toHaveLength(30);
		const all = posts();
		expect(all.filter((p: Loose) => p.status === 429)).toHaveLength(1);
		expect(all).toHaveLength(31);
		expect(sb.charges).toBe(30);
		const refused = all.find((p: Loose) => p.status === 429);
		// Without the shared clock the other lanes would send the remaining ~22 items at once.
		const duringPause = all.filter(
			(p: Loose) => p.time > refused.time && p.time < refused.time + 1800,
		);
		expect(duringPause.length).toBeLessThanOrEqual(7);
	});

	it('a 429 storm draws on one budget: requests in flight give up together, later items try once', async () => {
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'rate_limit',
			retryAfter: 0,
			times: Infinity,
		});
		const r = await h.run(
			workflow('tpl_birthday', { requestsInParallel: 4 }, 'continueRegularOutput'),
			{ items: contacts(12) },
		);
		expect(r.status).toBe('success');
		const out = r.items('Generate');
		expect(out).toHaveLength(12);
		expect(out.every((i: Loose) => /rate_limit_exceeded/.test(i.json.error))).toBe(true);
		expect(out.map((i: Loose) => i.pairedItem.item)).toEqual(contacts(12).map((_, i) => i));
		// Five attempts for each of the 4 in flight, then one for each later item: 28. One budget per request
		// would send 12 x 5 = 60.
		expect(posts().length).toBeLessThanOrEqual(28);
		expect(sb.charges).toBe(0);
	});

	it('v3: lost answers with 8 in flight are retried with the same key: one video and one charge per item', async () => {
		sb.fault({
			method: 'POST',
			path: '/v3/templates/tpl_birthday',
			type: 'drop_after_processing',
			times: 3,
		});
		const r = await h.run(workflow('tpl_birthday', { requestsInParallel: 8 }), {
			items: contacts(16),
		});
		expect(r.status).toBe('success');
		const out = r.items('Generate');
		expect(out).toHaveLength(16);
		expect(new Set(out.map((i: Loose) => i.json.video_id)).size).toBe(16);
		expect(new Set(out.map((i: Loose) => i.json.idempotency_key)).size).toBe(16);
		expect(posts()).toHaveLength(19);
		expect(sb.charges).toBe(16);
		expect(sb.videos.size).toBe(16);
	});

	it('legacy: with 8 in flight a generate whose answer was lost is never sent again', async () => {
		sb.fault({
			method: 'POST',
			path: '/v2/template/tpl_legacy_promo/generate',
			type: 'drop_after_processing',
			times: 2,
		});
		const r = await h.run(
			workflow('tpl_legacy_promo', { requestsInParallel: 8 }, 'continueRegularOutput'),
			{ items: contacts(10) },
		);
		expect(r.status).toBe('success');
		const out = r.items('Generate');
		expect(out).toHaveLength(10);
		const failed = out.filter((i: Loose) => i.json.error);
		expect(failed).toHaveLength(2);
		for (const item of failed) expect(item.json.error).toMatch(/may or may not have started/);
		expect(posts()).toHaveLength(10);
		expect(sb.charges).toBe(10);
		expect(out.map((i: Loose) => i.json.name)).toEqual(contacts(10).map((c) => c.json.name));
	});

	it('an item failing its checks stops every later item before it is sent (no Continue On Fail)', async () => {
		const items = contacts(12);
		items[5].json.name = 'x'.repeat(5001);
		const r = await h.run(workflow('tpl_birthday', { requestsInParallel: 8 }), { items });
		expect(r.status).toBe('error');
		expect(r.nodeError('Generate').context.itemIndex).toBe(5);
		expect(posts().map((p: Loose) => p.body.variables.name.properties.content)).toEqual(
			contacts(5).map((c) => c.json.name),
		);
	});
});
