'use strict';
/** The v3 webhook endpoint API: register (with HeyGen's OPTIONS probe of the URL), list, update, delete, rotate. */
const { v3Error: err, v3Ok } = require('./envelopes');
const { v3Page: pageOr400 } = require('./paginate');
const { EVENT_TYPES, checkEndpointInput } = require('./webhooks');

function endpointV3(ep, withSecret) {
	return {
		endpoint_id: ep.endpoint_id,
		url: ep.url,
		events: ep.events,
		status: ep.status,
		created_at: ep.created_at,
		secret: withSecret ? ep.secret : null,
	};
}

function webhookRoutes() {
	return [
		{
			method: 'POST',
			path: /^\/v3\/webhooks\/endpoints$/,
			handler: async ({ core, body, bodyInvalid }) => {
				if (bodyInvalid || !body || typeof body !== 'object' || Array.isArray(body)) {
					return err(400, 'invalid_parameter', 'Request body must be a JSON object', 'body');
				}
				const e = checkEndpointInput(body);
				if (e) return err(400, 'invalid_parameter', e.message, e.param);
				const probe = await core.probeWebhook(body.url);
				if (probe) return err(400, 'invalid_parameter', probe, 'url');
				const ep = core.webhooks.add({
					url: body.url,
					events: body.events,
					entity_id: body.entity_id,
				});
				core.changed();
				return v3Ok(endpointV3(ep, true));
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/webhooks\/endpoints$/,
			handler: ({ core, query }) =>
				pageOr400(
					core.webhooks.list(),
					query,
					{ kind: 'webhook_endpoints', defaultLimit: 10, maxLimit: 100 },
					(ep) => endpointV3(ep, false),
				),
		},
		{
			method: 'DELETE',
			path: /^\/v3\/webhooks\/endpoints\/([^/]+)$/,
			handler: ({ core, params }) => {
				if (!core.webhooks.remove(params[0]))
					return err(404, 'not_found', 'Webhook endpoint not found', 'endpoint_id');
				core.changed();
				return { status: 200, body: { data: {}, error: null } };
			},
		},
		{
			method: 'PATCH',
			path: /^\/v3\/webhooks\/endpoints\/([^/]+)$/,
			handler: ({ core, params, body, bodyInvalid }) => {
				if (bodyInvalid || !body || typeof body !== 'object')
					return err(400, 'invalid_parameter', 'Request body must be a JSON object', 'body');
				const e = checkEndpointInput(body, { requireUrl: false });
				if (e) return err(400, 'invalid_parameter', e.message, e.param);
				const ep = core.webhooks.update(params[0], body);
				if (!ep) return err(404, 'not_found', 'Webhook endpoint not found', 'endpoint_id');
				return v3Ok(endpointV3(ep, false));
			},
		},
		{
			method: 'POST',
			path: /^\/v3\/webhooks\/endpoints\/([^/]+)\/rotate-secret$/,
			handler: ({ core, params }) => {
				const ep = core.webhooks.rotate(params[0]);
				if (!ep) return err(404, 'not_found', 'Webhook endpoint not found', 'endpoint_id');
				return v3Ok({ endpoint_id: ep.endpoint_id, secret: ep.secret });
			},
		},
		{
			method: 'GET',
			path: /^\/v3\/webhooks\/event-types$/,
			handler: () =>
				v3Ok(
					EVENT_TYPES.map((t) => ({
						event_type: t,
						description: `Sent when ${t.replace(/[._]/g, ' ')} happens`,
					})),
				),
		},
	];
}

module.exports = { webhookRoutes };
