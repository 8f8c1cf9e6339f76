/** Checks and conversions of single field values into HeyGen's variable properties. */
import type { CharacterKind } from './editorFields';
import { privateHostReason } from './publicUrl';
import { VariableError, describe, truncate } from './values';

/** http(s) URL → url; an ID-shaped string → asset_id; anything else is refused. */
export function mediaProperty(
	name: string,
	type: string,
	value: string,
): { url: string } | { asset_id: string } {
	const text = value.trim();
	if (/^https?:\/\//i.test(text)) {
		let parsed: URL | undefined;
		try {
			parsed = new URL(text);
		} catch {
			parsed = undefined;
		}
		if (!parsed || !parsed.hostname || /\s/.test(text)) {
			throw new VariableError(
				`variable "${name}" (${type}) has a malformed URL: "${truncate(text)}"`,
				name,
			);
		}
		const unreachable = privateHostReason(parsed.hostname);
		if (unreachable) {
			throw new VariableError(
				`variable "${name}" (${type}) must be a public URL HeyGen can fetch: ${unreachable}`,
				name,
			);
		}
		return { url: text };
	}
	if (/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/.test(text) && !/^www\./i.test(text))
		return { asset_id: text };
	throw new VariableError(
		`variable "${name}" (${type}) must be a public http(s) URL or a HeyGen asset ID, got "${truncate(text)}"`,
		name,
	);
}

/** `avatar:<id>`, `talking_photo:<id>`, or a bare ID whose kind comes from the template. */
export function parseCharacter(
	name: string,
	value: string,
	fallbackKind: CharacterKind,
): { type: CharacterKind; character_id: string } {
	const text = value.trim();
	const match = /^(avatar|talking_photo):(.*)$/.exec(text);
	const type = match ? (match[1] as CharacterKind) : fallbackKind;
	const id = (match ? match[2] : text).trim();
	if (!id || /\s/.test(id)) {
		throw new VariableError(
			`variable "${name}" (character) must be an avatar or talking photo ID (optionally "avatar:<id>" or "talking_photo:<id>"), got "${truncate(text)}"`,
			name,
		);
	}
	return { type, character_id: id };
}

export function choice(
	name: string,
	fieldId: string,
	value: unknown,
	allowed: readonly string[],
): string {
	if (typeof value !== 'string' || !allowed.includes(value)) {
		throw new VariableError(
			`"${fieldId}" must be one of ${allowed.join(', ')}, got ${typeof value === 'string' ? `"${truncate(value)}"` : describe(value)}`,
			name,
		);
	}
	return value;
}

export function voiceId(name: string, value: string): string {
	const id = value.trim();
	if (/\s/.test(id))
		throw new VariableError(
			`variable "${name}" (voice) must be a voice ID, got "${truncate(id)}"`,
			name,
		);
	return id;
}
