'use strict';
/**
 * Minimal `flatted` parser (same algorithm as flatted 3.x `parse`), used to decode the `data` field that
 * n8n's internal REST API (`GET /rest/executions/:id`) returns as a flatted string. No dependencies.
 * Format: a JSON array; element 0 is the root; inside objects/arrays every string value is an index
 * (as a decimal string) into the array; top-level string elements are the real string values.
 */
function parseFlatted(text) {
	const input = JSON.parse(text, (_k, v) => (typeof v === 'string' ? new String(v) : v));
	const values = input.map((v) => (v instanceof String ? String(v) : v));
	const seen = new Set();
	const revive = (output) => {
		const lazy = [];
		for (const k of Object.keys(output)) {
			const v = output[k];
			if (v instanceof String) {
				const ref = values[Number(v)];
				if (ref !== null && typeof ref === 'object' && !seen.has(ref)) {
					seen.add(ref);
					output[k] = undefined;
					lazy.push([k, ref]);
				} else {
					output[k] = ref;
				}
			}
		}
		for (const [k, ref] of lazy) output[k] = revive(ref);
		return output;
	};
	const root = values[0];
	if (root === null || typeof root !== 'object') return root;
	seen.add(root);
	return revive(root);
}

module.exports = { parseFlatted };
