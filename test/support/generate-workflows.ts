/**
 * The Generate workflow the fault and Retry On Fail tests run: Trigger -> Generate (-> Good / Failed when asked),
 * with the sandbox templates' resource mapper schemas as the editor would store them.
 */
import { PACKAGE } from '../harness/engine';
import type { Loose } from './loose';

type Json = Record<string, Loose>;

const GEN = `${PACKAGE}.heyGenGenerateFromTemplate`;

const SCHEMA = {
	tpl_birthday: [
		{
			id: 'name',
			displayName: 'name (text)',
			type: 'string',
			required: false,
			display: true,
			defaultMatch: false,
			defaultValue: 'Friend',
		},
		{
			id: 'message',
			displayName: 'message (text)',
			type: 'string',
			required: false,
			display: true,
			defaultMatch: false,
			defaultValue: 'Happy birthday!',
		},
	],
	tpl_legacy_promo: [
		{
			id: 'title_text',
			displayName: 'title_text (text)',
			type: 'string',
			required: false,
			display: true,
			defaultMatch: false,
		},
	],
} as Record<string, Json[]>;

export function workflow(templateId: string, values: Json, extra: Json = {}) {
	return {
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
			{
				name: 'Generate',
				type: GEN,
				credentials: { heyGenTemplatesApi: { id: '1', name: 'HeyGen' } },
				parameters: {
					apiVersion: 'auto',
					templateId: { __rl: true, mode: 'id', value: templateId },
					variables: {
						mappingMode: 'defineBelow',
						value: values,
						matchingColumns: [],
						schema: SCHEMA[templateId] ?? [],
						attemptToConvertTypes: false,
						convertFieldsToString: false,
					},
					options: extra.options ?? {},
				},
				...(extra.onError ? { onError: extra.onError } : {}),
			},
			...(extra.after
				? [
						{ name: 'Good', type: 'n8n-nodes-base.noOp' },
						{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
					]
				: []),
		],
		connections: {
			Trigger: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] },
			...(extra.after
				? {
						Generate: {
							main: [
								[{ node: 'Good', type: 'main', index: 0 }],
								[{ node: 'Failed', type: 'main', index: 0 }],
							],
						},
					}
				: {}),
		},
	};
}
