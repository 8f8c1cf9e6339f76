'use strict';
/**
 * The v3 API (envelope {data} / {error:{code,message,param?,doc_url}}), plus GET /v3/template/{id}, the legacy
 * "New AI Studio" detail that answers in the v2 envelope.
 */

const crypto = require('node:crypto');
const { errorResponse, v3Error: err, v3Ok, v2Ok } = require('./envelopes');
const { v3Page: pageOr400 } = require('./paginate');
const { videoV3, bulkStatusV3 } = require('./videos');
const { webhookRoutes } = require('./routes-v3-webhooks');

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_:.-]{1,255}$/;
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

function templateSummaryV3(t) {
	return {
		id: t.id,
		name: t.name,
		aspect_ratio: t.aspect_ratio,
		thumbnail_url: t.thumbnail_url,
		created_at: t.created_at,
		updated_at: t.updated_at,
	};
}

function templateDetailV3(t) {
	return {
		...templateSummaryV3(t),
		revision: t.revision ?? 1,
		scene_ids: t.scenes.map((s) => s.id),
		scenes: t.scenes.map((s) => ({
			scene_id: s.id,
			script: s.script,
			variables: s.variables.map((n) => ({ name: n, variable_type: t.variables[n].type })),
		})),
		variables: JSON.parse(JSON.stringify(t.variables)),
	};
}

/** Legacy "New AI Studio" detail: {version:"4", variables, scenes:[{id, script, variables:{name:{name,type}}}]}. */
function templateDetailStudio(t) {
	return {
		version: '4',
		variables: JSON.parse(JSON.stringify(t.variables)),
		scenes: t.scenes.map((s) => ({
			id: s.id,
			script: s.script,
			variables: Object.fromEntries(
				s.variables.map((n) => [n, { name: n, type: t.variables[n].type }]),
			),
		})),
	};
}

