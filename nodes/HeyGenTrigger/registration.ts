/**
 * The trigger's endpoint at HeyGen, registered when the workflow is published (or listens for a test event) and
 * removed when it is unpublished. n8n calls checkExists() first and create() only when it answers false, also at
 * every n8n start, so checkExists() must recognise the endpoint it made before: it keeps one registration per
 * webhook URL (production and test URLs differ) in the node's workflow static data, which n8n saves after
 * activation and deactivation. The signing secret is returned only when the endpoint is created, so a
 * registration without it is useless: it is removed at HeyGen and made again.
 *
 * API families: v3 `/v3/webhooks/endpoints` first; legacy `/v1/webhook/endpoint.add|list|delete` when v3 does not
 * serve webhooks (or when chosen).
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isRecord } from '../shared/json';
import type { HeyGenContext } from '../shared/transport';
import { HeyGenApiError, heyGenRequest } from '../shared/transport';
import { text } from '../shared/videoRecord';
import { normalizeEvents } from './events';
import type { WebhookApi, WebhookApiChoice } from './state';
import { forgetRegistration, registrationFor, saveRegistration } from './state';

export const WEBHOOK_NAME = 'default';
const MAX_LIST_PAGES = 20;

export interface RemoteEndpoint {
	endpointId: string;
	url: string | null;
	secret: string | null;
}

/**
 * Hook functions offer what the transport uses (getCredentials, getNode, helpers.httpRequestWithAuthentication);
 * the transport's context type just does not name them.
 */
function api(context: IHookFunctions): HeyGenContext {
	return context as unknown as HeyGenContext;
}

function readEndpoint(value: unknown): RemoteEndpoint | undefined {
	if (!isRecord(value)) return undefined;
	const endpointId = text(value.endpoint_id) ?? text(value.id);
	if (endpointId === null) return undefined;
	return { endpointId, url: text(value.url), secret: text(value.secret) };
}

/** True when the v3 webhook API itself is missing (not when it refuses this request). */
export function v3Unavailable(error: unknown): boolean {
	if (!(error instanceof HeyGenApiError)) return false;
	const { kind, httpCode } = error.heyGen;
	return kind === 'not_found' || httpCode === 405 || httpCode === 410 || httpCode === 501;
}

function endpointsOf(body: unknown): unknown[] {
	if (Array.isArray(body)) return body;
	if (!isRecord(body)) return [];
	if (Array.isArray(body.data)) return body.data;
	if (isRecord(body.data)) {
		const nested = body.data.endpoints ?? body.data.list ?? body.data.data;
		if (Array.isArray(nested)) return nested;
	}
	return [];
}

export async function listEndpoints(
	this: IHookFunctions,
	family: WebhookApi,
): Promise<RemoteEndpoint[]> {
	const found: RemoteEndpoint[] = [];
	if (family === 'legacy') {
		const response = await heyGenRequest.call(api(this), {
			method: 'GET',
			path: '/v1/webhook/endpoint.list',
			idempotent: true,
		});
		for (const entry of endpointsOf(response.body)) {
			const endpoint = readEndpoint(entry);
			if (endpoint) found.push(endpoint);
		}
		return found;
	}
	let token: string | undefined;
	for (let page = 0; page < MAX_LIST_PAGES; page++) {
		const qs: IDataObject = { limit: 100 };
		if (token) qs.token = token;
		const response = await heyGenRequest.call(api(this), {
			method: 'GET',
			path: '/v3/webhooks/endpoints',
			qs,
			idempotent: true,
		});
		for (const entry of endpointsOf(response.body)) {
			const endpoint = readEndpoint(entry);
			if (endpoint) found.push(endpoint);
		}
		const body = response.body as IDataObject;
		token = body.has_more === true ? (text(body.next_token) ?? undefined) : undefined;
		if (!token) break;
	}
	return found;
}

async function addEndpoint(
	this: IHookFunctions,
	family: WebhookApi,
	url: string,
	events: string[],
): Promise<RemoteEndpoint> {
	const response = await heyGenRequest.call(api(this), {
		method: 'POST',
		path: family === 'v3' ? '/v3/webhooks/endpoints' : '/v1/webhook/endpoint.add',
		body: { url, events },
		// A repeated add would register a second endpoint: never retried after it may have reached HeyGen.
		idempotent: false,
	});
	const body = response.body as IDataObject;
	const endpoint = readEndpoint(isRecord(body.data) ? body.data : body);
	if (!endpoint) {
		throw new NodeOperationError(
			this.getNode(),
			'HeyGen registered the webhook but sent no endpoint ID back',
		);
	}
	return endpoint;
}

