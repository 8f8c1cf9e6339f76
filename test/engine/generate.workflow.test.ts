/**
 * The classic birthday example as an exported n8n workflow (test/workflows/birthday.json): the trigger's
 * pinned item {name, message} → HeyGen Generate From Template with tpl_birthday, both variables mapped by
 * expression. Run unchanged in n8n-core's engine against the HeyGen sandbox.
 */
import { createHarness } from '../harness/engine';
import { startSandbox } from '../../tools/heygen-sandbox';
import birthday from '../workflows/birthday.json';
import type { Loose } from '../support/loose';

let sb: Loose;

beforeAll(async () => {
	sb = await startSandbox({ port: 0, render: { pendingMs: 20, processingMs: 50 } });
});
afterAll(async () => {
	await sb.close();
});

it('birthday.json renders a personalised video for Ada', async () => {
	const h: Loose = createHarness({
		credentials: { heyGenTemplatesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
	});
	const trigger = birthday.nodes[0].name;
	const items = (birthday.pinData as Record<string, Array<{ json: object }>>)[trigger];
	const r = await h.run(birthday, { items, executionId: '1001' });

	expect(r.status).toBe('success');
	const [out] = r.items('HeyGen Generate From Template');
	expect(out.pairedItem).toEqual({ item: 0 });
	expect(out.json).toMatchObject({
		template_id: 'tpl_birthday',
		template_name: 'Birthday Greeting',
		title: 'Birthday Greeting #1',
		callback_id: 'n8n-1001-0',
		api_version: 'v3',
	});
	expect(out.json.video_id).toMatch(/^[0-9a-f]{32}$/);

	const generate = sb.requests.find((q: Loose) => q.method === 'POST');
	expect(generate.path).toBe('/v3/templates/tpl_birthday');
	expect(generate.headers['x-api-key']).toBe(sb.apiKey);
	expect(generate.body.variables).toEqual({
		name: { name: 'name', type: 'text', properties: { content: 'Ada' } },
		message: { name: 'message', type: 'text', properties: { content: 'Happy birthday, Ada!' } },
	});

	// The video is real in the sandbox and renders to completion.
	await sb.waitFor(() => sb.videos.get(out.json.video_id)?.status === 'completed', {
		timeoutMs: 20_000,
	});
	expect(sb.charges).toBe(1);
});
