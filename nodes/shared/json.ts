import type { IDataObject } from 'n8n-workflow';

/** A plain JSON object (not null, not an array): the shape every HeyGen envelope and payload is read as. */
export function isRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Largest raw HeyGen record copied into an item's `heygen` field (a status record is ~2 KB). */
export const MAX_RAW_FIELD_CHARS = 64 * 1024;

/**
 * The raw record as it is when small; otherwise a copy without its oversized values, marked truncated. Items
 * are copied through every later node, so one huge answer must not become thousands of huge items.
 */
export function boundedRaw(record: Record<string, unknown>): Record<string, unknown> {
	const size = JSON.stringify(record)?.length ?? 0;
	if (size <= MAX_RAW_FIELD_CHARS) return record;
	const kept: Record<string, unknown> = { _truncated: true, _original_size: size };
	let budget = MAX_RAW_FIELD_CHARS / 2;
	for (const [key, value] of Object.entries(record)) {
		const length = JSON.stringify(value)?.length ?? 0;
		if (length <= 2048 && length <= budget && key.length <= 200) {
			kept[key] = value;
			budget -= length;
		}
	}
	return kept;
}
