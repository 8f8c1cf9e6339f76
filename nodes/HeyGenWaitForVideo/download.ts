/**
 * Downloads a finished video's media from HeyGen's pre-signed URLs into n8n binary data.
 *
 * - Streamed: the response stream goes straight to n8n's binary store, never into memory whole.
 * - No credentials: the URLs are already signed, and the API key must never reach the media host, so these
 *   functions use the plain `httpRequest` helper and never read the credential. Fresh URLs come from the
 *   caller's `resign` callback (a status call through the transport).
 * - A 403/404 from the media host usually means an expired or not-yet-published link: re-sign once, retry once.
 * - Only from HeyGen's media hosts (./mediaHosts), every redirect hop checked again; a download that sends no
 *   bytes for DOWNLOAD_LIMITS.idleTimeoutMs, or outlives the caller's deadline, is cut and is an item error.
 */
import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { headerValue } from '../shared/headers';
import { mediaUrlRefusal } from './mediaHosts';
import { heyGenCredentials, normalizeBaseUrl } from '../shared/transport';
import type { NormalizedVideo } from '../shared/videoRecord';
import type { MediaFile, MediaKind, MediaRequest } from './mediaFiles';
import { mediaFile } from './mediaFiles';

export type { DownloadSettings, MediaKind, MediaRequest } from './mediaFiles';
export { mediaFile, mediaRequests } from './mediaFiles';

/** Mutable so tests can shorten the idle timeout instead of sleeping 30 s. */
export const DOWNLOAD_LIMITS = {
	/** No byte from the media host for this long: the download is cut. */
	idleTimeoutMs: 30_000,
	maxRedirects: 5,
};

export interface DownloadBounds {
	/** Epoch ms after which a download still running is cut (Poll mode: the node's time budget). */
	deadlineMs?: number;
}

export type DownloadContext = IExecuteFunctions | IWebhookFunctions;

export interface DownloadResult {
	binary: Record<string, IBinaryData>;
	/** The record whose URLs were used (fresh from the re-sign call). */
	video: NormalizedVideo;
	/** Extras HeyGen had no file for. */
	skipped: MediaKind[];
}

interface StreamLike {
	destroy?: (error?: Error) => void;
	resume?: () => void;
}

function discard(body: unknown): void {
	const stream = body as StreamLike | undefined;
	if (stream && typeof stream.destroy === 'function') stream.destroy();
}

/** The media host's content type when it is specific; ours otherwise. */
function chooseMimeType(fallback: string, headers: Record<string, unknown> | undefined): string {
	const type = headerValue(headers, 'content-type')?.split(';')[0].trim();
	if (!type || type === 'application/octet-stream' || type === 'binary/octet-stream')
		return fallback;
	if (fallback.startsWith('video/') && !type.startsWith('video/')) return fallback;
	return type;
}

type Attempt = { ok: true; binary: IBinaryData } | { ok: false; statusCode: number };

interface FetchScope {
	itemIndex: number;
	baseUrl: string;
	bounds: DownloadBounds;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

function refused(
	this: DownloadContext,
	file: MediaFile,
	url: string,
	reason: string,
	itemIndex: number,
) {
	let host = url;
	try {
		host = new URL(url).host;
	} catch {
		host = url.slice(0, 80);
	}
	return new NodeOperationError(
		this.getNode(),
		`The download URL for ${file.fileName} was refused: ${reason}`,
		{
			itemIndex,
			description: `Host: ${host}. Media is downloaded only over https from HeyGen's media hosts (or the Base URL's own host for a proxy or sandbox), so a status answer cannot make n8n fetch anything else.`,
		},
	);
}

/**
 * The request's abort signal: the execution's cancellation, the deadline, and `cut` (the stall watchdog). Aborting
 * is the only way to stop a stalled body: axios hands out a wrapper stream whose destroy() waits for the next
 * chunk of the underlying response, which never comes; the abort closes the connection underneath.
 */
function requestSignal(
	context: DownloadContext,
	deadlineMs: number | undefined,
	cut: AbortController,
): AbortSignal {
	const cancel =
		'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
	const signals: AbortSignal[] = [cut.signal];
	if (cancel) signals.push(cancel);
	if (deadlineMs !== undefined)
		signals.push(AbortSignal.timeout(Math.max(1, deadlineMs - Date.now())));
	return signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}

/** GETs `file.url`, following redirects by hand so every hop is checked against the media hosts. */
async function openMedia(
	this: DownloadContext,
	file: MediaFile,
	scope: FetchScope,
	cut: AbortController,
): Promise<RawResponse> {
	let url = file.url;
	for (let hop = 0; ; hop++) {
		const refusal = mediaUrlRefusal(url, scope.baseUrl);
		if (refusal) throw refused.call(this, file, url, refusal, scope.itemIndex);
		const signal = requestSignal(this, scope.bounds.deadlineMs, cut);
		const response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: DOWNLOAD_LIMITS.idleTimeoutMs,
			abortSignal: signal,
		})) as RawResponse;
		const location = response.headers?.location;
		if (
			response.statusCode >= 300 &&
			response.statusCode < 400 &&
			typeof location === 'string' &&
			location !== ''
		) {
			discard(response.body);
			if (hop >= DOWNLOAD_LIMITS.maxRedirects) {
				throw new NodeOperationError(
					this.getNode(),
					`Too many redirects while downloading ${file.fileName}`,
					{
						itemIndex: scope.itemIndex,
					},
				);
			}
			url = new URL(location, url).href;
			continue;
		}
		return response;
	}
}