/** Canonical JSON (sorted keys) for comparing idempotent bodies. */
function canonical(v) {
	if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
	if (v && typeof v === 'object') {
		return `{${Object.keys(v)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v);
}

function generateV3(ctx) {
	const { core, params, headers } = ctx;
	const tpl = core.getTemplate(params[0]);
	if (!tpl || tpl.family !== 'v3')
		return err(404, 'not_found', `Template ${params[0]} not found`, 'template_id');
	if (ctx.bodyInvalid)
		return err(400, 'invalid_parameter', 'Request body is not valid JSON', 'body');

	const key = headers['idempotency-key'];
	let scope = null;
	let bodyHash = null;
	if (key !== undefined) {
		if (!IDEMPOTENCY_KEY.test(key)) {
			return err(
				400,
				'invalid_parameter',
				'Idempotency-Key must be 1-255 characters from [A-Za-z0-9_:.-]',
				'Idempotency-Key',
			);
		}
		scope = `POST /v3/templates/${tpl.id}|${key}`;
		bodyHash = crypto.createHash('sha256').update(canonical(ctx.body)).digest('hex');
		const prev = core.idempotency.get(scope);
		if (prev && Date.now() - prev.time < IDEMPOTENCY_TTL_MS) {
			if (prev.state === 'in_flight') {
				return err(
					409,
					'request_in_progress',
					'A request with this Idempotency-Key is still in progress. Retry later.',
				);
			}
			if (prev.bodyHash !== bodyHash && core.options.idempotencyMismatch !== 'replay') {
				// SIM CHOICE: reject a reused key with another body (422); real HeyGen replays with a logged warning.
				return err(
					422,
					'idempotency_key_reused',
					'This Idempotency-Key was already used with a different request body',
					'Idempotency-Key',
				);
			}
			const replay = JSON.parse(JSON.stringify(prev.response));
			replay.headers = { ...(replay.headers || {}), 'idempotent-replayed': 'true' };
			return replay;
		}
	}

	const result = core.generate(tpl, ctx.body, 'v3', { idempotencyKey: key ?? null });
	if (result.error)
		return errorResponse('v3', result.error.status, result.error.code, result.error.message, {
			param: result.error.param,
		});
	const response = v3Ok(videoV3(core, result.record));
	if (scope) {
		const entry = {
			state: 'in_flight',
			bodyHash,
			response: JSON.parse(JSON.stringify(response)),
			time: Date.now(),
		};
		core.idempotency.set(scope, entry);
		response.afterSend = () => {
			entry.state = 'done';
			core.changed();
		};
	}
	return response;
}

function routes() {
	return [
		{
			method: 'GET',
			path: /^\/v3\/templates$/,
			handler: ({ core, query }) =>
				pageOr400(
					core.templates.filter((t) => t.family === 'v3' && Object.keys(t.variables).length > 0),
					query,
					{ kind: 'templates', defaultLimit: 10, maxLimit: 100 },
					templateSummaryV3,
				),
		},
		{
			method: 'GET',
			path: /^\/v3\/templates\/([^/]+)$/,
			handler: ({ core, params }) => {
				const t = core.getTemplate(params[0]);
				if (!t || t.family !== 'v3')
					return err(404, 'not_found', `Template ${params[0]} not found`, 'template_id');
				return v3Ok(templateDetailV3(t));
			},
		},
		{ method: 'POST', path: /^\/v3\/templates\/([^/]+)$/, handler: generateV3 },
		{
			// Legacy "New AI Studio" detail, v2 envelope; only v3 ("version 4") templates.
			method: 'GET',
			path: /^\/v3\/template\/([^/]+)$/,
			handler: ({ core, params }) => {
				const t = core.getTemplate(params[0]);
				if (!t || t.family !== 'v3')
					return errorResponse('v2', 404, 'not_found', 'Template not found');
				return v2Ok(templateDetailStudio(t));
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/videos\/statuses$/,
			handler: ({ core, query }) => {
				const ids = (query.video_ids || '')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean);
				const batches = (query.batch_ids || '')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean);
				if (!ids.length && !batches.length) {
					return err(400, 'invalid_parameter', 'video_ids or batch_ids is required', 'video_ids');
				}
				// SIM CHOICE: an id that is not a well-formed video id (letters, digits, _ and -) fails the whole call.
				const malformed = ids.find((id) => !/^[A-Za-z0-9_-]+$/.test(id));
				if (malformed)
					return err(400, 'invalid_parameter', `Invalid video id: ${malformed}`, 'video_ids');
				if (ids.length + batches.length > 100) {
					return err(
						400,
						'invalid_parameter',
						'At most 100 ids can be requested at once',
						'video_ids',
					);
				}
				const data = ids.map((id) => bulkStatusV3(core.videos.get(id), id));
				// SIM CHOICE: the sandbox has no batches; every batch id is reported as not_found.
				for (const b of batches)
					data.push({ batch_id: b, video_id: null, status: 'not_found', error: null });
				return v3Ok(data, { has_more: false, next_token: null });
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/videos\/([^/]+)$/,
			handler: ({ core, params }) => {
				const r = core.videos.get(params[0]);
				// Documented pitfall: videos generated through the legacy v2 route are 404 here (use v1 status).
				if (!r || r.apiFamily !== 'v3')
					return err(404, 'not_found', `Video ${params[0]} not found`, 'video_id');
				return v3Ok(videoV3(core, r));
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/users?\/me$/, // /v3/users/me (brief, docs) and /v3/user/me (heygen-cli): SIM CHOICE serve both
			scope: 'user-read',
			handler: ({ core }) => v3Ok(core.userV3()),
		},
		{
			method: 'GET',
			path: /^\/v3\/voices$/,
			handler: ({ core, query }) => {
				let list = core.fixtures.VOICES;
				if (query.type) list = list.filter((v) => v.type === query.type);
				if (query.language)
					list = list.filter(
						(v) =>
							v.language.toLowerCase() === query.language.toLowerCase() ||
							v.locale.toLowerCase() === query.language.toLowerCase(),
					);
				if (query.gender) list = list.filter((v) => v.gender === query.gender.toLowerCase());
				// SIM CHOICE: `engine` is accepted and ignored (every sandbox voice works with every engine).
				return pageOr400(list, query, { kind: 'voices', defaultLimit: 20, maxLimit: 100 }, (v) => ({
					voice_id: v.voice_id,
					name: v.name,
					language: v.language,
					gender: v.gender,
					preview_audio_url: v.preview_audio,
					support_pause: v.support_pause,
					support_locale: v.support_locale,
					type: v.type,
				}));
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/avatars\/looks$/,
			handler: ({ core, query }) => {
				let looks = core.looks();
				if (query.avatar_type) looks = looks.filter((l) => l.avatar_type === query.avatar_type);
				if (query.group_id) looks = looks.filter((l) => l.group_id === query.group_id);
				if (query.ownership === 'private') looks = [];
				return pageOr400(looks, query, { kind: 'looks', defaultLimit: 20, maxLimit: 50 });
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/avatars$/,
			handler: ({ core, query }) => {
				let groups = core.avatarGroups();
				if (query.ownership === 'private') groups = [];
				return pageOr400(groups, query, { kind: 'avatar_groups', defaultLimit: 20, maxLimit: 50 });
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/brand-glossaries$/,
			handler: ({ core, query }) =>
				pageOr400(
					core.fixtures.BRAND_VOICES,
					query,
					{ kind: 'brand_glossaries', defaultLimit: 10, maxLimit: 100 },
					(b) => ({
						brand_glossary_id: b.id,
						name: b.name,
						created_at: b.created_at,
						updated_at: b.updated_at,
					}),
				),
		},
		...webhookRoutes(),
	];
}

module.exports = {
	routes,
	templateDetailV3,
	templateSummaryV3,
	templateDetailStudio,
	IDEMPOTENCY_KEY,
};
