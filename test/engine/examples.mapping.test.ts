/**
 * The example workflows never reach the stale-field paths: the Generate node's stored fields match the sandbox
 * template, and every expression in the node resolves without run data (as in the editor before a first run;
 * n8n re-reads the variable fields on a template switch only when the whole node resolves).
 */
import birthdayVideo from '../../examples/birthday-video.json';
import personalizedVideos from '../../examples/personalized-videos.json';
import pollingLoop from '../../examples/polling-loop.json';
import { PACKAGE } from '../harness/engine';
import type { Loose } from '../support/loose';
import { withSandboxEngine } from '../support/sandbox-engine';

const GEN_TYPE = 'n8n-nodes-heygen-templates.heyGenGenerateFromTemplate';
const examples: Array<[string, Loose]> = [
	['birthday-video.json', birthdayVideo],
	['personalized-videos.json', personalizedVideos],
	['polling-loop.json', pollingLoop],
];

let h: Loose;
withSandboxEngine({ reset: false }, (pair) => ({ h } = pair));

function expressions(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string' && value.startsWith('=')) out.push(value);
	else if (Array.isArray(value)) value.forEach((v) => expressions(v, out));
	else if (value && typeof value === 'object')
		Object.values(value).forEach((v) => expressions(v, out));
	return out;
}

describe.each(examples)('%s', (_file, wf) => {
	const generate = wf.nodes.find((n: Loose) => n.type === GEN_TYPE);

	it("stores the template's current fields (nothing stale when it runs)", async () => {
		const { apiVersion, templateId, variables } = generate.parameters;
		const fresh = await h.loadOptions(
			`${PACKAGE}.heyGenGenerateFromTemplate`,
			'resourceMapping',
			'getTemplateVariables',
			{
				parameters: { apiVersion, templateId: { ...templateId, mode: 'id' } },
			},
		);
		// every stored field still exists with its type (fields the example leaves out get the template's values)
		const current = new Map(fresh.fields.map((f: Loose) => [f.id, f.displayName]));
		expect(variables.schema.length).toBeGreaterThan(0);
		for (const field of variables.schema)
			expect([field.id, current.get(field.id)]).toEqual([field.id, field.displayName]);
	});

	it('every expression of the Generate node that reaches another node resolves without run data', () => {
		// The other nodes only need to exist by name for $('…') to know them.
		const others = wf.nodes
			.filter((n: Loose) => n !== generate && n.type !== 'n8n-nodes-base.stickyNote')
			.map((n: Loose) => ({
				name: n.name,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
				position: [0, 0],
				id: n.id,
			}));
		const node = { ...generate, type: `${PACKAGE}.heyGenGenerateFromTemplate` };
		const workflow = h.workflow({ id: 'x', name: 'x', nodes: [...others, node], connections: {} });
		const found = expressions(generate.parameters).filter((e) => e.includes('$('));
		// without the isExecuted guard the same expression throws: the check can fail
		expect(() =>
			workflow.expression.getParameterValue(
				"={{ $('" + others[0].name + "').item.json.x }}",
				null,
				0,
				0,
				generate.name,
				[],
				'manual',
				{},
			),
		).toThrow();
		for (const expression of found) {
			expect(() =>
				workflow.expression.getParameterValue(
					expression,
					null,
					0,
					0,
					generate.name,
					[],
					'manual',
					{},
				),
			).not.toThrow();
		}
	});
});
