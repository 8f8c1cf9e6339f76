import { describeHeyGenError, readHeyGenError } from '../../nodes/shared/errors';

describe('readHeyGenError', () => {
	it('reads success in all three envelopes as no error', () => {
		expect(
			readHeyGenError(200, { code: 100, data: { id: 'v' }, message: 'Success' }),
		).toBeUndefined();
		expect(readHeyGenError(200, { error: null, data: { video_id: 'v' } })).toBeUndefined();
		expect(readHeyGenError(200, { data: { id: 'v', status: 'pending' } })).toBeUndefined();
	});

	it('treats an HTTP 200 carrying an error envelope as a failure (v2 object, v2 string, v1 code, v3)', () => {
		expect(
			readHeyGenError(200, { data: null, error: { code: 'invalid_parameter', message: 'bad' } }),
		).toMatchObject({
			httpCode: 200,
			kind: 'invalid_request',
			code: 'invalid_parameter',
			message: 'bad',
		});
		expect(readHeyGenError(200, { data: null, error: 'Template not found' })).toMatchObject({
			message: 'Template not found',
		});
		expect(readHeyGenError(200, { code: 40031, message: 'Invalid video id' })).toMatchObject({
			code: '40031',
			message: 'Invalid video id',
		});
		expect(
			readHeyGenError(200, { error: { code: 'insufficient_credit', message: 'no credits' } }),
		).toMatchObject({
			kind: 'insufficient_credit',
		});
	});

	it('tells the two kinds of 429 apart by code and by Retry-After', () => {
		const rate = readHeyGenError(
			429,
			{ error: { code: 'rate_limit_exceeded', message: 'slow down' } },
			{ 'Retry-After': '7' },
		);
		expect(rate).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
		const trial = readHeyGenError(429, {
			data: null,
			error: {
				code: 'trial_video_limit_exceeded',
				message: "It seems you've reached your daily api trial limit 5.",
			},
		});
		expect(trial).toMatchObject({ kind: 'trial_limit', retryAfterMs: undefined });
		expect(readHeyGenError(429, {}, {})?.kind).toBe('trial_limit');
		expect(readHeyGenError(429, {}, { 'retry-after': '2' })?.kind).toBe('rate_limited');
	});

	it('classifies auth, permission, credit, not found, conflicts and server errors', () => {
		expect(readHeyGenError(401, { code: 400112, message: 'Unauthorized' })?.kind).toBe(
			'unauthorized',
		);
		expect(
			readHeyGenError(403, { error: { code: 'forbidden', message: 'missing user-read' } })?.kind,
		).toBe('forbidden');
		expect(
			readHeyGenError(402, { error: { code: 'insufficient_credit', message: 'x' } })?.kind,
		).toBe('insufficient_credit');
		expect(readHeyGenError(404, { error: { code: 'not_found', message: 'x' } })?.kind).toBe(
			'not_found',
		);
		expect(
			readHeyGenError(409, { error: { code: 'request_in_progress', message: 'x' } })?.kind,
		).toBe('in_progress');
		expect(readHeyGenError(502, '<html>Bad gateway</html>')).toMatchObject({
			kind: 'server',
			message: '<html>Bad gateway</html>',
		});
		expect(
			readHeyGenError(400, {
				error: { code: 'invalid_parameter', message: 'x', param: 'variables.name' },
			}),
		).toMatchObject({
			kind: 'invalid_request',
			param: 'variables.name',
		});
	});

	it('keeps the request id HeyGen sends for support', () => {
		expect(readHeyGenError(500, {}, { 'X-Request-Id': 'req-123' })?.requestId).toBe('req-123');
	});
});

describe('describeHeyGenError', () => {
	it('says what to do for a trial limit and for missing credits', () => {
		const trial = describeHeyGenError({
			httpCode: 429,
			kind: 'trial_limit',
			code: 'trial_video_limit_exceeded',
			message: 'limit 5',
		});
		expect(trial.message).toBe('HeyGen error [trial_video_limit_exceeded]: limit 5');
		expect(trial.description).toMatch(/trial\/test video limit is used up/);
		const credit = describeHeyGenError({
			httpCode: 402,
			kind: 'insufficient_credit',
			message: 'needs 10 credits',
			docUrl: 'https://d',
		});
		expect(credit.description).toMatch(/Top up or upgrade/);
		expect(credit.description).toMatch(/See https:\/\/d/);
	});
});
