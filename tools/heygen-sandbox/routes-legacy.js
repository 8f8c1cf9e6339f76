'use strict';
/**
 * The legacy API: /v1/* (envelope {code:100,data,...} / {code:<int>,message}) and /v2/* (envelope
 * {error:null,data} / {data:null,error:{code,message}}).
 */

const { errorResponse, v1Ok, v2Ok } = require('./envelopes');
const { videoV1 } = require('./videos');
const { LEGACY_EVENT_TYPES, checkEndpointInput } = require('./webhooks');

function v1err(status, code, message) {
	return errorResponse('v1', status, code, message);
}
function v2err(status, code, message) {
	return errorResponse('v2', status, code, message);
}

function endpointV1(ep) {
	return {
		endpoint_id: ep.endpoint_id,
		url: ep.url,
		secret: ep.secret,
		status: ep.status,
		events: ep.events,
		username: ep.username,
		entity_id: ep.entity_id,
		created_at: ep.created_at,
	};
}

function routes() {
	return [
		{
			method: 'GET',
			path: /^\/v2\/templates$/,
			handler: ({ core }) =>
				v2Ok({
					templates: core.templates.map((t) => ({
						template_id: t.id,
						name: t.name,
						thumbnail_image_url: t.thumbnail_url,
						aspect_ratio: t.aspect_ratio,
					})),
				}),
		},
		{
			// Legacy detail: the variables map only. Serves legacy AND v3 templates (SIM CHOICE for the latter).
			method: 'GET',
			path: /^\/v2\/template\/([^/]+)$/,
			handler: ({ core, params }) => {
				const t = core.getTemplate(params[0]);
				if (!t) return v2err(404, 'not_found', 'Template not found');
				return v2Ok({ variables: JSON.parse(JSON.stringify(t.variables)) });
			},
		},
		{
			// No idempotency on the legacy route: every successful call creates and charges a video.
			method: 'POST',
			path: /^\/v2\/template\/([^/]+)\/generate$/,
			handler: ({ core, params, body, bodyInvalid }) => {
				const t = core.getTemplate(params[0]);
				if (!t) return v2err(404, 'not_found', 'Template not found');
				if (bodyInvalid) return v2err(400, 'invalid_parameter', 'Request body is not valid JSON');
				const result = core.generate(t, body, 'legacy', {});
				if (result.error)
					return v2err(result.error.status, result.error.code, result.error.message);
				return v2Ok({ video_id: result.record.id });
			},
		},
		{
			method: 'GET',
			path: /^\/v1\/video_status\.get$/,
			handler: ({ core, query }) => {
				if (!query.video_id) return v1err(400, 'invalid_parameter', 'video_id is required');
				const r = core.videos.get(query.video_id);
				if (!r) return v1err(404, 'not_found', "Video doesn't exist or you don't have access");
				return v1Ok(videoV1(core, r));
			},
		},
		{
			method: 'GET',
			path: /^\/v2\/user\/remaining_quota$/,
			handler: ({ core }) => v2Ok({ remaining_quota: core.quota, details: { api: core.quota } }),
		},
		{
			method: 'GET',
			path: /^\/v1\/user\/me$/,
			scope: 'user-read',
			handler: ({ core }) => {
				const u = core.userV3();
				return v1Ok(
					{
						username: u.username,
						email: u.email,
						first_name: u.first_name,
						last_name: u.last_name,
					},
					'msg',
				);
			},
		},
		{
			method: 'GET',
			path: /^\/v2\/voices$/,
			handler: ({ core }) =>
				v2Ok({
					voices: core.fixtures.VOICES.map((v) => ({
						voice_id: v.voice_id,
						language: v.language,
						gender: v.gender,
						name: v.name,
						preview_audio: v.preview_audio,
						support_pause: v.support_pause,
						emotion_support: v.emotion_support,
						support_interactive_avatar: v.support_interactive_avatar,
					})),
				}),
		},
		{
			method: 'GET',
			path: /^\/v2\/avatars$/,
			handler: ({ core }) =>
				v2Ok({
					avatars: core.fixtures.AVATARS.map((a) => ({
						avatar_id: a.avatar_id,
						avatar_name: a.avatar_name,
						gender: a.gender,
						preview_image_url: a.preview_image_url,
						preview_video_url: a.preview_video_url,
						premium: a.premium,
						type: a.type,
						tags: a.tags,
						default_voice_id: a.default_voice_id,
					})),
					talking_photos: core.fixtures.TALKING_PHOTOS.map((t) => ({ ...t })),
				}),
		},
		{
			// SIM CHOICE (shape UNCONFIRMED): {code:100, data:{folders:[...], total, token:null}, msg:null, message:null}
			method: 'GET',
			path: /^\/v1\/folders$/,
			handler: ({ core, query }) => {
				let folders = core.fixtures.FOLDERS;
				if (query.parent_id) folders = folders.filter((f) => f.parent_id === query.parent_id);
				if (query.name_filter) {
					const n = query.name_filter.toLowerCase();
					folders = folders.filter((f) => f.name.toLowerCase().includes(n));
				}
				if (query.is_trash === 'true') folders = [];
				const limit = Math.max(1, Math.min(100, Number(query.limit) || 100));
				return v1Ok(
					{
						folders: folders.slice(0, limit).map((f) => ({ ...f })),
						total: folders.length,
						token: null,
					},
					'msg',
				);
			},
		},
		{
			// SIM CHOICE (shape UNCONFIRMED, as seen in third-party code): {error:null, data:{list:[...], total, token:null}}
			method: 'GET',
			path: /^\/v1\/brand_voice\/list$/,
			handler: ({ core }) =>
				v2Ok({
					list: core.fixtures.BRAND_VOICES.map((b) => ({ ...b })),
					total: core.fixtures.BRAND_VOICES.length,
					token: null,
				}),
		},
		{
			method: 'POST',
			path: /^\/v1\/webhook\/endpoint\.add$/,
			handler: async ({ core, body, bodyInvalid }) => {
				if (bodyInvalid || !body || typeof body !== 'object' || Array.isArray(body)) {
					return v1err(400, 'invalid_parameter', 'Request body must be a JSON object');
				}
				const e = checkEndpointInput(body);
				if (e) return v1err(400, 'invalid_parameter', e.message);
				const probe = await core.probeWebhook(body.url);
				if (probe) return v1err(400, 'invalid_parameter', probe);
				const ep = core.webhooks.add({
					url: body.url,
					events: body.events,
					entity_id: body.entity_id,
				});
				core.changed();
				return v1Ok(endpointV1(ep), 'msg');
			},
		},
		{
			method: 'GET',
			path: /^\/v1\/webhook\/endpoint\.list$/,
			handler: ({ core }) => v1Ok(core.webhooks.list().map(endpointV1), 'msg'),
		},
		{
			// SIM CHOICE (body UNCONFIRMED): {code:100, data:null, msg:null, message:null}
			method: 'DELETE',
			path: /^\/v1\/webhook\/endpoint\.delete$/,
			handler: ({ core, query }) => {
				if (!query.endpoint_id) return v1err(400, 'invalid_parameter', 'endpoint_id is required');
				if (!core.webhooks.remove(query.endpoint_id))
					return v1err(404, 'not_found', 'Webhook endpoint not found');
				core.changed();
				return v1Ok(null, 'msg');
			},
		},
		{
			method: 'PATCH',
			path: /^\/v1\/webhook\/endpoint\.update$/,
			handler: ({ core, body, bodyInvalid }) => {
				if (bodyInvalid || !body || typeof body !== 'object')
					return v1err(400, 'invalid_parameter', 'Request body must be a JSON object');
				if (!body.endpoint_id) return v1err(400, 'invalid_parameter', 'endpoint_id is required');
				const e = checkEndpointInput(body, { requireUrl: false });
				if (e) return v1err(400, 'invalid_parameter', e.message);
				const ep = core.webhooks.update(body.endpoint_id, body);
				if (!ep) return v1err(404, 'not_found', 'Webhook endpoint not found');
				return v1Ok(endpointV1(ep), 'msg');
			},
		},
		{
			method: 'GET',
			path: /^\/v1\/webhook\/webhook\.list$/,
			handler: () => v1Ok([...LEGACY_EVENT_TYPES], 'msg'),
		},
	];
}

module.exports = { routes };
