/** Width and height against HeyGen's limits and the template's aspect ratio, checked before sending. */
import type { NormalizedTemplate } from './templates';
import { hasOwn } from './mapping/values';

const NAMED_RATIOS: Record<string, number> = { landscape: 16 / 9, portrait: 9 / 16, square: 1 };
/** Relative difference allowed between the requested and the template's aspect ratio. */
export const ASPECT_TOLERANCE = 0.02;

/**
 * A template's aspect ratio as width / height: HeyGen's names (landscape, portrait, square) and `W:H`
 * (16:9, 9:16, 1:1, 4:5, 5:4, …, also `W/H` and `WxH`). Undefined when it is neither.
 */
export function aspectRatioValue(aspectRatio: string | undefined): number | undefined {
	if (!aspectRatio) return undefined;
	const text = aspectRatio.trim().toLowerCase();
	if (hasOwn(NAMED_RATIOS, text)) return NAMED_RATIOS[text];
	const match = /^(\d+(?:\.\d+)?)\s*[:/x]\s*(\d+(?:\.\d+)?)$/.exec(text);
	if (!match) return undefined;
	const width = Number(match[1]);
	const height = Number(match[2]);
	return width > 0 && height > 0 ? width / height : undefined;
}

/**
 * HeyGen: width and height even integers from 128 to 4096, matching the template's aspect ratio.
 * Returns an error message, or undefined when the dimension is acceptable.
 */
export function dimensionProblem(
	width: unknown,
	height: unknown,
	template: Pick<NormalizedTemplate, 'aspectRatio' | 'dimension'>,
): string | undefined {
	for (const [label, value] of [
		['width', width],
		['height', height],
	] as const) {
		if (typeof value !== 'number' || !Number.isInteger(value)) {
			return `dimension ${label} must be a whole number, got ${JSON.stringify(value)}`;
		}
		if (value < 128 || value > 4096)
			return `dimension ${label} ${value} is outside HeyGen's range 128–4096`;
		if (value % 2 !== 0) return `dimension ${label} ${value} must be even`;
	}
	const w = width as number;
	const h = height as number;
	const expected = template.dimension
		? template.dimension.width / template.dimension.height
		: aspectRatioValue(template.aspectRatio);
	if (expected === undefined) return undefined;
	if (Math.abs(w / h - expected) / expected > ASPECT_TOLERANCE) {
		const shape = template.dimension
			? `${template.dimension.width}x${template.dimension.height}`
			: (template.aspectRatio ?? '');
		return `dimension ${w}x${h} does not match the template's aspect ratio (${shape}); a forced size that does not fit the template distorts or fails the render`;
	}
	return undefined;
}
