/**
 * Template variables ↔ n8n's resource mapper: the fields the editor shows, and the check that the schema
 * stored with the node still describes the template it is about to render.
 */
import type { INodePropertyOptions, ResourceMapperField } from 'n8n-workflow';

import type { NormalizedTemplate, TemplateVariable, VariableType } from '../templates';
import { nonEmptyString, quoteList } from './values';

export const FITS = ['cover', 'contain', 'crop', 'none'] as const;
/** Legacy studio: fit_to_scene, freeze, loop, once; new studio: fit_to_scene, freeze, loop, full_video. */
export const PLAY_STYLES = ['fit_to_scene', 'freeze', 'loop', 'once', 'full_video'] as const;
export const CHARACTER_KINDS = ['avatar', 'talking_photo'] as const;
export type CharacterKind = (typeof CHARACTER_KINDS)[number];

export const fitFieldId = (name: string) => `${name} (fit)`;
export const playStyleFieldId = (name: string) => `${name} (play style)`;

export interface ChoiceLists {
	/** Values `avatar:<id>` / `talking_photo:<id>`. */
	characters?: INodePropertyOptions[];
	voices?: INodePropertyOptions[];
}

/**
 * A resource-mapper field with what the node needs to recognise a stale schema: the HeyGen type of the
 * variable it sets and, when HeyGen reports one, the template revision it was loaded from.
 */
export type TemplateField = ResourceMapperField & {
	heyGenType?: string;
	templateRevision?: string;
};

export function isMedia(type: string): boolean {
	return type === 'image' || type === 'video' || type === 'audio';
}

/** The field value that stands for the template's current media: its URL, else its asset ID. */
export function mediaDefault(variable: TemplateVariable): string | undefined {
	return nonEmptyString(variable.properties.url) ?? nonEmptyString(variable.properties.asset_id);
}

export function characterKind(variable: TemplateVariable): CharacterKind {
	return variable.properties.type === 'talking_photo' ? 'talking_photo' : 'avatar';
}

function characterDefault(variable: TemplateVariable): string | undefined {
	const id = nonEmptyString(variable.properties.character_id);
	return id ? `${characterKind(variable)}:${id}` : undefined;
}

/** The template's current text for a text variable ('' when it has none). */
export function templateText(variable: TemplateVariable): string {
	const content = variable.properties.content;
	return typeof content === 'string' ? content : '';
}

export function hasFit(variable: TemplateVariable): boolean {
	// The new studio's video variables have no fit; offer it only where the template uses it.
	return (
		variable.type === 'image' ||
		(variable.type === 'video' && Object.prototype.hasOwnProperty.call(variable.properties, 'fit'))
	);
}

/** Every field id the template accepts: variable names plus the media fit / play style fields. */
export function knownFieldIds(template: NormalizedTemplate): string[] {
	const known: string[] = [];
	for (const variable of template.variables) {
		known.push(variable.name);
		if (isMedia(variable.type) && hasFit(variable)) known.push(fitFieldId(variable.name));
		if (variable.type === 'video') known.push(playStyleFieldId(variable.name));
	}
	return known;
}

function withDefault(
	options: INodePropertyOptions[] | undefined,
	value: string | undefined,
	label: string,
) {
	const list = [...(options ?? [])];
	if (value && !list.some((option) => option.value === value)) {
		list.unshift({ name: `${label} (template's current value)`, value });
	}
	return list;
}

function optionList(values: readonly string[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: value, value }));
}

