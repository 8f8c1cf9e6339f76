/**
 * Video status calls, for both API families, through the shared transport:
 * - v3: `GET /v3/videos/statuses?video_ids=…` (≤100 ids a call) for everything, then `GET /v3/videos/{id}` once
 *   for each video found completed (the bulk answer has no URLs);
 * - legacy: `GET /v1/video_status.get?video_id=…`, one call per video (a few in parallel);
 * - auto: v3 first, then the legacy call for the ids v3 does not know (videos generated through the legacy
 *   `/v2/template/{id}/generate` route exist only there: the documented pitfall).
 * Every call is a GET, so the transport retries 429/5xx/network errors within its bound. A caller with a time
 * budget passes a deadline: every request, retry and Retry-After wait of the check is cut there.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { chunk } from './pollSchedule';
import {
	errorForItem,
	invalidIdError,
	isValidVideoId,
	notFoundError,
	unreadableError,
} from './statusErrors';
import type { CheckOptions } from './statusDeadline';
import { boundedContext, rethrowIfAborted } from './statusDeadline';

export type { CheckOptions } from './statusDeadline';
export { StatusDeadlineError } from './statusDeadline';
import type { HeyGenContext } from '../shared/transport';
import { HeyGenApiError, heyGenRequest } from '../shared/transport';
import type { NormalizedVideo } from '../shared/videoRecord';
import type { ApiChoice, VideoCheck, VideoQuery } from './videoCheck';
import { videoCheck } from './videoCheck';
import { UnreadableStatusError, fromV1, fromV3Detail, outcomeOf } from '../shared/videoRecord';
import { bulkEntries, fromV3Bulk } from './bulkStatus';

export type { ApiChoice, VideoCheck, VideoFound, VideoQuery } from './videoCheck';
export { unfinished, videoCheck } from './videoCheck';

export {
	errorForItem,
	invalidIdError,
	isAnswerError,
	isValidVideoId,
	isVideoNotFound,
	notFoundError,
	unreadableError,
	INVALID_ID_ADVICE,
	VideoNotFoundError,
} from './statusErrors';

export const BULK_LIMIT = 100;
const LEGACY_CONCURRENCY = 5;

/** Reads what the user or the upstream Generate node said about the API family. */
export function parseApiChoice(value: unknown): ApiChoice | undefined {
	if (typeof value !== 'string') return undefined;
	const normalized = value.trim().toLowerCase();
	if (normalized === 'v3') return 'v3';
	if (['legacy', 'v1', 'v2'].includes(normalized)) return 'legacy';
	if (normalized === 'auto') return 'auto';
	return undefined;
}

function heyGenKind(error: unknown): string | undefined {
	return error instanceof HeyGenApiError ? error.heyGen.kind : undefined;
}

/**
 * One status read of one video: `GET path`, its answer read by `parse`. An answer without a readable status is
 * an item error naming the endpoint; anything else `parse` throws ends the run.
 */
async function readStatus(
	this: HeyGenContext,
	query: VideoQuery,
	path: string,
	qs: IDataObject | undefined,
	parse: (body: unknown, requestedId: string) => NormalizedVideo,
): Promise<NormalizedVideo> {
	const request = { method: 'GET' as const, path, idempotent: true, itemIndex: query.itemIndex };
	const response = await heyGenRequest.call(this, qs ? { ...request, qs } : request);
	try {
		return parse(response.body, query.videoId);
	} catch (error) {
		if (!(error instanceof UnreadableStatusError))
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: query.itemIndex });
		throw unreadableError(this, query.itemIndex, `GET ${path}`, response.statusCode, error);
	}
}

async function v3Detail(this: HeyGenContext, query: VideoQuery): Promise<NormalizedVideo> {
	const path = `/v3/videos/${encodeURIComponent(query.videoId)}`;
	return await readStatus.call(this, query, path, undefined, fromV3Detail);
}

async function v1Status(this: HeyGenContext, query: VideoQuery): Promise<NormalizedVideo> {
	const qs = { video_id: query.videoId };
	return await readStatus.call(this, query, '/v1/video_status.get', qs, fromV1);
}

