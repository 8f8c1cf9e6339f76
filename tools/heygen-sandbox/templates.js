'use strict';
/**
 * Fixtures of the HeyGen sandbox: templates, voices, avatars, talking photos, folders, brand voices.
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

const ASSET_HOST = 'https://files2.heygen.ai/sandbox/assets';
const THUMB_HOST = 'https://resource2.heygen.ai/template/thumbnails';

const VOICE_AVA = '1ae3be1e24894ccabdb4d8139399f721';
const VOICE_ETHAN = '2d5b0e6cf36f460aa7fc47e3eee4ba54';
const VOICE_LUCIA = '3f4a7c1d9b8e4a6f8c2d1e0b9a8f7c6d';
const VOICE_HANS = '4b8e2f1a6c3d4e5f9a0b1c2d3e4f5a6b';
const VOICE_CHLOE = '5c9d3e2b7a1f4c6e8d0a2b4c6e8f0a1c';
const VOICE_CLONE = '6e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b';

const AVATAR_BRIANA = 'Briana_public_2_20240110';
const AVATAR_DAISY = 'Daisy-inskirt-20220818';
const AVATAR_JOSH = 'josh_lite3_20230714';
const AVATAR_TYLER = 'Tyler-incasualsuit-20220721';
const TALKING_PHOTO_MAYA = 'tp_8f2c1a3b5d7e4f6a9b0c';
const TALKING_PHOTO_LEO = 'tp_1b3d5f7a9c2e4b6d8f0a';

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

const VOICES = [
	{
		voice_id: VOICE_AVA,
		name: 'Ava - Friendly',
		language: 'English',
		locale: 'en-US',
		gender: 'female',
		type: 'public',
	},
	{
		voice_id: VOICE_ETHAN,
		name: 'Ethan - Calm',
		language: 'English',
		locale: 'en-GB',
		gender: 'male',
		type: 'public',
	},
	{
		voice_id: VOICE_LUCIA,
		name: 'Lucía - Warm',
		language: 'Spanish',
		locale: 'es-ES',
		gender: 'female',
		type: 'public',
	},
	{
		voice_id: VOICE_HANS,
		name: 'Hans - Clear',
		language: 'German',
		locale: 'de-DE',
		gender: 'male',
		type: 'public',
	},
	{
		voice_id: VOICE_CHLOE,
		name: 'Chloé - Bright',
		language: 'French',
		locale: 'fr-FR',
		gender: 'female',
		type: 'public',
	},
	{
		voice_id: VOICE_CLONE,
		name: 'Sandbox Founder Clone',
		language: 'English',
		locale: 'en-US',
		gender: 'male',
		type: 'private',
	},
].map((v) => ({
	...v,
	preview_audio: `${ASSET_HOST}/voices/${v.voice_id}.mp3`,
	support_pause: true,
	support_locale: v.type === 'public',
	emotion_support: false,
	support_interactive_avatar: v.voice_id === VOICE_AVA,
}));

const AVATARS = [
	{
		avatar_id: AVATAR_BRIANA,
		avatar_name: 'Briana in Blue Blazer',
		gender: 'female',
		group_id: 'grp_briana',
		default_voice_id: VOICE_AVA,
		premium: false,
	},
	{
		avatar_id: AVATAR_DAISY,
		avatar_name: 'Daisy in Skirt',
		gender: 'female',
		group_id: 'grp_daisy',
		default_voice_id: VOICE_AVA,
		premium: false,
	},
	{
		avatar_id: AVATAR_JOSH,
		avatar_name: 'Josh Lite',
		gender: 'male',
		group_id: 'grp_josh',
		default_voice_id: VOICE_ETHAN,
		premium: false,
	},
	{
		avatar_id: AVATAR_TYLER,
		avatar_name: 'Tyler in Casual Suit',
		gender: 'male',
		group_id: 'grp_tyler',
		default_voice_id: VOICE_ETHAN,
		premium: true,
	},
].map((a) => ({
	...a,
	preview_image_url: `${ASSET_HOST}/avatars/${a.avatar_id}.webp`,
	preview_video_url: `${ASSET_HOST}/avatars/${a.avatar_id}.mp4`,
	type: null,
	tags: ['sandbox'],
}));

const TALKING_PHOTOS = [
	{ talking_photo_id: TALKING_PHOTO_MAYA, talking_photo_name: 'Maya (photo)' },
	{ talking_photo_id: TALKING_PHOTO_LEO, talking_photo_name: 'Leo (photo)' },
].map((t) => ({ ...t, preview_image_url: `${ASSET_HOST}/photos/${t.talking_photo_id}.jpg` }));

const FOLDERS = [
	{
		id: 'fld_marketing',
		name: 'Marketing',
		parent_id: null,
		project_type: 'video',
		created_ts: BASE_TS,
		is_trash: false,
	},
	{
		id: 'fld_sales',
		name: 'Sales Outreach',
		parent_id: null,
		project_type: 'video',
		created_ts: BASE_TS + 60,
		is_trash: false,
	},
	{
		id: 'fld_sales_q3',
		name: 'Q3 Campaign',
		parent_id: 'fld_sales',
		project_type: 'video',
		created_ts: BASE_TS + 120,
		is_trash: false,
	},
];

const BRAND_VOICES = [
	{
		id: 'bv_acme_pronunciation',
		name: 'ACME Pronunciation',
		vocabulary: [
			{ term: 'HeyGen', pronunciation: 'hey-jen' },
			{ term: 'ACME', pronunciation: 'ack-mee' },
		],
		blacklist: [],
		tones: ['friendly'],
		created_at: '2026-01-02T09:00:00Z',
		updated_at: '2026-01-03T09:00:00Z',
	},
];

function getTemplate(id) {
	return TEMPLATES.find((t) => t.id === id) || null;
}

module.exports = {
	TEMPLATES,
	VOICES,
	AVATARS,
	TALKING_PHOTOS,
	FOLDERS,
	BRAND_VOICES,
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
		voices: {
			ava: VOICE_AVA,
			ethan: VOICE_ETHAN,
			lucia: VOICE_LUCIA,
			hans: VOICE_HANS,
			chloe: VOICE_CHLOE,
			clone: VOICE_CLONE,
		},
		avatars: { briana: AVATAR_BRIANA, daisy: AVATAR_DAISY, josh: AVATAR_JOSH, tyler: AVATAR_TYLER },
		talkingPhotos: { maya: TALKING_PHOTO_MAYA, leo: TALKING_PHOTO_LEO },
		folders: { marketing: 'fld_marketing', sales: 'fld_sales', salesQ3: 'fld_sales_q3' },
		brandVoices: { acme: 'bv_acme_pronunciation' },
	},
};