interface Readable {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	push(chunk: unknown, encoding?: string): boolean;
	destroy(error?: Error): void;
}

/**
 * Watches the response stream: it is cut with an error when no byte arrived for the idle timeout or the
 * deadline passed (n8n's request timeout covers only the wait for the response headers). Arrivals are seen
 * where the stream receives them (`push`), not through a 'data' listener: a listener would start the flow
 * before the binary store reads, and pausing the stream instead stalls readers that only listen for 'data'
 * (n8n 1.x's in-memory binary mode).
 */
function watchStream(
	source: Readable,
	bounds: DownloadBounds,
	cut: AbortController,
): { stop: () => void; tripped: () => string | undefined } {
	let lastByte = Date.now();
	let done = false;
	let reason: string | undefined;
	const push = source.push.bind(source);
	source.push = (chunk: unknown, encoding?: string) => {
		lastByte = Date.now();
		return push(chunk, encoding);
	};
	const finish = () => {
		done = true;
	};
	source.on('end', finish);
	source.on('close', finish);
	const idle = DOWNLOAD_LIMITS.idleTimeoutMs;
	const step = Math.max(20, Math.min(1000, Math.floor(idle / 4)));
	void (async () => {
		while (!done) {
			await sleep(step);
			if (done) return;
			const now = Date.now();
			if (now - lastByte >= idle) reason = `no data arrived for ${Math.round(idle / 1000)} s`;
			else if (bounds.deadlineMs !== undefined && now >= bounds.deadlineMs) {
				reason = "it ran past the node's time budget (Max Time in Node)";
			}
			if (reason) {
				done = true;
				const error = new Error(`download cut: ${reason}`);
				cut.abort(error);
				source.destroy(error);
			}
		}
	})();
	return { stop: finish, tripped: () => reason };
}

/** One streamed GET of a pre-signed URL. */
async function fetchOnce(
	this: DownloadContext,
	file: MediaFile,
	scope: FetchScope,
): Promise<Attempt> {
	const { itemIndex } = scope;
	let response: RawResponse;
	const cut = new AbortController();
	try {
		response = await openMedia.call(this, file, scope, cut);
	} catch (error) {
		const itemError = error instanceof NodeOperationError ? error : undefined;
		if (itemError) throw itemError;
		throw new NodeOperationError(this.getNode(), error as Error, {
			itemIndex,
			message: `Downloading ${file.fileName} from HeyGen failed: ${(error as Error).message}`,
		});
	}

	if (response.statusCode < 200 || response.statusCode >= 300) {
		discard(response.body);
		return { ok: false, statusCode: response.statusCode };
	}
	const guard = watchStream(response.body as Readable, scope.bounds, cut);
	try {
		const binary = await this.helpers.prepareBinaryData(
			response.body as Buffer,
			file.fileName,
			chooseMimeType(file.mimeType, response.headers),
		);
		return { ok: true, binary };
	} catch (error) {
		discard(response.body);
		const reason = guard.tripped();
		throw new NodeOperationError(this.getNode(), error as Error, {
			itemIndex,
			message: reason
				? `Downloading ${file.fileName} from HeyGen was stopped: ${reason}`
				: `Downloading ${file.fileName} from HeyGen failed: ${(error as Error).message}`,
			description: reason
				? 'The media host stopped sending data or was too slow. The video itself is fine: run the item again to download it with a fresh link.'
				: undefined,
		});
	} finally {
		guard.stop();
	}
}

/**
 * Downloads the requested media of one completed video. `resign` returns a fresh status record (new
 * signed URLs); it is called once before downloading, and once more if the media host refuses a link.
 */
export async function downloadVideoMedia(
	this: DownloadContext,
	video: NormalizedVideo,
	requests: MediaRequest[],
	itemIndex: number,
	resign: () => Promise<NormalizedVideo>,
	bounds: DownloadBounds = {},
): Promise<DownloadResult> {
	const credentials = await heyGenCredentials.call(this);
	const scope: FetchScope = { itemIndex, baseUrl: normalizeBaseUrl(credentials.baseUrl), bounds };
	let current = await resign();
	let resigned = false;
	const binary: Record<string, IBinaryData> = {};
	const skipped: MediaKind[] = [];

	for (const request of requests) {
		let file = mediaFile(current, request.kind);
		if (!file) {
			if (request.required) {
				throw new NodeOperationError(
					this.getNode(),
					`HeyGen returned no URL for the ${request.kind.replace('_', ' ')} of video ${video.video_id}`,
					{
						itemIndex,
						description: `The video status is "${current.status}".`,
					},
				);
			}
			skipped.push(request.kind);
			continue;
		}
		let attempt = await fetchOnce.call(this, file, scope);
		if (!attempt.ok && (attempt.statusCode === 403 || attempt.statusCode === 404) && !resigned) {
			resigned = true;
			current = await resign();
			file = mediaFile(current, request.kind);
			if (file) attempt = await fetchOnce.call(this, file, scope);
		}
		if (!attempt.ok) {
			if (!request.required) {
				skipped.push(request.kind);
				continue;
			}
			throw new NodeOperationError(
				this.getNode(),
				`HeyGen's media host answered HTTP ${attempt.statusCode} for the video file of ${video.video_id}`,
				{
					itemIndex,
					description:
						attempt.statusCode === 403 || attempt.statusCode === 404
							? 'The signed link was refused even after fetching a fresh one from the status endpoint. The file may not be published yet: run the item again in a minute.'
							: 'The media host failed. Run the item again later.',
				},
			);
		}
		binary[request.property] = attempt.binary;
	}
	return { binary, video: current, skipped };
}