/** Removes an endpoint; one HeyGen no longer knows counts as removed. */
export async function removeEndpoint(
	this: IHookFunctions,
	family: WebhookApi,
	endpointId: string,
): Promise<void> {
	try {
		await heyGenRequest.call(
			api(this),
			family === 'v3'
				? {
						method: 'DELETE',
						path: `/v3/webhooks/endpoints/${encodeURIComponent(endpointId)}`,
						idempotent: true,
					}
				: {
						method: 'DELETE',
						path: '/v1/webhook/endpoint.delete',
						qs: { endpoint_id: endpointId },
						idempotent: true,
					},
		);
	} catch (error) {
		if (error instanceof HeyGenApiError && error.heyGen.kind === 'not_found') return;
		throw new NodeOperationError(this.getNode(), error as Error);
	}
}

function apiChoice(this: IHookFunctions): WebhookApiChoice {
	const value = this.getNodeParameter('options.webhookApi', 'auto') as string;
	return value === 'v3' || value === 'legacy' ? value : 'auto';
}

/** Runs `work` on v3, or on legacy when chosen or when v3 has no webhook API (auto). */
async function withFamily<T>(
	context: IHookFunctions,
	work: (family: WebhookApi) => Promise<T>,
): Promise<{ family: WebhookApi; result: T }> {
	const choice = apiChoice.call(context);
	if (choice !== 'auto') return { family: choice, result: await work(choice) };
	try {
		return { family: 'v3', result: await work('v3') };
	} catch (error) {
		if (!v3Unavailable(error)) throw new NodeOperationError(context.getNode(), error as Error);
		return { family: 'legacy', result: await work('legacy') };
	}
}

function selectedEvents(this: IHookFunctions): string[] {
	return normalizeEvents(this.getNodeParameter('events', []));
}

function sameEvents(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((event, index) => event === b[index]);
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl(WEBHOOK_NAME) as string;
	const staticData = this.getWorkflowStaticData('node');
	const saved = registrationFor(staticData, url);

	if (saved?.secret && saved.endpointId) {
		let endpoints: RemoteEndpoint[];
		try {
			endpoints = await listEndpoints.call(this, saved.api);
		} catch (error) {
			// HeyGen unreachable or failing while n8n starts: keep the endpoint we hold the secret of rather than
			// leave the workflow inactive; a rejected key is a real problem and is raised.
			const kind = error instanceof HeyGenApiError ? error.heyGen.kind : undefined;
			if (kind === 'unauthorized' || kind === 'forbidden')
				throw new NodeOperationError(this.getNode(), error as Error);
			return sameEvents(saved.events, selectedEvents.call(this));
		}
		const remote = endpoints.find((e) => e.endpointId === saved.endpointId);
		if (
			remote &&
			sameEvents(saved.events, selectedEvents.call(this)) &&
			(remote.url === null || remote.url === url)
		) {
			return true;
		}
		// Gone at HeyGen, or registered for other events: make it anew (create() follows).
		if (remote) await removeEndpoint.call(this, saved.api, saved.endpointId);
		forgetRegistration(staticData, url);
		return false;
	}

	// No secret for this URL (first activation, or static data lost): any endpoint HeyGen has for this exact URL
	// is a leftover whose deliveries could never be verified. Remove it so create() leaves exactly one.
	await withFamily(this, async (family) => {
		const leftovers = (await listEndpoints.call(this, family)).filter((e) => e.url === url);
		for (const endpoint of leftovers) await removeEndpoint.call(this, family, endpoint.endpointId);
	});
	forgetRegistration(staticData, url);
	return false;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl(WEBHOOK_NAME) as string;
	const events = selectedEvents.call(this);
	if (events.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Choose at least one event to listen for');
	}
	const { family, result: endpoint } = await withFamily(
		this,
		async (f) => await addEndpoint.call(this, f, url, events),
	);
	if (!endpoint.secret) {
		// Without the secret no delivery can be verified: do not leave an endpoint behind that would be rejected.
		await removeEndpoint.call(this, family, endpoint.endpointId).catch(() => undefined);
		throw new NodeOperationError(
			this.getNode(),
			'HeyGen registered the webhook but sent no signing secret',
			{
				description:
					'Deliveries could not be verified, so the endpoint was removed again. Try publishing the workflow again.',
			},
		);
	}
	saveRegistration(this.getWorkflowStaticData('node'), url, {
		endpointId: endpoint.endpointId,
		secret: endpoint.secret,
		events,
		api: family,
		createdAt: new Date().toISOString(),
	});
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl(WEBHOOK_NAME) as string;
	const staticData = this.getWorkflowStaticData('node');
	const saved = registrationFor(staticData, url);
	if (!saved?.endpointId) return true;
	try {
		await removeEndpoint.call(this, saved.api, saved.endpointId);
	} catch {
		// Kept, so a later activation finds and reuses (or removes) it instead of leaving it orphaned.
		return false;
	}
	forgetRegistration(staticData, url);
	return true;
}
