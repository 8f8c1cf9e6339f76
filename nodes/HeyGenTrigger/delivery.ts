/**
 * One POST from HeyGen to the trigger's webhook URL. Nothing starts unless the delivery is signed with the secret
 * HeyGen gave this endpoint (401 otherwise, so a forger gets no execution and HeyGen's own retries of a valid event
 * are unaffected). A valid delivery that is not wanted (another event, another callback ID prefix, a retry of an
 * event already handled) is answered 200, so HeyGen stops retrying it, and starts nothing either.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { headerValue, verifyHeyGenSignature } from '../shared/signature';
import type { NormalizedVideo } from '../shared/videoRecord';
import { fetchVideoDetails } from './details';
import type { HeyGenDelivery } from './events';
import {
	deliveryKey,
	isVideoEvent,
	matchesCallbackPrefix,
	normalizeEvents,
	readDelivery,
} from './events';
import type { WebhookApiChoice } from './state';
import {
	allRegistrations,
	alreadySeen,
	claimDelivery,
	releaseDelivery,
	rememberSeen,
} from './state';

function respond(
	this: IWebhookFunctions,
	statusCode: number,
	body: IDataObject,
): IWebhookResponseData {
	this.getResponseObject().status(statusCode).json(body);
	return { noWebhookResponse: true };
}

function ignored(reason: string): IWebhookResponseData {
	return { webhookResponse: { received: true, started: false, reason } };
}

/** The bytes HeyGen signed. n8n keeps them on the request once it has parsed the body. */
async function rawBodyOf(this: IWebhookFunctions): Promise<Buffer | undefined> {
	const request = this.getRequestObject() as unknown as {
		rawBody?: unknown;
		readRawBody?: () => Promise<void>;
	};
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function')
		await request.readRawBody();
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}

/** The item: the event's own fields, then (when fetched) the confirmed status and fresh links. */
export function deliveryItem(
	delivery: HeyGenDelivery,
	details: NormalizedVideo | undefined,
	extra: IDataObject,
): IDataObject {
	const json: IDataObject = {
		event_type: delivery.event_type,
		event_id: delivery.event_id,
		video_id: delivery.video_id,
		status: delivery.status,
		callback_id: delivery.callback_id,
		video_url: delivery.video_url,
		gif_url: delivery.gif_url,
		thumbnail_url: delivery.thumbnail_url,
		video_page_url: delivery.video_page_url,
		code: delivery.code,
		message: delivery.message,
	};
	if (details) {
		Object.assign(json, {
			status: details.status,
			callback_id: details.callback_id ?? delivery.callback_id,
			video_url: details.video_url ?? delivery.video_url,
			captioned_video_url: details.captioned_video_url,
			caption_url: details.caption_url,
			subtitle_url: details.subtitle_url,
			thumbnail_url: details.thumbnail_url ?? delivery.thumbnail_url,
			gif_url: details.gif_url ?? delivery.gif_url,
			video_page_url: details.video_page_url ?? delivery.video_page_url,
			title: details.title,
			duration: details.duration,
			created_at: details.created_at,
			completed_at: details.completed_at,
			urls_expire_at: details.urls_expire_at,
			api_version: details.api_version,
			error: details.error as IDataObject | null,
		});
		if (details.error) {
			json.code = details.error.code ?? delivery.code;
			json.message = details.error.detail ?? details.error.message ?? delivery.message;
		}
	}
	return { ...json, ...extra, event_data: delivery.event_data };
}

export async function handleDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const staticData = this.getWorkflowStaticData('node');
	// The production and the test URL each have their endpoint and secret. n8n's webhook context does not say
	// which URL was called (its getNodeWebhookUrl always gives the production one), so any of this node's own
	// secrets proves the delivery comes from HeyGen for this node.
	const registrations = allRegistrations(staticData);
	if (registrations.length === 0) {
		return respond.call(this, 401, {
			error: 'This trigger holds no HeyGen signing secret; publish the workflow again',
		});
	}
	const headers = this.getHeaderData() as Record<string, unknown>;
	const rawBody = await rawBodyOf.call(this);
	const endpoint =
		rawBody && registrations.find((r) => verifyHeyGenSignature(r.secret, rawBody, headers));
	if (!endpoint) return respond.call(this, 401, { error: 'Missing or invalid Heygen-Signature' });

	const delivery = readDelivery(this.getBodyData(), headerValue(headers, 'heygen-event-id'));
	if (!delivery) return ignored('Not a HeyGen event');
	// HeyGen also sends events the endpoint did not subscribe to (reference §5.4).
	if (!normalizeEvents(this.getNodeParameter('events', [])).includes(delivery.event_type)) {
		return ignored(`Event ${delivery.event_type} is not selected`);
	}
	const prefix = String(this.getNodeParameter('options.callbackIdPrefix', '') ?? '');
	if (!matchesCallbackPrefix(delivery.callback_id, prefix))
		return ignored('Callback ID does not match the prefix');

	// HeyGen sends one event to every endpoint with the same event id: deduplicate per endpoint.
	const eventKey = deliveryKey(delivery);
	const key = eventKey === undefined ? undefined : `${endpoint.endpointId}/${eventKey}`;
	const now = Date.now();
	const scope = `${this.getWorkflow().id ?? ''}/${this.getNode().name}`;
	if (key !== undefined && alreadySeen(staticData, key, now)) return ignored('Duplicate delivery');
	if (key !== undefined && !claimDelivery(scope, key, now)) return ignored('Duplicate delivery');

	let json: IDataObject;
	try {
		const fetch = this.getNodeParameter('fetchDetails', true) as boolean;
		let details: NormalizedVideo | undefined;
		const extra: IDataObject = { received_at: new Date(now).toISOString() };
		if (fetch && delivery.video_id && isVideoEvent(delivery.event_type)) {
			const api = this.getNodeParameter('options.statusApi', 'auto') as WebhookApiChoice;
			try {
				details = await fetchVideoDetails.call(this, delivery.video_id, api);
			} catch (error) {
				// The signed event is the fact; the status read only adds to it. Start the workflow anyway.
				extra.details_error = (error as Error).message;
			}
		}
		json = deliveryItem(delivery, details, extra);
	} catch (error) {
		if (key !== undefined) releaseDelivery(scope, key);
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	if (key !== undefined) rememberSeen(staticData, scope, key, now);
	// Answered here, before n8n starts the execution: n8n 2.x saves the static data written above only when the
	// answer is sent before the execution's own Workflow is built (that resets the change flag; n8n 2.41
	// webhook-helpers executeWebhook + live-webhooks). HeyGen gets its 200 sooner, too.
	this.getResponseObject().status(200).json({ received: true, started: true });
	return { noWebhookResponse: true, workflowData: [[{ json }]] };
}
