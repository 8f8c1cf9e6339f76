/** One header's value, whatever the case of its name and whether n8n hands it over as a list. */
export function headerValue(
	headers: Record<string, unknown> | undefined,
	name: string,
): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() !== wanted) continue;
		const first: unknown = Array.isArray(value) ? value[0] : value;
		if (typeof first === 'string') return first;
	}
	return undefined;
}
