'use strict';
/**
 * Fixtures of the HeyGen sandbox: templates (voices, avatars, talking photos, folders and brand voices are in
 * ./library.js; exported here too).
 * Ids are FIXED: other tests reference them. Do not rename.
 *
 * A template here is an internal record:
 *   { id, name, family: 'v3' | 'legacy', aspect_ratio, dimension: {width, height}, thumbnail_url,
 *     created_at, updated_at (unix seconds), variables: { <name>: {name, type, properties} } (defaults),
 *     scenes: [{ id, script, variables: [<name>, ...] }] }
 * family 'v3'     = "New AI Studio" template: served by every route (v3 list/detail/generate, /v3/template/{id},
 *                   /v2/templates, /v2/template/{id}, /v2/template/{id}/generate).
 * family 'legacy' = legacy AI Studio only: /v2/templates, /v2/template/{id}, /v2/template/{id}/generate;
 *                   404 on /v3/templates/{id}, POST /v3/templates/{id} and /v3/template/{id}.
 */

const THUMB_HOST = 'https://resource2.heygen.ai/template/thumbnails';

const library = require('./library');

const { ASSET_HOST } = library;

const { ava: VOICE_AVA, ethan: VOICE_ETHAN, chloe: VOICE_CHLOE } = library.ids.voices;
const { briana: AVATAR_BRIANA, josh: AVATAR_JOSH } = library.ids.avatars;
const { maya: TALKING_PHOTO_MAYA } = library.ids.talkingPhotos;

const DIMENSIONS = {
	landscape: { width: 1920, height: 1080 },
	portrait: { width: 1080, height: 1920 },
	square: { width: 1080, height: 1080 },
};

