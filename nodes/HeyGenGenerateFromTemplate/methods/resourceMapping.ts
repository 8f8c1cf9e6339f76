import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { fetchTemplate } from '../templates';
import type { ChoiceLists } from '../mapping/editorFields';
import { templateFields } from '../mapping/editorFields';
import { characterOptions, voiceOptions } from './loadOptions';
import { apiVersionChoice } from './listSearch';

function currentTemplateId(this: ILoadOptionsFunctions): string {
	const value =
		this.getCurrentNodeParameter('templateId', { extractValue: true }) ??
		this.getNodeParameter('templateId', '', { extractValue: true });
	return typeof value === 'string' ? value.trim() : '';
}

/** Lists only add dropdown entries; without them the fields still take IDs and expressions. */
async function optional<T>(load: () => Promise<T>): Promise<T | undefined> {
	try {
		return await load();
	} catch {
		return undefined;
	}
}

/** The chosen template's variables as resource-mapper fields, with avatars and voices as dropdowns. */
export async function getTemplateVariables(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const templateId = currentTemplateId.call(this);
	if (!templateId) return { fields: [], emptyFieldsNotice: 'Choose a template first' };
	const template = await fetchTemplate.call(this, templateId, apiVersionChoice.call(this));
	const types = new Set(template.variables.map((variable) => variable.type));
	const lists: ChoiceLists = {
		characters: types.has('character')
			? await optional(async () => await characterOptions.call(this))
			: undefined,
		voices: types.has('voice')
			? await optional(async () => await voiceOptions.call(this))
			: undefined,
	};
	const fields = templateFields(template, lists);
	const skipped = template.unsupported.map((entry) => `${entry.name} (${entry.type})`).join(', ');
	if (!fields.length) {
		return {
			fields,
			emptyFieldsNotice: skipped
				? `This template's variables are of types this node cannot set: ${skipped}`
				: 'This template has no variables: it renders as designed',
		};
	}
	return { fields };
}
