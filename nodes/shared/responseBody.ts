/**
 * Reads an API answer from its stream with a hard size bound, so a hostile or broken answer (a 100 MB
 * "status") is refused after 5 MB instead of being buffered whole and copied into items.
 */
import { NodeApiError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

/** Far above any HeyGen JSON answer (a 100-video bulk status is ~60 KB), far below what hurts a worker. */
export const MAX_API_RESPONSE_BYTES = 5 * 1024 * 1024;

export class ResponseTooLargeError extends NodeApiError {
	constructor(node: INode, bytes: number, itemIndex?: number) {
		super(
			node,
			{ message: 'response too large' },
			{
				message: `HeyGen's answer was larger than ${MAX_API_RESPONSE_BYTES / 1024 / 1024} MB and was refused`,
				description: `At least ${bytes} bytes arrived. No HeyGen API answer is this large; check the Base URL in the HeyGen credential (a proxy or another service may be answering).`,
				itemIndex,
			},
		);
	}
}

interface ReadableLike {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy?: (error?: Error) => void;
}

function isStream(value: unknown): value is ReadableLike {
	return (
		typeof value === 'object' && value !== null && typeof (value as ReadableLike).on === 'function'
	);
}

export type BodyRead = { ok: true; text: string } | { ok: false; tooLarge: number };

/** Collects a response stream as UTF-8 text, giving up (and closing it) past `limit` bytes. */
export async function readBoundedText(
	body: unknown,
	limit = MAX_API_RESPONSE_BYTES,
): Promise<BodyRead> {
	if (!isStream(body)) {
		const text =
			typeof body === 'string'
				? body
				: body === undefined || body === null
					? ''
					: JSON.stringify(body);
		return Buffer.byteLength(text) > limit
			? { ok: false, tooLarge: Buffer.byteLength(text) }
			: { ok: true, text };
	}
	return await new Promise<BodyRead>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		body.on('data', (chunk: unknown) => {
			if (settled) return;
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += buffer.length;
			if (size > limit) {
				settled = true;
				body.destroy?.();
				resolve({ ok: false, tooLarge: size });
				return;
			}
			chunks.push(buffer);
		});
		body.on('end', () => {
			if (settled) return;
			settled = true;
			resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
		});
		body.on('error', (error: unknown) => {
			if (settled) return;
			settled = true;
			reject(error instanceof Error ? error : new Error(String(error)));
		});
	});
}

/** JSON when it parses; the text itself otherwise (an HTML error page, a truncated answer). */
export function parseBody(text: string): unknown {
	if (text.trim() === '') return '';
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Closes a response stream whose body is not needed (a redirect, a refused download). */
export function discardBody(body: unknown): void {
	if (isStream(body)) body.destroy?.();
}
