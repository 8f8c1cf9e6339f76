'use strict';
/**
 * Validation of a generate body (both routes), the way HeyGen rejects: 400 invalid_parameter naming the
 * variable (v3 also names it in `param`). Returns { error } or { value } with the normalised request.
 *
 * SIM CHOICEs:
 *  - text content over 5,000 characters is rejected at submit (real HeyGen may only fail at render time);
 *  - unknown top-level fields are ignored; character_id / voice_id / folder_id / brand ids are not looked up;
 *  - media urls must be http(s) URLs.
 */

const MAX_TEXT = 5000;
const TYPES = ['text', 'image', 'video', 'audio', 'character', 'voice'];
const IMAGE_FIT = ['cover', 'contain', 'crop', 'none'];
const VIDEO_FIT = ['cover', 'contain', 'crop', 'none'];
const PLAY_STYLES = ['fit_to_scene', 'freeze', 'loop', 'once', 'full_video'];
const CHARACTER_TYPES = ['avatar', 'talking_photo'];

function hasOwn(o, k) {
	return Object.prototype.hasOwnProperty.call(o, k);
}
function setOwn(o, k, v) {
	Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * The texts the video shows: each scene's script with the text variables substituted from the effective
 * variables. A placeholder whose variable has no text (v3: omitted) stays literally, as HeyGen renders it.
 */
function renderTexts(template, effective) {
	const texts = template.scenes.map((scene) =>
		scene.script.replace(/\{\{([^{}]+)\}\}/g, (whole, name) => {
			const v = hasOwn(effective, name) ? effective[name] : undefined;
			const content = v && v.type === 'text' && v.properties ? v.properties.content : undefined;
			return typeof content === 'string' ? content : whole;
		}),
	);
	const placeholders = [];
	for (const t of texts) for (const m of t.matchAll(/\{\{([^{}]+)\}\}/g)) placeholders.push(m[1]);
	return { texts, placeholders };
}

function kindOf(v) {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	return typeof v;
}
function isPlainObject(v) {
	return kindOf(v) === 'object';
}
function bad(message, param) {
	return { error: { status: 400, code: 'invalid_parameter', message, param } };
}
function isHttpUrl(s) {
	if (typeof s !== 'string' || !s) return false;
	try {
		const u = new URL(s);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}
function optString(obj, key) {
	return obj[key] === undefined || obj[key] === null || typeof obj[key] === 'string';
}

function checkMedia(name, props, base, typeLabel) {
	const hasUrl = typeof props.url === 'string' && props.url !== '';
	const hasAsset = typeof props.asset_id === 'string' && props.asset_id !== '';
	if (!optString(props, 'url'))
		return bad(`Variable '${name}': properties.url must be a string`, `${base}.url`);
	if (!optString(props, 'asset_id'))
		return bad(`Variable '${name}': properties.asset_id must be a string`, `${base}.asset_id`);
	if (!hasUrl && !hasAsset)
		return bad(
			`Variable '${name}' (${typeLabel}) requires properties.url or properties.asset_id`,
			base,
		);
	if (hasUrl && !isHttpUrl(props.url))
		return bad(`Variable '${name}': properties.url must be a public http(s) URL`, `${base}.url`);
	return null;
}

function checkVariable(key, value, tplVar) {
	const base = `variables.${key}`;
	if (!isPlainObject(value)) {
		return bad(
			`Variable '${key}' must be an object {name, type, properties}, got ${kindOf(value)}`,
			base,
		);
	}
	if (value.name !== key) {
		return bad(
			`Variable '${key}': name must equal its key ('${key}'), got '${value.name}'`,
			`${base}.name`,
		);
	}
	if (!TYPES.includes(value.type)) {
		return bad(
			`Variable '${key}': type must be one of ${TYPES.join(', ')}, got '${value.type}'`,
			`${base}.type`,
		);
	}
	if (value.type !== tplVar.type) {
		return bad(
			`Variable '${key}' has type '${tplVar.type}' in the template, got '${value.type}'`,
			`${base}.type`,
		);
	}
	const props = value.properties;
	const pbase = `${base}.properties`;
	if (!isPlainObject(props)) return bad(`Variable '${key}': properties must be an object`, pbase);
	switch (value.type) {
		case 'text':
			if (typeof props.content !== 'string')
				return bad(
					`Variable '${key}' (text) requires properties.content as a string`,
					`${pbase}.content`,
				);
			if (props.content.length > MAX_TEXT)
				return bad(
					`Variable '${key}': text is ${props.content.length} characters, the maximum is ${MAX_TEXT}`,
					`${pbase}.content`,
				);
			return null;
		case 'image': {
			const e = checkMedia(key, props, pbase, 'image');
			if (e) return e;
			if (props.fit !== undefined && props.fit !== null && !IMAGE_FIT.includes(props.fit))
				return bad(`Variable '${key}': fit must be one of ${IMAGE_FIT.join(', ')}`, `${pbase}.fit`);
			return null;
		}
		case 'video': {
			const e = checkMedia(key, props, pbase, 'video');
			if (e) return e;
			if (
				props.play_style !== undefined &&
				props.play_style !== null &&
				!PLAY_STYLES.includes(props.play_style)
			)
				return bad(
					`Variable '${key}': play_style must be one of ${PLAY_STYLES.join(', ')}`,
					`${pbase}.play_style`,
				);
			if (props.fit !== undefined && props.fit !== null && !VIDEO_FIT.includes(props.fit))
				return bad(`Variable '${key}': fit must be one of ${VIDEO_FIT.join(', ')}`, `${pbase}.fit`);
			return null;
		}
		case 'audio':
			return checkMedia(key, props, pbase, 'audio');
		case 'character':
			if (!CHARACTER_TYPES.includes(props.type))
				return bad(
					`Variable '${key}' (character): properties.type must be avatar or talking_photo`,
					`${pbase}.type`,
				);
			if (typeof props.character_id !== 'string' || !props.character_id)
				return bad(
					`Variable '${key}' (character) requires properties.character_id`,
					`${pbase}.character_id`,
				);
			return null;
		case 'voice':
			if (typeof props.voice_id !== 'string' || !props.voice_id)
				return bad(`Variable '${key}' (voice) requires properties.voice_id`, `${pbase}.voice_id`);
			return null;
		default:
			return null;
	}
}

function checkDimension(dim, template) {
	if (!isPlainObject(dim)) return bad('dimension must be an object {width, height}', 'dimension');
	for (const k of ['width', 'height']) {
		const n = dim[k];
		if (!Number.isInteger(n)) return bad(`dimension.${k} must be an integer`, `dimension.${k}`);
		if (n < 128 || n > 4096)
			return bad(`dimension.${k} must be between 128 and 4096`, `dimension.${k}`);
		if (n % 2 !== 0) return bad(`dimension.${k} must be an even number`, `dimension.${k}`);
	}
	const want = template.dimension.width / template.dimension.height;
	const got = dim.width / dim.height;
	if (Math.abs(got - want) / want > 0.02) {
		return bad(
			`dimension ${dim.width}x${dim.height} does not match the template's aspect ratio (${template.aspect_ratio}, ${template.dimension.width}x${template.dimension.height})`,
			'dimension',
		);
	}
	return null;
}

/**
 * Validate a generate body against a template. `route` is 'v3' or 'legacy' (only affects messages).
 * Returns { error } or { value: { variables (effective, defaults merged), requestVariables, ... } }.
 */
function validateGenerate(body, template, family = 'v3') {
	if (!isPlainObject(body)) return bad('Request body must be a JSON object', 'body');
	if (body.template_id !== undefined) {
		return bad(
			'template_id must be given in the path (/v2/template/{template_id}/generate), not in the body',
			'template_id',
		);
	}
	if (body.variables === undefined || body.variables === null)
		return bad('variables is required', 'variables');
	if (!isPlainObject(body.variables)) {
		return bad(
			`variables must be an object keyed by variable name, got ${kindOf(body.variables)}`,
			'variables',
		);
	}
	const tplVars = template.variables;
	for (const [key, value] of Object.entries(body.variables)) {
		const tplVar = hasOwn(tplVars, key) ? tplVars[key] : undefined;
		if (!tplVar) {
			const ci = Object.keys(tplVars).find((k) => k.toLowerCase() === key.toLowerCase());
			const hint = ci ? ` (variable names are case-sensitive: did you mean '${ci}'?)` : '';
			return bad(
				`Unknown variable '${key}' for template ${template.id}${hint}`,
				`variables.${key}`,
			);
		}
		const e = checkVariable(key, value, tplVar);
		if (e) return e;
	}
	if (body.dimension !== undefined && body.dimension !== null) {
		const e = checkDimension(body.dimension, template);
		if (e) return e;
	}
	if (body.fps !== undefined && body.fps !== null && ![25, 30, 60].includes(body.fps)) {
		return bad('fps must be one of 25, 30, 60', 'fps');
	}
	for (const k of [
		'caption',
		'include_gif',
		'enable_sharing',
		'test',
		'reorder_music',
		'keep_text_vertically_centered',
	]) {
		if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'boolean') {
			return bad(`${k} must be a boolean`, k);
		}
	}
	for (const k of [
		'title',
		'callback_id',
		'callback_url',
		'folder_id',
		'brand_voice_id',
		'brand_glossary_id',
	]) {
		if (!optString(body, k)) return bad(`${k} must be a string`, k);
	}
	if (body.callback_url && !isHttpUrl(body.callback_url)) {
		return bad('callback_url must be an http(s) URL', 'callback_url');
	}
	if (body.scene_ids !== undefined && body.scene_ids !== null) {
		if (!Array.isArray(body.scene_ids) || body.scene_ids.some((s) => typeof s !== 'string')) {
			return bad('scene_ids must be an array of strings', 'scene_ids');
		}
		const known = new Set(template.scenes.map((s) => s.id));
		const unknown = body.scene_ids.find((s) => !known.has(s));
		if (unknown !== undefined)
			return bad(`Unknown scene id '${unknown}' for template ${template.id}`, 'scene_ids');
	}
	if (body.subtitles !== undefined && body.subtitles !== null) {
		if (!isPlainObject(body.subtitles) || typeof body.subtitles.preset_name !== 'string') {
			return bad('subtitles.preset_name is required', 'subtitles.preset_name');
		}
	}

	// HeyGen v3: an omitted text variable is not substituted (its literal {{name}} stays); other omitted
	// variables keep the template's value. Legacy: the template's own text is used (SIM CHOICE).
	const effective = JSON.parse(JSON.stringify(tplVars));
	for (const [key, value] of Object.entries(effective)) {
		if (family === 'v3' && value && value.type === 'text' && !hasOwn(body.variables, key)) {
			setOwn(effective, key, { name: key, type: 'text', properties: { content: `{{${key}}}` } });
		}
	}
	for (const [key, value] of Object.entries(body.variables)) {
		setOwn(effective, key, JSON.parse(JSON.stringify(value)));
	}
	const rendered = renderTexts(template, effective);
	return {
		value: {
			variables: effective,
			renderedTexts: rendered.texts,
			unfilledPlaceholders: rendered.placeholders,
			requestVariables: body.variables,
			title: body.title || null,
			caption: body.caption === true || (body.subtitles !== undefined && body.subtitles !== null),
			includeGif: body.include_gif === true,
			callbackId: body.callback_id ?? null,
			callbackUrl: body.callback_url || null,
			dimension: body.dimension
				? { width: body.dimension.width, height: body.dimension.height }
				: { ...template.dimension },
			fps: body.fps ?? 25,
			folderId: body.folder_id || null,
			enableSharing: body.enable_sharing === true,
			test: body.test === true,
			sceneIds: body.scene_ids || null,
		},
	};
}

/** Magic outcome (SIM CHOICE) from text contents the request set: [[sandbox:fail]] / [[sandbox:stuck]]. */
function magicOutcome(requestVariables) {
	let outcome = 'auto';
	for (const v of Object.values(requestVariables || {})) {
		const c = v && v.type === 'text' && v.properties && v.properties.content;
		if (typeof c !== 'string') continue;
		if (c.includes('[[sandbox:fail]]')) return 'fail';
		if (c.includes('[[sandbox:stuck]]')) outcome = 'stuck';
	}
	return outcome;
}

module.exports = { validateGenerate, magicOutcome, MAX_TEXT };
