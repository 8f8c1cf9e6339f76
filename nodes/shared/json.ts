import type { IDataObject } from 'n8n-workflow';

/** A plain JSON object (not null, not an array): the shape every HeyGen envelope and payload is read as. */
export function isRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string with something in it, else undefined: HeyGen sends "" and null alike for "no value". */
export function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