/** Runs `worker` over `values` with at most `limit` in flight. */
async function forEachLimited<T>(
	values: T[],
	limit: number,
	worker: (value: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const lanes = Array.from({ length: Math.min(limit, values.length) }, async () => {
		while (next < values.length) {
			const value = values[next++];
			await worker(value);
		}
	});
	await Promise.all(lanes);
}

/** Where the status requests of one check run, and how a failure of one of them is judged. */
interface CheckScope {
	/** The caller's context: errors, cancellation. */
	caller: HeyGenContext;
	/** The context requests run in (bounded by the deadline, when there is one). */
	api: HeyGenContext;
	expired?: AbortSignal;
}

async function checkLegacy(
	scope: CheckScope,
	queries: VideoQuery[],
	results: Map<number, VideoCheck>,
	checkedBefore: string | undefined,
): Promise<void> {
	const { caller, api, expired } = scope;
	await forEachLimited(queries, LEGACY_CONCURRENCY, async (query) => {
		try {
			results.set(query.itemIndex, videoCheck(await v1Status.call(api, query)));
		} catch (error) {
			rethrowIfAborted(caller, error, expired);
			if (heyGenKind(error) === 'not_found') {
				const checked = checkedBefore
					? `${checkedBefore} and the legacy status endpoint`
					: 'the legacy status endpoint (/v1/video_status.get)';
				results.set(query.itemIndex, { error: notFoundError(caller, query, checked) });
			} else {
				results.set(query.itemIndex, { error: errorForItem(caller, error, query.itemIndex) });
			}
		}
	});
}

/** One video with its details: v3 detail (auto: then legacy when v3 does not know it), or legacy v1 status. */
async function readOne(
	scope: CheckScope,
	query: VideoQuery,
	results: Map<number, VideoCheck>,
): Promise<void> {
	const { caller, api, expired } = scope;
	if (query.api === 'legacy') return await checkLegacy(scope, [query], results, undefined);
	try {
		results.set(query.itemIndex, videoCheck(await v3Detail.call(api, query)));
	} catch (error) {
		rethrowIfAborted(caller, error, expired);
		if (heyGenKind(error) === 'not_found' && query.api === 'auto') {
			return await checkLegacy(scope, [query], results, 'the v3 video endpoint');
		}
		if (heyGenKind(error) === 'not_found') {
			results.set(query.itemIndex, {
				error: notFoundError(caller, query, 'the v3 video endpoint (/v3/videos/{id})'),
			});
			return;
		}
		results.set(query.itemIndex, { error: errorForItem(caller, error, query.itemIndex) });
	}
}

/** Where a check's requests run: the caller's context, bounded by the deadline when there is one. */
function scopeFor(context: HeyGenContext, options: CheckOptions): CheckScope {
	const bounded =
		options.deadlineMs === undefined ? undefined : boundedContext(context, options.deadlineMs);
	return { caller: context, api: bounded?.context ?? context, expired: bounded?.expired };
}

/**
 * Checks the given videos once. Final v3 videos (completed, and failed for HeyGen's failure reason) get their
 * details in the same call unless `statusOnly`, so the caller fetches details once per video. Returns one
 * result per itemIndex. Throws StatusDeadlineError when `deadlineMs` passes before every answer is in (the
 * caller decides what the answers so far are worth).
 */
export async function checkVideos(
	this: HeyGenContext,
	queries: VideoQuery[],
	options: CheckOptions = {},
): Promise<Map<number, VideoCheck>> {
	const scope = scopeFor(this, options);
	const results = new Map<number, VideoCheck>();
	const valid = queries.filter((q) => {
		if (isValidVideoId(q.videoId)) return true;
		results.set(q.itemIndex, { error: invalidIdError(this, q) });
		return false;
	});
	const legacy = valid.filter((q) => q.api === 'legacy');
	const viaV3 = valid.filter((q) => q.api !== 'legacy');
	const fallback: VideoQuery[] = [];
	const oneByOne: VideoQuery[] = [];
	const finalV3: VideoQuery[] = [];

	for (const batch of chunk(viaV3, BULK_LIMIT)) {
		let entries: Map<string, unknown>;
		try {
			const ids = [...new Set(batch.map((q) => q.videoId))];
			const response = await heyGenRequest.call(scope.api, {
				method: 'GET',
				path: '/v3/videos/statuses',
				qs: { video_ids: ids.join(',') },
				idempotent: true,
			});
			try {
				entries = bulkEntries(response.body);
			} catch (error) {
				if (!(error instanceof UnreadableStatusError))
					throw new NodeOperationError(this.getNode(), error as Error);
				for (const q of batch) {
					results.set(q.itemIndex, {
						error: unreadableError(
							this,
							q.itemIndex,
							'GET /v3/videos/statuses',
							response.statusCode,
							error,
						),
					});
				}
				continue;
			}
		} catch (error) {
			rethrowIfAborted(this, error, scope.expired);
			const kind = heyGenKind(error);
			if (kind === 'invalid_request' && batch.length > 1) {
				// One ID HeyGen refuses must not fail the others: ask about each video on its own.
				oneByOne.push(...batch);
				continue;
			}
			// An account or key without the v3 status endpoint: auto items can still be answered by legacy.
			const v3Unusable = kind === 'not_found' || kind === 'forbidden' || kind === 'invalid_request';
			for (const query of batch) {
				if (query.api === 'auto' && v3Unusable) fallback.push(query);
				else results.set(query.itemIndex, { error: errorForItem(this, error, query.itemIndex) });
			}
			continue;
		}
		for (const query of batch) {
			const entry = entries.get(query.videoId);
			let video: NormalizedVideo | undefined;
			try {
				video = entry === undefined ? undefined : fromV3Bulk(entry, query.videoId);
			} catch (error) {
				if (!(error instanceof UnreadableStatusError))
					throw new NodeOperationError(this.getNode(), error as Error);
				results.set(query.itemIndex, {
					error: unreadableError(this, query.itemIndex, 'GET /v3/videos/statuses', 200, error),
				});
				continue;
			}
			const outcome = video ? outcomeOf(video.status) : 'not_found';
			if (outcome === 'not_found') {
				if (query.api === 'auto') fallback.push(query);
				else
					results.set(query.itemIndex, {
						error: notFoundError(this, query, 'the v3 status endpoint (/v3/videos/statuses)'),
					});
			} else if (
				video &&
				(outcome === 'completed' || outcome === 'failed') &&
				!options.statusOnly
			) {
				finalV3.push({ ...query, api: 'v3' });
			} else if (video) {
				results.set(query.itemIndex, videoCheck(video));
			}
		}
	}

	await forEachLimited(finalV3, LEGACY_CONCURRENCY, async (query) => {
		try {
			results.set(query.itemIndex, videoCheck(await v3Detail.call(scope.api, query)));
		} catch (error) {
			rethrowIfAborted(this, error, scope.expired);
			results.set(query.itemIndex, { error: errorForItem(this, error, query.itemIndex) });
		}
	});
	await forEachLimited(
		oneByOne,
		LEGACY_CONCURRENCY,
		async (query) => await readOne(scope, query, results),
	);

	await checkLegacy(scope, legacy, results, undefined);
	await checkLegacy(scope, fallback, results, 'the v3 status endpoint');
	return results;
}

/** One video's status with its details, in one read (two for an auto video v3 does not know). */
export async function readVideo(
	this: HeyGenContext,
	query: VideoQuery,
	options: CheckOptions = {},
): Promise<VideoCheck> {
	if (!isValidVideoId(query.videoId)) return { error: invalidIdError(this, query) };
	const scope = scopeFor(this, options);
	const results = new Map<number, VideoCheck>();
	await readOne(scope, query, results);
	return (
		results.get(query.itemIndex) ?? {
			error: new NodeOperationError(this.getNode(), 'No status answer'),
		}
	);
}

/**
 * A fresh status of one video, right before its media is downloaded: HeyGen signs the URLs anew on every
 * status call, so this is what makes a download work on a link that expired while the item waited.
 */
export async function freshVideo(
	this: HeyGenContext,
	video: NormalizedVideo,
	itemIndex: number,
): Promise<NormalizedVideo> {
	const query: VideoQuery = { itemIndex, videoId: video.video_id, api: video.api_version };
	return video.api_version === 'v3'
		? await v3Detail.call(this, query)
		: await v1Status.call(this, query);
}
