'use strict';
/**
 * The sandbox account's library beside its templates: voices, avatars, talking photos, folders, brand voices.
 * Ids are FIXED: tests and templates reference them. Do not rename.
 */
const ASSET_HOST = 'https://files2.heygen.ai/sandbox/assets';

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

const BASE_TS = 1767225600; // 2026-01-01T00:00:00Z

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

module.exports = {
	ASSET_HOST,
	VOICES,
	AVATARS,
	TALKING_PHOTOS,
	FOLDERS,
	BRAND_VOICES,
	ids: {
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
