/**
 * Legacy generates under n8n's Retry On Fail: n8n runs the node again in the same execution, and the legacy
 * route has no idempotency, so the node remembers each item's outcome and never sends an item twice.
 * Real engine, real HTTP, HeyGen sandbox.
 */
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';
import { workflow } from '../support/generate-workflows';

type Json = Record<string, Loose>;
let sb: Loose;
let h: Loose;

withSandboxEngine({}, (pair) => ({ sb, h } = pair));

const GENERATE_PATH = '/v2/template/tpl_legacy_promo/generate';
const posts = () =>
	sb.requests.filter(
		(r: Loose) => r.server === 'api' && r.method === 'POST' && r.path === GENERATE_PATH,
	);
const retrying = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

function legacyWithRetry(extra: Json = {}) {
	const wf = workflow(
		'tpl_legacy_promo',
		{ title_text: '={{ $json.name }}' },
		{ options: { keepInputFields: true }, ...extra },
	);
	Object.assign(wf.nodes[1], retrying);
	return wf;
}

test('a 502 after HeyGen created the video, with Retry On Fail (3 tries): one render, the same error each try', async () => {
	sb.fault({ method: 'POST', path: GENERATE_PATH, type: 'fail_after_processing', status: 502 });
	const r = await h.run(legacyWithRetry(), { items: [{ json: { name: 'Ada' } }] });
	expect(r.status).toBe('error');
	expect(r.error.message).toMatch(/may or may not have started/);
	expect(posts()).toHaveLength(1);
	expect(sb.charges).toBe(1);
});

test('two items, the second invalid, with Retry On Fail: the first renders once', async () => {
	const r = await h.run(legacyWithRetry(), {
		items: [{ json: { name: 'Ada' } }, { json: { name: '' } }],
	});
	expect(r.status).toBe('error');
	expect(r.error.message).toMatch(/Item 2/);
	expect(posts()).toHaveLength(1);
	expect(sb.charges).toBe(1);
});

test('Continue (regular output) with 3 items and a 502 after create on the first: 3 renders, 3 outputs', async () => {
	sb.fault({ method: 'POST', path: GENERATE_PATH, type: 'fail_after_processing', status: 502 });
	const r = await h.run(legacyWithRetry({ onError: 'continueRegularOutput' }), {
		items: [{ json: { name: 'Ada' } }, { json: { name: 'Bob' } }, { json: { name: 'Cy' } }],
	});
	expect(r.status).toBe('success');
	const out = r.items('Generate');
	expect(out).toHaveLength(3);
	// The first item's error made n8n retry the node (an error on the first item counts as a failed try).
	expect(out[0].json.error).toMatch(/may or may not have started/);
	expect(out.slice(1).map((i: Loose) => i.json.name)).toEqual(['Bob', 'Cy']);
	expect(new Set(out.slice(1).map((i: Loose) => i.json.video_id)).size).toBe(2);
	expect(posts()).toHaveLength(3);
	expect(sb.charges).toBe(3);
	// Every video HeyGen made belongs to an output item, except the one whose answer was lost (reported as such).
	const made = [...sb.videos.values()].map((v: Loose) => v.id);
	expect(made).toHaveLength(3);
	for (const item of out.slice(1)) expect(made).toContain(item.json.video_id);
});

test('a new execution (n8n "Retry execution") starts with an empty memory: the window the legacy route leaves', async () => {
	const wf = legacyWithRetry();
	const first = await h.run(wf, { items: [{ json: { name: 'Ada' } }] });
	expect(first.status).toBe('success');
	expect(sb.charges).toBe(1);
	// A new execution has a fresh context: HeyGen cannot recognise a resent legacy request (documented window).
	const again = await h.run(wf, { items: [{ json: { name: 'Ada' } }] });
	expect(again.status).toBe('success');
	expect(sb.charges).toBe(2);
});
