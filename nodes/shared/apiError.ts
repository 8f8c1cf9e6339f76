/**
 * The errors a HeyGen request ends in: HeyGen's answer (message and description from the one advice table in
 * errors.ts), or a connection that failed.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ErrorCircumstance, HeyGenErrorInfo } from './errors';
import { describeHeyGenError, messageWithNextStep, UNPROTECTED_SEND_ADVICE } from './errors';
import type { HeyGenContext, HeyGenRequest } from './requests';

/**
 * Raised with the parsed HeyGen failure attached, so callers can branch on `heyGen.kind`. Its message and
 * description come from the one advice table in errors.ts, chosen by kind and circumstance.
 */
export class HeyGenApiError extends NodeApiError {
	heyGen: HeyGenErrorInfo;

	readonly circumstance: ErrorCircumstance;

	constructor(
		context: HeyGenContext,
		info: HeyGenErrorInfo,
		body: unknown,
		itemIndex?: number,
		circumstance: ErrorCircumstance = { kind: 'answer' },
	) {
		const { message, description } = describeHeyGenError(info, circumstance);
		super(context.getNode(), toJsonObject(body, info), {
			message,
			description,
			httpCode: String(info.httpCode),
			itemIndex,
		});
		this.heyGen = info;
		this.circumstance = circumstance;
	}

	/** For nodes whose items the user runs again: the message also names the next step (advice table). */
	withNextStep(): this {
		this.message =
			messageWithNextStep(this.message, this.heyGen.kind, this.circumstance) ?? this.message;
		return this;
	}
}

function toJsonObject(body: unknown, info: HeyGenErrorInfo): JsonObject {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as JsonObject;
	return { message: info.message, httpCode: info.httpCode };
}

export function networkFailure(
	context: HeyGenContext,
	request: HeyGenRequest,
	error: unknown,
): NodeApiError {
	const reason = (error as Error | undefined)?.message ?? String(error);
	const mayHaveStarted = request.method !== 'GET' && !request.idempotent;
	return new NodeApiError(
		context.getNode(),
		{ message: reason },
		{
			message: mayHaveStarted
				? 'The connection to HeyGen failed after the request was sent: the video may or may not have started'
				: `Could not reach HeyGen: ${reason}`,
			description: mayHaveStarted
				? UNPROTECTED_SEND_ADVICE
				: 'Check the Base URL in the HeyGen credential and the network between n8n and HeyGen.',
			itemIndex: request.itemIndex,
		},
	);
}
