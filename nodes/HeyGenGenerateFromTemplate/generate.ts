/**
 * The generate call in both families. v3 (POST /v3/templates/{id}) carries an Idempotency-Key, so the
 * transport may repeat it safely; legacy (POST /v2/template/{id}/generate) has no idempotency and is never
 * repeated once it may have reached HeyGen: a second call could create and charge a second video.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { ApiFamily } from './templates';
import type { HeyGenContext } from '../shared/transport';
import { heyGenRequest } from '../shared/transport';
import { isRecord } from '../shared/json';

export interface GenerateSettings {
	title: string;
	callbackId: string;
	callbackUrl?: string;
	caption?: boolean;
	includeGif?: boolean;
	enableSharing?: boolean;
	dimension?: { width: number; height: number };
	fps?: number;
	folderId?: string;
	brandVoiceId?: string;
	/** Legacy only: HeyGen documents test mode for the v2 template route alone. */
	test?: boolean;
}

/** The request body, with only what the user set: an unset option is left to HeyGen and the template. */
export function buildGenerateBody(variables: IDataObject, settings: GenerateSettings): IDataObject {
	const body: IDataObject = { title: settings.title, callback_id: settings.callbackId, variables };
	if (settings.callbackUrl) body.callback_url = settings.callbackUrl;
	if (settings.caption !== undefined) body.caption = settings.caption;
	if (settings.includeGif !== undefined) body.include_gif = settings.includeGif;
	if (settings.enableSharing !== undefined) body.enable_sharing = settings.enableSharing;
	if (settings.dimension) body.dimension = { ...settings.dimension };
	if (settings.fps !== undefined) body.fps = settings.fps;
	if (settings.folderId) body.folder_id = settings.folderId;
	if (settings.brandVoiceId) body.brand_voice_id = settings.brandVoiceId;
	if (settings.test !== undefined) body.test = settings.test;
	return body;
}

/** JSON with sorted keys, so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		return `{${Object.keys(record)
			.filter((key) => record[key] !== undefined)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

export function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

const KEY_UNSAFE = /[^A-Za-z0-9_:.-]/g;

/** Which generate call of a workflow execution this is: n8n runs a node again in loops (run index). */
export interface GenerateOrigin {
	/** n8n's instance ID and the workflow's ID: executions of two instances (or two workflows) never share a key. */
	instanceId?: string;
	workflowId?: string;
	executionId: string;
	nodeId: string;
	runIndex: number;
	itemIndex: number;
}

/**
 * `n8n:<instance+workflow hash>:<execution>:<node>:<run>:<item>:<body hash>` within HeyGen's 1–255 chars of
 * [A-Za-z0-9_:.-] (at most 4+17+65+65+17+17+40 = 225). HeyGen replays on the key alone, even when the body
 * differs, so the key names the instance and workflow too: two n8n instances (or two copies of a workflow)
 * on one HeyGen account have equal execution IDs but never equal keys.
 * The same execution, node run, item and body always give the same key, so a retry (by the transport, or
 * the same execution run again after a crash) replays HeyGen's first answer instead of rendering and
 * charging again; any change to what is sent gives a new key. The run index keeps a workflow loop that
 * sends the node the same item again (e.g. "render failed → generate again") from replaying the first
 * (failed) video forever.
 */
export function idempotencyKey(parts: GenerateOrigin & { body: IDataObject }) {
	const clean = (value: string, max: number) => {
		const safe = value.replace(KEY_UNSAFE, '_');
		return safe.length <= max ? safe : sha256(value).slice(0, max);
	};
	const bodyHash = sha256(canonicalJson(parts.body)).slice(0, 40);
	const scope = sha256(`${parts.instanceId ?? ''}\n${parts.workflowId ?? ''}`).slice(0, 16);
	const run = Number.isSafeInteger(parts.runIndex) ? parts.runIndex : 0;
	const item = Number.isSafeInteger(parts.itemIndex) ? parts.itemIndex : 0;
	return `n8n:${scope}:${clean(parts.executionId || 'manual', 64)}:${clean(parts.nodeId || 'node', 64)}:${run}:${item}:${bodyHash}`;
}

/**
 * Deterministic per execution, item and node run, so Wait For Video (and webhooks) can correlate the
 * video. The first run keeps the short documented form `n8n-<execution>-<item>`; later runs of the node
 * in a loop add `-r<run>` so their videos do not share a callback ID.
 */
export function defaultCallbackId(executionId: string, itemIndex: number, runIndex = 0): string {
	const base = `n8n-${executionId || 'manual'}-${itemIndex}`;
	return runIndex > 0 ? `${base}-r${runIndex}` : base;
}

export interface GenerateResult {
	videoId: string;
	status?: string;
}

/** v3 answers a video object `{data: {id, status, ...}}`; legacy `{data: {video_id}}`. */
export function readGenerateResponse(body: unknown): GenerateResult | undefined {
	const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
	if (!data) return undefined;
	const id = data.video_id ?? data.id;
	if (typeof id !== 'string' || id === '') return undefined;
	return { videoId: id, status: typeof data.status === 'string' ? data.status : undefined };
}

export async function generateVideo(
	this: HeyGenContext,
	request: {
		family: ApiFamily;
		templateId: string;
		body: IDataObject;
		idempotencyKey?: string;
		itemIndex: number;
	},
): Promise<GenerateResult & { raw: unknown }> {
	const encoded = encodeURIComponent(request.templateId);
	const response =
		request.family === 'v3'
			? await heyGenRequest.call(this, {
					method: 'POST',
					path: `/v3/templates/${encoded}`,
					body: request.body,
					idempotent: true,
					idempotencyKey: request.idempotencyKey,
					itemIndex: request.itemIndex,
				})
			: await heyGenRequest.call(this, {
					method: 'POST',
					path: `/v2/template/${encoded}/generate`,
					body: request.body,
					idempotent: false,
					itemIndex: request.itemIndex,
				});
	const result = readGenerateResponse(response.body);
	return { videoId: result?.videoId ?? '', status: result?.status, raw: response.body };
}
