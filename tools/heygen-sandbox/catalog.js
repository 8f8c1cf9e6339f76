'use strict';
/**
 * Account data the API answers with: signed media paths, avatar looks and groups.
 * Methods of the sandbox core (index.js mixes them in); `this` is the core.
 */
const fixtures = require('./templates');
const { signPath } = require('./signing');

class SandboxCatalog {
	sign(path) {
		return signPath(this.cdnUrl, path, { secret: this.urlSecret, ttlSeconds: this.urlTtlSeconds });
	}

	looks() {
		const avatars = fixtures.AVATARS.map((a) => ({
			id: a.avatar_id,
			name: a.avatar_name,
			avatar_type: 'studio_avatar',
			group_id: a.group_id,
			gender: a.gender,
			preview_image_url: a.preview_image_url,
			preview_video_url: a.preview_video_url,
			default_voice_id: a.default_voice_id,
			image_width: 1920,
			image_height: 1080,
			preferred_orientation: 'landscape',
			supported_api_engines: ['avatar_iv', 'avatar_iii'],
			tags: a.tags,
		}));
		const photos = fixtures.TALKING_PHOTOS.map((t) => ({
			id: t.talking_photo_id,
			name: t.talking_photo_name,
			avatar_type: 'photo_avatar',
			group_id: `grp_${t.talking_photo_id}`,
			gender: null,
			preview_image_url: t.preview_image_url,
			preview_video_url: null,
			default_voice_id: null,
			image_width: 1080,
			image_height: 1080,
			preferred_orientation: 'square',
			supported_api_engines: ['avatar_iv'],
			tags: ['photo'],
		}));
		return [...avatars, ...photos];
	}

	avatarGroups() {
		const groups = new Map();
		for (const l of this.looks()) {
			const g = groups.get(l.group_id) || {
				id: l.group_id,
				name: l.name.split(' ')[0],
				created_at: 1767225600,
				looks_count: 0,
				gender: l.gender,
				default_voice_id: l.default_voice_id,
				preview_image_url: l.preview_image_url,
				preview_video_url: l.preview_video_url,
				consent_status: null,
			};
			g.looks_count += 1;
			groups.set(l.group_id, g);
		}
		return [...groups.values()];
	}

	/** v3 /users/me data. SIM CHOICE: a subscription account whose premium credits = floor(quota / 60). */
	userV3() {
		return {
			username: 'sandbox_user',
			email: 'sandbox@example.com',
			first_name: 'Sandy',
			last_name: 'Box',
			billing_type: 'subscription',
			wallet: null,
			subscription: {
				plan: 'Pro',
				credits: {
					premium_credits: {
						remaining: Math.floor(this.quota / 60),
						resets_at: '2027-01-01T00:00:00Z',
					},
				},
			},
			usage_based: null,
		};
	}
}

module.exports = { SandboxCatalog };
