/**
 * The typical job, in n8n-core's real engine against the sandbox: 500 contacts in, 500 personalized videos out.
 * Nothing lost (every contact leaves Wait For Video exactly once, carrying its own fields and its own video),
 * nothing paid twice (one charged render per contact, even when the same execution is run again).
 */
import { PACKAGE } from '../harness/engine';
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';

const CREDS = { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } };
const CONTACTS = 500;
const FAILING = new Set([7, 123, 499]);

let sb: Loose;
let h: Loose;

// Renders finish fast and all at once here: the job's shape is under test, not HeyGen's queue.
withSandboxEngine(
	{
		sandbox: {
			render: { pendingMs: 20, processingMs: 60 },
			concurrency: CONTACTS,
			videoBytes: 1024,
		},
		reset: false,
	},
	(pair) => ({ sb, h } = pair),
);

function contacts() {
	return Array.from({ length: CONTACTS }, (_, i) => ({
		json: {
			contact_id: `c-${i}`,
			first_name: `Contact${i}`,
			company: `Company ${i}`,
			// What an OpenAI node asked for JSON returns (Map Automatically reads message.content).
			message: {
				content: {
					script: FAILING.has(i)
						? `Hello [[sandbox:fail]] ${i}`
						: `Hi Contact${i}, this is a video made for Company ${i}.`,
				},
			},
		},
	}));
}

async function batchWorkflow() {
	const schema = (
		await h.loadOptions(
			`${PACKAGE}.heyGenGenerateFromTemplate`,
			'resourceMapping',
			'getTemplateVariables',
			{
				parameters: {
					apiVersion: 'auto',
					templateId: { __rl: true, mode: 'id', value: 'tpl_sales_outreach' },
				},
			},
		)
	).fields;
	return {
		nodes: [
			{ name: 'Contacts', type: 'n8n-nodes-base.manualTrigger' },
			{
				name: 'Generate',
				type: `${PACKAGE}.heyGenGenerateFromTemplate`,
				credentials: CREDS,
				parameters: {
					apiVersion: 'auto',
					templateId: { __rl: true, mode: 'id', value: 'tpl_sales_outreach' },
					variables: {
						mappingMode: 'autoMapInputData',
						value: null,
						matchingColumns: [],
						schema,
						attemptToConvertTypes: false,
						convertFieldsToString: false,
					},
					options: {},
				},
			},
			{
				name: 'Wait For Video',
				type: `${PACKAGE}.heyGenWaitForVideo`,
				credentials: CREDS,
				parameters: {
					videoId: '={{ $json.video_id }}',
					apiVersion: 'auto',
					waitMode: 'poll',
					maxTimeInNode: 55,
				},
			},
			{ name: 'Completed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
			{ name: 'Still Rendering', type: 'n8n-nodes-base.noOp' },
		],
		connections: {
			Contacts: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] },
			Generate: { main: [[{ node: 'Wait For Video', type: 'main', index: 0 }]] },
			'Wait For Video': {
				main: [
					[{ node: 'Completed', type: 'main', index: 0 }],
					[{ node: 'Failed', type: 'main', index: 0 }],
					[{ node: 'Still Rendering', type: 'main', index: 0 }],
				],
			},
		},
	};
}

it('renders 500 contacts: one charged video each, every contact out exactly once with its own video', async () => {
	const workflow = await batchWorkflow();
	sb.reset();
	const result = await h.run(workflow, { items: contacts(), executionId: 'batch-1' });
	expect(result.status).toBe('success');

	const generated = result.items('Generate');
	expect(generated).toHaveLength(CONTACTS);
	expect(new Set(generated.map((item: Loose) => item.json.video_id)).size).toBe(CONTACTS);
	expect(sb.charges).toBe(CONTACTS);
	const generatePosts = sb.requests.filter(
		(r: Loose) => r.method === 'POST' && r.path === '/v3/templates/tpl_sales_outreach',
	);
	expect(generatePosts).toHaveLength(CONTACTS);
	// Template details once per execution, not per contact.
	expect(
		sb.requests.filter(
			(r: Loose) => r.method === 'GET' && r.path === '/v3/templates/tpl_sales_outreach',
		),
	).toHaveLength(1);

	const [completed, failed, rendering] = result.outputs('Wait For Video');
	expect(completed.length + failed.length + rendering.length).toBe(CONTACTS);
	expect(rendering).toHaveLength(0);
	expect(failed.map((item: Loose) => item.json.contact_id).sort()).toEqual(
		[...FAILING].map((i) => `c-${i}`).sort(),
	);
	for (const item of failed)
		expect(item.json.error).toMatchObject({ code: expect.anything(), message: expect.any(String) });

	// Each contact leaves once, with its own fields, its own video and a working link.
	const seen = new Set<string>();
	const videoOf = new Map(
		generated.map((item: Loose, i: number) => [`c-${i}`, item.json.video_id]),
	);
	for (const item of [...completed, ...failed]) {
		expect(seen.has(item.json.contact_id)).toBe(false);
		seen.add(item.json.contact_id);
		expect(item.json.video_id).toBe(videoOf.get(item.json.contact_id));
		expect(item.pairedItem).toEqual({ item: Number(item.json.contact_id.slice(2)) });
	}
	expect(seen.size).toBe(CONTACTS);
	for (const item of completed)
		expect(item.json.video_url).toMatch(new RegExp(`^${sb.cdnUrl}/videos/${item.json.video_id}/`));

	// The whole batch was checked with bulk status calls of at most 100 videos each.
	const bulk = sb.requests.filter((r: Loose) => r.path === '/v3/videos/statuses');
	expect(bulk.length).toBeGreaterThanOrEqual(5);
	for (const call of bulk)
		expect(String(call.query.video_ids).split(',').length).toBeLessThanOrEqual(100);

	// Running the same execution again (a retry) makes no new video and charges nothing.
	const rerun = await h.run(workflow, { items: contacts(), executionId: 'batch-1' });
	expect(rerun.status).toBe('success');
	expect(rerun.items('Generate').map((item: Loose) => item.json.video_id)).toEqual(
		generated.map((item: Loose) => item.json.video_id),
	);
	expect(sb.charges).toBe(CONTACTS);
}, 180_000);