function text(name, content) {
	return { name, type: 'text', properties: { content } };
}
function image(name, file, fit = 'cover') {
	return { name, type: 'image', properties: { url: `${ASSET_HOST}/${file}`, asset_id: null, fit } };
}
function video(name, file, playStyle = 'loop', fit = 'cover') {
	return {
		name,
		type: 'video',
		properties: { url: `${ASSET_HOST}/${file}`, asset_id: null, play_style: playStyle, fit },
	};
}
function audio(name, file) {
	return { name, type: 'audio', properties: { url: `${ASSET_HOST}/${file}`, asset_id: null } };
}
function character(name, characterId, type = 'avatar') {
	return { name, type: 'character', properties: { type, character_id: characterId } };
}
function voice(name, voiceId) {
	return { name, type: 'voice', properties: { voice_id: voiceId } };
}
/** Own properties only: variable names such as `__proto__` or `constructor` must be plain keys here too. */
function vars(...list) {
	const out = {};
	for (const v of list)
		Object.defineProperty(out, v.name, {
			value: v,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	return out;
}

const BASE_TS = 1767225600; // 2026-01-01T00:00:00Z

const FIXED_TEMPLATES = [
	{
		id: 'tpl_birthday',
		name: 'Birthday Greeting',
		family: 'v3',
		aspect_ratio: 'landscape',
		dimension: { width: 1920, height: 1080 },
		variables: vars(text('name', 'Friend'), text('message', 'Happy birthday!')),
		scenes: [
			{ id: 'scn_birthday_intro', script: 'Happy birthday, {{name}}!', variables: ['name'] },
			{ id: 'scn_birthday_message', script: '{{message}}', variables: ['message'] },
		],
	},
	{
		id: 'tpl_all_types',
		name: 'All Variable Types Showcase',
		family: 'v3',
		aspect_ratio: 'portrait',
		dimension: { width: 1080, height: 1920 },
		variables: vars(
			text('headline', 'Meet the new lineup'),
			text('script', 'Hello! This is the default narration of the all-types template.'),
			image('logo', 'logo.png', 'contain'),
			video('background', 'background.mp4', 'loop', 'cover'),
			audio('music', 'music.mp3'),
			character('presenter', AVATAR_BRIANA, 'avatar'),
			voice('narrator', VOICE_AVA),
		),
		scenes: [
			{
				id: 'scn_all_intro',
				script: '{{headline}}',
				variables: ['headline', 'logo', 'background', 'music'],
			},
			{
				id: 'scn_all_main',
				script: '{{script}}',
				variables: ['script', 'presenter', 'narrator', 'music'],
			},
		],
	},
	{
		id: 'tpl_sales_outreach',
		name: 'Sales Outreach — Personal Intro',
		family: 'v3',
		aspect_ratio: 'landscape',
		dimension: { width: 1920, height: 1080 },
		variables: vars(
			text('first_name', 'there'),
			text('company', 'your company'),
			text(
				'script',
				'I recorded this short video to show how we can help your team save hours every week.',
			),
			voice('narrator', VOICE_ETHAN),
		),
		scenes: [
			{
				id: 'scn_sales_hello',
				script: 'Hi {{first_name}} from {{company}}!',
				variables: ['first_name', 'company', 'narrator'],
			},
			{ id: 'scn_sales_pitch', script: '{{script}}', variables: ['script', 'narrator'] },
		],
	},
	{
		id: 'tpl_legacy_promo',
		name: 'Legacy Product Promo',
		family: 'legacy',
		aspect_ratio: 'landscape',
		dimension: { width: 1280, height: 720 },
		variables: vars(
			text('title_text', 'Big Summer Sale'),
			image('product_image', 'product.jpg', 'cover'),
		),
		scenes: [
			{
				id: 'scn_legacy_main',
				script: '{{title_text}}',
				variables: ['title_text', 'product_image'],
			},
		],
	},
	{
		// Variables named like the fields n8n's AI nodes wrap their answers in (LangChain `output` / `text`).
		id: 'tpl_wrapper_names',
		name: 'Wrapper-Named Variables',
		family: 'v3',
		aspect_ratio: 'landscape',
		dimension: { width: 1920, height: 1080 },
		variables: vars(text('output', 'Default output line'), text('text', 'Default on-screen text')),
		scenes: [
			{ id: 'scn_wrapper_main', script: '{{output}} {{text}}', variables: ['output', 'text'] },
		],
	},
	{
		// Names every JavaScript object inherits: lookups must use own properties only.
		id: 'tpl_js_names',
		name: 'JavaScript-Named Variables',
		family: 'v3',
		aspect_ratio: 'landscape',
		dimension: { width: 1920, height: 1080 },
		variables: vars(
			text('constructor', 'Default builder'),
			text('__proto__', 'Default proto'),
			text('toString', 'Default string'),
		),
		scenes: [
			{
				id: 'scn_js_main',
				script: '{{constructor}} / {{__proto__}} / {{toString}}',
				variables: ['constructor', '__proto__', 'toString'],
			},
		],
	},
	{
		// HeyGen reports ratios as W:H too; the v3 detail carries no dimension, so only the ratio tells.
		id: 'tpl_vertical_story',
		name: 'Vertical Story',
		family: 'v3',
		aspect_ratio: '9:16',
		dimension: { width: 1080, height: 1920 },
		variables: vars(text('headline', 'Swipe up')),
		scenes: [{ id: 'scn_vertical_main', script: '{{headline}}', variables: ['headline'] }],
	},
	{
		id: 'tpl_square_no_vars',
		name: 'Square Brand Sting',
		family: 'v3',
		aspect_ratio: 'square',
		dimension: { width: 1080, height: 1080 },
		variables: {},
		scenes: [{ id: 'scn_square_sting', script: 'Welcome to our channel.', variables: [] }],
	},
];

const GENERATED_THEMES = [
	'Weekly Recap',
	'Product Launch',
	'Customer Onboarding',
	'Event Invitation',
	'Real Estate Listing',
	'Course Introduction',
	'Thank You Note',
	'Quarterly Update',
	'Job Offer Congratulations',
	'Webinar Reminder',
	'Holiday Greeting',
	'Feature Announcement',
	'Café Promo — Édition été',
	'Renewal Reminder',
	'Appointment Confirmation',
	'Team Welcome',
];
const RATIOS = ['landscape', 'portrait', 'square'];

function generatedTemplates(count = 32) {
	const out = [];
	for (let i = 1; i <= count; i++) {
		const nn = String(i).padStart(2, '0');
		const theme = GENERATED_THEMES[(i - 1) % GENERATED_THEMES.length];
		const ratio = RATIOS[(i - 1) % RATIOS.length];
		const list = [text('headline', `${theme} headline`), text('cta', 'Learn more')];
		if (i % 3 === 0)
			list.push(
				character(
					'avatar',
					i % 2 ? AVATAR_JOSH : TALKING_PHOTO_MAYA,
					i % 2 ? 'avatar' : 'talking_photo',
				),
			);
		if (i % 4 === 0) list.push(voice('voice', VOICE_CHLOE));
		if (i % 5 === 0) list.push(image('hero_image', `hero_${nn}.jpg`, 'crop'));
		out.push({
			id: `tpl_gen_${nn}`,
			name: `${theme} ${nn}`,
			family: 'v3',
			aspect_ratio: ratio,
			dimension: { ...DIMENSIONS[ratio] },
			variables: vars(...list),
			scenes: [
				{
					id: `scn_gen_${nn}_a`,
					script: '{{headline}}',
					variables: list.map((v) => v.name).filter((n) => n !== 'cta'),
				},
				{ id: `scn_gen_${nn}_b`, script: '{{cta}}', variables: ['cta'] },
			],
		});
	}
	return out;
}

function finish(list) {
	return list.map((t, idx) => ({
		thumbnail_url: `${THUMB_HOST}/${t.id}.jpg`,
		revision: 1,
		created_at: BASE_TS + idx * 3600,
		updated_at: BASE_TS + idx * 3600 + 600,
		...t,
	}));
}

/** All templates, in list order (fixed ones first). */
const TEMPLATES = finish([...FIXED_TEMPLATES, ...generatedTemplates(32)]);

function getTemplate(id) {
	return TEMPLATES.find((t) => t.id === id) || null;
}

module.exports = {
	TEMPLATES,
	VOICES: library.VOICES,
	AVATARS: library.AVATARS,
	TALKING_PHOTOS: library.TALKING_PHOTOS,
	FOLDERS: library.FOLDERS,
	BRAND_VOICES: library.BRAND_VOICES,
	getTemplate,
	ids: {
		templates: {
			birthday: 'tpl_birthday',
			allTypes: 'tpl_all_types',
			salesOutreach: 'tpl_sales_outreach',
			legacyPromo: 'tpl_legacy_promo',
			squareNoVars: 'tpl_square_no_vars',
			wrapperNames: 'tpl_wrapper_names',
			jsNames: 'tpl_js_names',
			verticalStory: 'tpl_vertical_story',
		},
		...library.ids,
	},
};
