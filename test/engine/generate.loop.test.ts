/**
 * HeyGen Generate From Template inside longer jobs, in n8n-core's real engine against the sandbox:
 * a workflow loop that sends a failed render back to Generate, and stopping an execution mid-batch.
 */
import { PACKAGE } from '../harness/engine';
import { generateNode as generateNodeOf } from '../support/generate-workflows';
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';

const WAIT = `${PACKAGE}.heyGenWaitForVideo`;
const CREDS = { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } };
let sb: Loose;
let h: Loose;

withSandboxEngine({}, (pair) => ({ sb, h } = pair));

function generateNode(options: Record<string, unknown> = {}) {
	const values = { name: '={{ $json.name }}' };
	return generateNodeOf({ templateId: 'tpl_birthday', values, schema: [], options });
}

const generatePosts = () =>
	sb.requests.filter((r: Loose) => r.method === 'POST' && r.path === '/v3/templates/tpl_birthday');

describe('a loop that sends a failed render back to Generate', () => {
	/** Trigger → Generate → Wait For Video; Failed → Generate again; Completed → Done. */
	function retryLoop() {
		return {
			nodes: [
				{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
				// A fixed callback ID, so the request body of both rounds is byte for byte the same.
				generateNode({ callbackId: '={{ "contact-" + $json.contact_id }}' }),
				{
					name: 'Wait For Video',
					type: WAIT,
					credentials: CREDS,
					parameters: {
						videoId: '={{ $json.video_id }}',
						apiVersion: 'auto',
						waitMode: 'poll',
						maxTimeInNode: 30,
						options: { initialInterval: 0.1, maxInterval: 0.2 },
					},
				},
				{ name: 'Done', type: 'n8n-nodes-base.noOp' },
				{ name: 'Late', type: 'n8n-nodes-base.noOp' },
			],
			connections: {
				Trigger: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] },
				Generate: { main: [[{ node: 'Wait For Video', type: 'main', index: 0 }]] },
				'Wait For Video': {
					main: [
						[{ node: 'Done', type: 'main', index: 0 }],
						[{ node: 'Generate', type: 'main', index: 0 }],
						[{ node: 'Late', type: 'main', index: 0 }],
					],
				},
			},
		};
	}

	it('renders again on the second round (a new Idempotency-Key), instead of replaying the failed video', async () => {
		// Renders wait for the test: the first is failed, the second completed, by hand.
		sb.setRender({ pendingMs: 600_000, processingMs: 600_000 });
		let cancel: () => void = () => {};
		const running = h.run(retryLoop(), {
			items: [{ json: { contact_id: 'c-7', name: 'Ada' } }],
			executionId: 'exec-loop',
			onStart: (stop: () => void) => {
				cancel = stop;
			},
		});
		let rendered = false;
		try {
			const first = await sb.waitFor(() => [...sb.videos.values()][0]);
			sb.fail(first.id, {
				code: 40119,
				message: 'Video is too long',
				detail: 'Sandbox failure for the loop test',
			});
			// Were the second round keyed like the first, HeyGen would replay the failed video and the loop would
			// spin on it without ever rendering again: no second video would appear.
			const second = await sb.waitFor(() => [...sb.videos.values()][1], { timeoutMs: 20_000 });
			sb.complete(second.id);
			rendered = true;
		} finally {
			// Stop a spinning loop, so a failure here does not leave the execution running.
			if (!rendered) {
				cancel();
				await running;
			}
		}
		const r = await running;
		expect(r.status).toBe('success');

		const [firstPost, secondPost] = generatePosts();
		expect(generatePosts()).toHaveLength(2);
		expect(secondPost.body).toEqual(firstPost.body);
		expect(secondPost.headers['idempotency-key']).not.toBe(firstPost.headers['idempotency-key']);
		expect(firstPost.headers['idempotency-key']).toMatch(/^n8n:[0-9a-f]{16}:exec-loop:[^:]+:0:0:/);
		expect(secondPost.headers['idempotency-key']).toMatch(/^n8n:[0-9a-f]{16}:exec-loop:[^:]+:1:0:/);
		expect(sb.charges).toBe(2);

		// The second round's output describes the new video only: no status or error left from the failed one.
		const [again] = r.items('Generate');
		expect(again.json).toMatchObject({ contact_id: 'c-7', name: 'Ada', status: 'pending' });
		expect(again.json.video_id).toBe([...sb.videos.keys()][1]);
		expect(again.json.error).toBeUndefined();
		const [done] = r.items('Done');
		expect(done.json).toMatchObject({
			contact_id: 'c-7',
			status: 'completed',
			video_id: again.json.video_id,
		});
	});

	it('gives the second round its own default callback ID', async () => {
		sb.setRender({ pendingMs: 600_000, processingMs: 600_000 });
		const workflow = retryLoop();
		workflow.nodes[1] = generateNode();
		const running = h.run(workflow, { items: [{ json: { name: 'Ada' } }], executionId: 'exec-cb' });
		const first = await sb.waitFor(() => [...sb.videos.values()][0]);
		sb.fail(first.id, {
			code: 40119,
			message: 'Video is too long',
			detail: 'Sandbox failure for the loop test',
		});
		const second = await sb.waitFor(() => [...sb.videos.values()][1], { timeoutMs: 20_000 });
		sb.complete(second.id);
		const r = await running;
		expect(r.status).toBe('success');
		expect(generatePosts().map((p: Loose) => p.body.callback_id)).toEqual([
			'n8n-exec-cb-0',
			'n8n-exec-cb-0-r1',
		]);
	});
});

describe('stopping an execution mid-batch', () => {
	it('sends nothing more once the execution is stopped, even while waiting between items', async () => {
		const items = Array.from({ length: 40 }, (_, i) => ({ json: { name: `Contact ${i}` } }));
		const workflow = {
			nodes: [
				{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
				generateNode({ delayBetweenItems: 400 }),
			],
			connections: { Trigger: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
		};
		let postsAtStop = 0;
		const r = await h.run(workflow, {
			items,
			executionId: 'exec-stopped',
			onStart: (cancel: () => void) => {
				void sb
					.waitFor(() => generatePosts().length >= 2)
					.then(() => {
						postsAtStop = generatePosts().length;
						cancel();
					});
			},
		});
		expect(r.status).toBe('canceled');
		expect(postsAtStop).toBeGreaterThanOrEqual(2);

		// Let well over one item's delay pass on the same event loop (a complete, unrelated run), then check
		// that the stopped node sent nothing after the stop: its loop would POST every 400 ms.
		const later = await h.run(
			{
				nodes: [
					{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
					generateNode({ delayBetweenItems: 400 }),
				],
				connections: { Trigger: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
			},
			{
				items: [
					{ json: { name: 'A' } },
					{ json: { name: 'B' } },
					{ json: { name: 'C' } },
					{ json: { name: 'D' } },
				],
			},
		);
		expect(later.status).toBe('success');
		const stoppedRunPosts = generatePosts().filter((p: Loose) =>
			p.body.callback_id.startsWith('n8n-exec-stopped-'),
		);
		expect(stoppedRunPosts.length).toBeLessThanOrEqual(postsAtStop + 1);
		expect(stoppedRunPosts.length).toBeLessThan(items.length);
	});
});
