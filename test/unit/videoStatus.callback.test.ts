import { createHmac } from 'crypto';

import {
	resumeTokenMatches,
	verifyHeyGenSignature,
} from '../../nodes/HeyGenWaitForVideo/callbackAuth';
import {
	callbackVideoId,
	parseState,
	stateExpression,
} from '../../nodes/HeyGenWaitForVideo/waitingState';
import { claimResume } from '../../nodes/HeyGenWaitForVideo/resumeClaims';

describe('HeyGen callback helpers', () => {
	const body = JSON.stringify({
		event_type: 'avatar_video.success',
		event_data: { video_id: 'v1' },
	});
	const sign = (secret: string, raw: string) =>
		createHmac('sha256', secret).update(raw).digest('hex');

	test('Heygen-Signature: valid, tampered, missing, and the older Signature header', () => {
		const secret = 'whsec_abc';
		expect(verifyHeyGenSignature(secret, body, { 'heygen-signature': sign(secret, body) })).toBe(
			true,
		);
		expect(
			verifyHeyGenSignature(secret, body, { signature: sign(secret, body).toUpperCase() }),
		).toBe(true);
		expect(
			verifyHeyGenSignature(secret, body + ' ', { 'heygen-signature': sign(secret, body) }),
		).toBe(false);
		expect(verifyHeyGenSignature('other', body, { 'heygen-signature': sign(secret, body) })).toBe(
			false,
		);
		expect(verifyHeyGenSignature(secret, body, {})).toBe(false);
		expect(verifyHeyGenSignature(secret, body, { 'heygen-signature': 'zz' })).toBe(false);
	});

	test('resume token: must match when the execution has one', () => {
		const url = 'http://n8n.local/webhook-waiting/42?signature=tok123';
		expect(resumeTokenMatches(url, { signature: 'tok123' })).toBe(true);
		expect(resumeTokenMatches(url, { signature: 'tok124' })).toBe(false);
		expect(resumeTokenMatches(url, {})).toBe(false);
		expect(resumeTokenMatches('http://n8n.local/webhook-waiting/42', {})).toBe(true);
	});

	test('the video a callback is about', () => {
		expect(callbackVideoId(JSON.parse(body))).toBe('v1');
		expect(
			callbackVideoId({
				event_type: 'avatar_video.fail',
				event_data: { video_id: ' v2 ', msg: 'x' },
			}),
		).toBe('v2');
		expect(callbackVideoId({ video_id: 'flat' })).toBe('flat');
		expect(callbackVideoId({ event_data: {} })).toBeUndefined();
		expect(callbackVideoId('text')).toBeUndefined();
	});

	test('the state expression survives node names with quotes and braces', () => {
		const expression = stateExpression('Wait "for" {{video}}');
		expect(expression.startsWith('{{ $node[')).toBe(true);
		expect(expression.slice(3, -3)).not.toMatch(/\{\{|\}\}/);
		expect(expression).toContain('\\"for\\"');
	});

	test('state parsing rejects anything that is not a saved state', () => {
		expect(parseState(undefined)).toBeUndefined();
		expect(parseState('{oops')).toBeUndefined();
		expect(parseState(JSON.stringify({ version: 2, pending: [], final: [] }))).toBeUndefined();
		expect(
			parseState(JSON.stringify({ version: 1, pending: [], final: [], settings: {} }))?.version,
		).toBe(1);
	});

	test('resume claims: the first callback for an execution wins, others are refused until the claim expires', () => {
		const t0 = 1_000_000;
		expect(claimResume('unit-exec-1', t0, 1000)).toBe(true);
		expect(claimResume('unit-exec-1', t0 + 500, 1000)).toBe(false); // a concurrent or redelivered callback
		expect(claimResume('unit-exec-2', t0 + 500, 1000)).toBe(true); // other executions are independent
		expect(claimResume('unit-exec-1', t0 + 1000, 1000)).toBe(true); // expired: never blocks for good
	});
});
