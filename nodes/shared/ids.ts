/**
 * HeyGen IDs (templates, videos) go into URL paths and into the comma-separated bulk status query, so an ID is
 * checked before anything is sent: `..` would climb to another endpoint, `,` would ask about a second video,
 * `?`, `#`, `/` and `%` would change the request. HeyGen's IDs are 32 hex characters; letters, digits, `_`
 * and `-` cover every form seen (and the sandbox's readable ones).
 */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Why `id` cannot be a HeyGen ID, or undefined when it can. */
export function idRefusal(id: string): string | undefined {
	if (SAFE_ID.test(id)) return undefined;
	if (id.length > 128) return `it is ${id.length} characters long (HeyGen IDs are at most 128)`;
	const bad = [...id].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
	const shown = /^[\x21-\x7e]$/.test(bad)
		? `"${bad}"`
		: `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
	return `it contains ${shown}; HeyGen IDs use only letters, digits, "_" and "-"`;
}

/** The ID as it may be shown in a message: bounded, control characters made visible. */
export function showId(id: string): string {
	const visible = [...id]
		.map((c) => {
			const code = c.charCodeAt(0);
			const control =
				code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
			return control ? `\\u${code.toString(16).padStart(4, '0')}` : c;
		})
		.join('');
	return visible.length > 80 ? `${visible.slice(0, 77)}...` : visible;
}