function short(value: string, max = 60): string {
	return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * One resource-mapper field per variable, plus optional `<name> (fit)` / `<name> (play style)` fields for
 * media. `defaultValue` pre-fills the template's current value. The fields depend only on the template:
 * nothing else of the node's parameters is read, so switching the template always gives its own fields.
 */
export function templateFields(
	template: NormalizedTemplate,
	lists: ChoiceLists = {},
): TemplateField[] {
	const fields: TemplateField[] = [];
	const taken = new Set(template.variables.map((variable) => variable.name));
	const base = (type: VariableType) => ({
		required: false,
		display: true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		heyGenType: type,
		...(template.revision ? { templateRevision: template.revision } : {}),
	});
	for (const variable of template.variables) {
		const { name } = variable;
		switch (variable.type) {
			case 'text': {
				const content =
					typeof variable.properties.content === 'string' ? variable.properties.content : undefined;
				fields.push({
					...base('text'),
					id: name,
					displayName: `${name} (text)`,
					type: 'string',
					defaultValue: content,
				});
				break;
			}
			case 'image':
			case 'video':
			case 'audio': {
				fields.push({
					...base(variable.type),
					id: name,
					displayName: `${name} (${variable.type})`,
					type: 'string',
					defaultValue: mediaDefault(variable),
				});
				if (hasFit(variable) && !taken.has(fitFieldId(name))) {
					fields.push({
						...base(variable.type),
						id: fitFieldId(name),
						displayName: fitFieldId(name),
						type: 'options',
						options: optionList(FITS),
						defaultValue: nonEmptyString(variable.properties.fit),
					});
				}
				if (variable.type === 'video' && !taken.has(playStyleFieldId(name))) {
					fields.push({
						...base(variable.type),
						id: playStyleFieldId(name),
						displayName: playStyleFieldId(name),
						type: 'options',
						options: optionList(PLAY_STYLES),
						defaultValue: nonEmptyString(variable.properties.play_style),
					});
				}
				break;
			}
			case 'character':
			case 'voice': {
				// A dropdown of the account's avatars or voices, with the template's own choice kept in it.
				const isVoice = variable.type === 'voice';
				const current = isVoice
					? nonEmptyString(variable.properties.voice_id)
					: characterDefault(variable);
				fields.push({
					...base(variable.type),
					id: name,
					displayName: `${name} (${isVoice ? 'voice' : 'avatar'})`,
					type: 'options',
					options: withDefault(
						isVoice ? lists.voices : lists.characters,
						current,
						short(current ?? ''),
					),
					defaultValue: current,
				});
				break;
			}
		}
	}
	return fields;
}

/**
 * Why the schema stored with the node no longer describes the template (fields the template no longer has,
 * other types, or, where HeyGen reports it, another revision), or undefined when it still does. An empty stored schema
 * (never loaded) describes nothing and is not stale. Values typed for another template are never sent.
 */
export function staleSchemaProblem(
	template: NormalizedTemplate,
	stored: TemplateField[],
): string | undefined {
	if (!stored.length) return undefined;
	const current = templateFields(template);
	const currentById = new Map(current.map((field) => [field.id, field]));
	const storedById = new Map(stored.map((field) => [field.id, field]));
	const gone = stored.filter((field) => !currentById.has(field.id)).map((field) => field.id);
	const added = current.filter((field) => !storedById.has(field.id)).map((field) => field.id);
	const retyped = stored
		.filter((field) => {
			const now = currentById.get(field.id);
			return now && field.heyGenType !== undefined && field.heyGenType !== now.heyGenType;
		})
		.map((field) => `${field.id} (${field.heyGenType} → ${currentById.get(field.id)?.heyGenType})`);
	const reasons: string[] = [];
	if (gone.length) reasons.push(`no longer has ${quoteList(gone)}`);
	if (retyped.length) reasons.push(`changed the type of ${retyped.join(', ')}`);
	// Variables the stored fields do not know yet get the template's values: alone they are no reason to stop.
	if (reasons.length && added.length) reasons.push(`now also has ${quoteList(added)}`);
	const storedRevision = stored.find(
		(field) => field.templateRevision !== undefined,
	)?.templateRevision;
	if (
		!reasons.length &&
		template.revision &&
		storedRevision &&
		storedRevision !== template.revision
	) {
		reasons.push(`was edited in HeyGen since (revision ${storedRevision} → ${template.revision})`);
	}
	if (!reasons.length) return undefined;
	return `the variable fields were loaded for another version of the template: "${template.name}" ${reasons.join(', ')}. Open the node and reload the variables (Refresh), then check the values; nothing was sent`;
}
