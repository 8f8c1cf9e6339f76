const { createHarness } = require('./engine');

describe('engine harness', () => {
	it('runs a workflow in n8n-core and parks it on a time-based wait, then resumes it', async () => {
		const harness = createHarness();
		const workflow = {
			nodes: [
				{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Wait', type: 'n8n-nodes-base.wait', parameters: { amount: 5, unit: 'minutes' } },
				{ name: 'After', type: 'n8n-nodes-base.noOp' },
			],
			connections: {
				Trigger: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
				Wait: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
			},
		};
		const first = await harness.run(workflow, { items: [{ json: { n: 1 } }, { json: { n: 2 } }] });
		expect(first.status).toBe('waiting');
		expect(first.waitingEntry.node.name).toBe('Wait');
		expect(first.resumeUrl).toMatch(/\/webhook-waiting\/exec-1\?signature=[0-9a-f]{32}$/);
		const resumed = await harness.resumeAfterTime(first);
		expect(resumed.status).toBe('success');
		expect(resumed.items('After').map((item) => item.json.n)).toEqual([1, 2]);
	});
});
