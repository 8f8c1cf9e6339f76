'use strict';
/**
 * Webhook endpoint store shared by the legacy (/v1/webhook/endpoint.*) and v3 (/v3/webhooks/endpoints) routes.
 * Endpoint: { endpoint_id, url, events (null = all), secret, status: 'enabled', entity_id, username, created_at }.
 * SIM CHOICE: http:// URLs are accepted (real v3 requires HTTPS) so local receivers work; created_at is ISO 8601
 * in both families.
 */

const crypto = require('node:crypto');

/** The events legacy GET /v1/webhook/webhook.list names (reference §5.1). */
const LEGACY_EVENT_TYPES = [
	'avatar_video.success',
	'avatar_video.fail',
	'avatar_video_gif.success',
	'avatar_video_gif.fail',
	'video_translate.success',
	'video_translate.fail',
	'personalized_video',
];

/** v3 knows the legacy events and more. */
const EVENT_TYPES = [
	...LEGACY_EVENT_TYPES,
	'instant_avatar.success',
	'instant_avatar.fail',
	'photo_avatar_generation.success',
	'photo_avatar_generation.fail',
	'photo_avatar_train.success',
	'photo_avatar_train.fail',
	'photo_avatar_add_motion.success',
	'photo_avatar_add_motion.fail',
	'proofread_creation.success',
	'proofread_creation.fail',
	'live_avatar.success',
	'live_avatar.fail',
	'avatar_video_caption.success',
	'avatar_video_caption.fail',
	'video_agent.success',
	'video_agent.fail',
];

function newSecret() {
	return `whsec_${crypto.randomBytes(24).toString('base64url')}`;
}

/** Validate {url, events} of an add/update body. Returns an error {message, param} or null. */
function checkEndpointInput({ url, events }, { requireUrl = true } = {}) {
	if (url === undefined || url === null) {
		if (requireUrl) return { message: 'url is required', param: 'url' };
	} else {
		let u = null;
		try {
			u = new URL(url);
		} catch {
			/* invalid */
		}
		if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) {
			return { message: 'url must be a valid http(s) URL', param: 'url' };
		}
	}
	if (events !== undefined && events !== null) {
		if (!Array.isArray(events) || events.some((e) => typeof e !== 'string')) {
			return { message: 'events must be an array of event type strings', param: 'events' };
		}
		const unknown = events.find((e) => !EVENT_TYPES.includes(e));
		if (unknown) return { message: `Unknown event type '${unknown}'`, param: 'events' };
	}
	return null;
}

class WebhookStore {
	constructor() {
		this.endpoints = new Map();
	}
	add({ url, events = null, entity_id = null, secret }) {
		const ep = {
			endpoint_id: crypto.randomBytes(16).toString('hex'),
			url,
			events: events && events.length ? [...events] : null,
			secret: secret || newSecret(),
			status: 'enabled',
			entity_id: entity_id || null,
			username: 'sandbox_user',
			created_at: new Date().toISOString(),
		};
		this.endpoints.set(ep.endpoint_id, ep);
		return ep;
	}
	get(id) {
		return this.endpoints.get(id) || null;
	}
	list() {
		return [...this.endpoints.values()];
	}
	remove(id) {
		return this.endpoints.delete(id);
	}
	update(id, { url, events }) {
		const ep = this.endpoints.get(id);
		if (!ep) return null;
		if (url !== undefined && url !== null) ep.url = url;
		if (events !== undefined) ep.events = events && events.length ? [...events] : null;
		return ep;
	}
	rotate(id) {
		const ep = this.endpoints.get(id);
		if (!ep) return null;
		ep.secret = newSecret();
		return ep;
	}
	/** Endpoints that should receive `eventType`. */
	subscribers(eventType) {
		return this.list().filter(
			(ep) => ep.status === 'enabled' && (!ep.events || ep.events.includes(eventType)),
		);
	}
	clear() {
		this.endpoints.clear();
	}
}

module.exports = { WebhookStore, EVENT_TYPES, LEGACY_EVENT_TYPES, checkEndpointInput, newSecret };
