/**
 * The generate options of one item: title, callback, size (checked against the template's aspect ratio),
 * frame rate and the rest, read from the node's parameters and checked before anything is sent.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { dimensionProblem } from './dimensions';
import type { GenerateSettings } from './generate';
import { defaultCallbackId } from './generate';
import { ItemError } from './itemError';
import type { ApiVersionChoice, NormalizedTemplate } from './templates';

export function redactUrl(url: string): string {
	return url.replace(/([?&]signature=)[^&]+/i, '$1redacted');
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

export function settingsFor(
	this: IExecuteFunctions,
	itemIndex: number,
	runIndex: number,
	template: NormalizedTemplate,
	choice: ApiVersionChoice,
	options: IDataObject,
): GenerateSettings {
	const item = `Item ${itemIndex + 1}`;
	const settings: GenerateSettings = {
		title:
			typeof options.title === 'string' && options.title.trim()
				? options.title
				: `${template.name} #${itemIndex + 1}`,
		callbackId:
			typeof options.callbackId === 'string' && options.callbackId.trim()
				? options.callbackId.trim()
				: defaultCallbackId(this.getExecutionId(), itemIndex, runIndex),
	};

	const callbackUrl = typeof options.callbackUrl === 'string' ? options.callbackUrl.trim() : '';
	if (options.resumeOnCallback === true) {
		if (callbackUrl) {
			throw new ItemError(
				`${item}: set either Callback URL or Resume on Callback, not both`,
				"Resume on Callback sets the callback URL to this execution's resume URL.",
			);
		}
		settings.callbackUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex));
	} else if (callbackUrl) {
		if (!isHttpUrl(callbackUrl))
			throw new ItemError(`${item}: Callback URL "${callbackUrl}" is not an http(s) URL`);
		settings.callbackUrl = callbackUrl;
	}

	const hasWidth = options.width !== undefined && options.width !== null && options.width !== '';
	const hasHeight =
		options.height !== undefined && options.height !== null && options.height !== '';
	if (hasWidth !== hasHeight) {
		throw new ItemError(
			`${item}: set both Width and Height, or neither (the template's own size is used)`,
		);
	}
	if (hasWidth && hasHeight) {
		const problem = dimensionProblem(options.width, options.height, template);
		if (problem) throw new ItemError(`${item}: ${problem}`);
		settings.dimension = { width: options.width as number, height: options.height as number };
	}

	if (options.fps !== undefined) {
		const fps = Number(options.fps);
		if (![25, 30, 60].includes(fps))
			throw new ItemError(`${item}: frame rate must be 25, 30 or 60, got ${String(options.fps)}`);
		settings.fps = fps;
	}
	if (typeof options.caption === 'boolean') settings.caption = options.caption;
	if (typeof options.includeGif === 'boolean') settings.includeGif = options.includeGif;
	if (typeof options.enableSharing === 'boolean') settings.enableSharing = options.enableSharing;
	if (typeof options.folderId === 'string' && options.folderId.trim())
		settings.folderId = options.folderId.trim();
	if (typeof options.brandVoiceId === 'string' && options.brandVoiceId.trim()) {
		settings.brandVoiceId = options.brandVoiceId.trim();
	}
	// Offered only with API Version Legacy V2 (the one route HeyGen documents it for).
	if (choice === 'legacy' && template.apiFamily === 'legacy' && typeof options.test === 'boolean') {
		settings.test = options.test;
	}
	return settings;
}
