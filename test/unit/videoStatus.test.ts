import type { INode } from 'n8n-workflow';

import { bulkEntries, fromV3Bulk } from '../../nodes/HeyGenWaitForVideo/bulkStatus';
import {
	UnreadableStatusError,
	earliestExpiry,
	fromV1,
	fromV3Detail,
	outcomeOf,
	toIsoTime,
	urlExpiryMs,
} from '../../nodes/shared/videoRecord';
import type { HeyGenContext } from '../../nodes/shared/transport';
import {
	isVideoNotFound,
	notFoundError,
	StatusDeadlineError,
	unfinished,
	videoCheck,
} from '../../nodes/HeyGenWaitForVideo/statusApi';

const EXPIRES = 1_900_000_000; // 2030-03-17T17:46:40Z
const signed = (file: string, expires = EXPIRES) =>
	`https://files2.heygen.ai/v/${file}?Expires=${expires}&Signature=abc&Key-Pair-Id=K`;

describe('legacy v1 status → normalised record', () => {
	test('completed: URLs, captioned video, .ass caption, ISO created_at, expiry', () => {
		const video = fromV1(
			{
				code: 100,
				message: 'Success',
				data: {
					id: 'vid_1',
					status: 'completed',
					video_url: signed('video.mp4'),
					video_url_caption: signed('caption.mp4', EXPIRES - 60),
					caption_url: signed('caption.ass'),
					thumbnail_url: signed('thumb.jpg'),
					gif_url: '',
					duration: 42.5,
					created_at: 1_700_000_000,
					callback_id: 'order-1',
					error: null,
				},
			},
			'vid_1',
		);
		expect(video).toMatchObject({
			video_id: 'vid_1',
			status: 'completed',
			api_version: 'legacy',
			video_url: signed('video.mp4'),
			captioned_video_url: signed('caption.mp4', EXPIRES - 60),
			caption_url: signed('caption.ass'),
			subtitle_url: null,
			gif_url: null, // "" is absent
			duration: 42.5,
			created_at: '2023-11-14T22:13:20.000Z',
			callback_id: 'order-1',
			error: null,
		});
		// The earliest of all signed links decides when the record's URLs stop working.
		expect(video.urls_expire_at).toBe(new Date((EXPIRES - 60) * 1000).toISOString());
		expect(outcomeOf(video.status)).toBe('completed');
		expect(video.heygen.id).toBe('vid_1');
	});

	test('failed: HeyGen error code, message and detail', () => {
		const video = fromV1(
			{
				code: 100,
				data: {
					id: 'vid_2',
					status: 'failed',
					video_url: null,
					caption_url: '',
					error: {
						code: 40119,
						message: 'Video is too long',
						detail: 'Video is too long (> 3600.0s).',
					},
				},
			},
			'vid_2',
		);
		expect(video.status).toBe('failed');
		expect(video.error).toEqual({
			code: '40119',
			message: 'Video is too long',
			detail: 'Video is too long (> 3600.0s).',
		});
		expect(video.caption_url).toBeNull();
		expect(video.urls_expire_at).toBeNull();
		expect(outcomeOf(video.status)).toBe('failed');
	});

	test('failed without an error object still explains itself', () => {
		expect(fromV1({ data: { status: 'failed' } }, 'x').error?.message).toBe(
			'Video rendering failed',
		);
	});

	test.each(['waiting', 'pending', 'processing'])('%s is still rendering', (status) => {
		const video = fromV1({ code: 100, data: { id: 'v', status, video_url: null } }, 'v');
		expect(video.status).toBe(status);
		expect(outcomeOf(video.status)).toBe('rendering');
		expect(unfinished(videoCheck(video))).toBe(true);
		expect(video.error).toBeNull();
	});

	test('an unknown status is kept as sent and treated as still rendering', () => {
		const video = fromV1({ data: { id: 'v', status: 'Transcoding' } }, 'v');
		expect(video.status).toBe('transcoding');
		expect(outcomeOf(video.status)).toBe('rendering');
	});

	test('an answer without a status is unreadable, not "still rendering"', () => {
		expect(() => fromV1({ data: { id: 'v' } }, 'v')).toThrow(UnreadableStatusError);
		expect(() => fromV1({}, 'v')).toThrow(/empty JSON object/);
		expect(() => fromV1('<html><body>Sign in</body></html>', 'v')).toThrow(
			/text: "<html><body>Sign in/,
		);
		expect(() => fromV3Detail({ data: { id: 'v', status: '' } }, 'v')).toThrow(
			UnreadableStatusError,
		);
		expect(() => fromV3Bulk({ video_id: 'v' }, 'v')).toThrow(UnreadableStatusError);
	});

	test('the requested id fills in when HeyGen omits it', () => {
		expect(fromV1({ data: { status: 'pending' } }, 'asked').video_id).toBe('asked');
	});
});

describe('v3 video object → normalised record', () => {
	test('completed: captioned video, .srt subtitles, completed_at', () => {
		const video = fromV3Detail(
			{
				data: {
					id: 'v3_1',
					title: 'Birthday',
					status: 'completed',
					created_at: 1_700_000_000,
					completed_at: '2023-11-14T22:20:00Z',
					video_url: signed('video.mp4'),
					captioned_video_url: signed('video_caption.mp4'),
					subtitle_url: signed('subtitle.srt'),
					thumbnail_url: signed('thumb.jpg'),
					gif_url: signed('preview.gif'),
					duration: 12,
					failure_code: null,
					failure_message: null,
					video_page_url: 'https://app.heygen.com/videos/v3_1',
				},
			},
			'v3_1',
		);
		expect(video).toMatchObject({
			video_id: 'v3_1',
			status: 'completed',
			api_version: 'v3',
			title: 'Birthday',
			captioned_video_url: signed('video_caption.mp4'),
			subtitle_url: signed('subtitle.srt'),
			caption_url: null,
			gif_url: signed('preview.gif'),
			completed_at: '2023-11-14T22:20:00.000Z',
			created_at: '2023-11-14T22:13:20.000Z',
			video_page_url: 'https://app.heygen.com/videos/v3_1',
			error: null,
		});
		expect(video.urls_expire_at).toBe(new Date(EXPIRES * 1000).toISOString());
	});

	test('failed: failure_code and failure_message become error', () => {
		const video = fromV3Detail(
			{
				data: {
					id: 'v',
					status: 'failed',
					failure_code: '40119',
					failure_message: 'Too long',
					video_url: '',
				},
			},
			'v',
		);
		expect(video.error).toEqual({ code: '40119', message: 'Too long', detail: 'Too long' });
		expect(video.video_url).toBeNull();
	});
});

describe('v3 bulk status entries', () => {
	test('queued, processing, completed, failed and not_found', () => {
		expect(outcomeOf(fromV3Bulk({ video_id: 'a', status: 'queued' }, 'a').status)).toBe(
			'rendering',
		);
		expect(outcomeOf(fromV3Bulk({ video_id: 'a', status: 'processing' }, 'a').status)).toBe(
			'rendering',
		);
		expect(outcomeOf(fromV3Bulk({ video_id: 'a', status: 'completed' }, 'a').status)).toBe(
			'completed',
		);
		expect(outcomeOf(fromV3Bulk({ video_id: 'a', status: 'not_found' }, 'a').status)).toBe(
			'not_found',
		);
		const failed = fromV3Bulk(
			{ video_id: 'a', status: 'failed', error: { code: '40119', message: 'Too long' } },
			'a',
		);
		expect(failed.error).toEqual({ code: '40119', message: 'Too long', detail: null });
	});

	test('entries are keyed by id, in whatever order HeyGen answers', () => {
		const map = bulkEntries({
			data: [
				{ video_id: 'b', status: 'completed' },
				{ video_id: 'a', status: 'queued' },
				{ status: 'lost' },
			],
		});
		expect([...map.keys()]).toEqual(['b', 'a']);
		expect(bulkEntries({ data: [] }).size).toBe(0);
		expect(() => bulkEntries({ data: null })).toThrow(UnreadableStatusError);
		expect(() => bulkEntries('nonsense')).toThrow(UnreadableStatusError);
	});
});

describe('signed URL expiry and times', () => {
	test('Expires= (seconds), S3 X-Amz-Date + X-Amz-Expires, none', () => {
		expect(urlExpiryMs(signed('v.mp4'))).toBe(EXPIRES * 1000);
		expect(
			urlExpiryMs(
				'https://s3.example.com/v.mp4?X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-Signature=x',
			),
		).toBe(Date.UTC(2026, 0, 1, 1, 0, 0));
		expect(urlExpiryMs('https://example.com/v.mp4')).toBeUndefined();
		expect(urlExpiryMs('not a url')).toBeUndefined();
		expect(earliestExpiry([null, 'https://example.com/x'])).toBeNull();
	});

	test('seconds, milliseconds and ISO strings become ISO; junk becomes null', () => {
		expect(toIsoTime(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
		expect(toIsoTime(1_700_000_000_000)).toBe('2023-11-14T22:13:20.000Z');
		expect(toIsoTime('1700000000')).toBe('2023-11-14T22:13:20.000Z');
		expect(toIsoTime('2023-11-14T22:13:20Z')).toBe('2023-11-14T22:13:20.000Z');
		expect(toIsoTime('')).toBeNull();
		expect(toIsoTime('yesterday')).toBeNull();
		expect(toIsoTime(null)).toBeNull();
	});
});

describe('status check errors', () => {
	const node: INode = {
		id: 'n',
		name: 'Wait For Video',
		type: 'heyGenWaitForVideo',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	// notFoundError only reads the node from its context.
	const context = { getNode: () => node } as unknown as HeyGenContext;

	test('an unknown video is told apart from a failed request by its type, not its wording', () => {
		const notFound = notFoundError(
			context,
			{ itemIndex: 2, videoId: 'v_x', api: 'v3' },
			'the v3 status endpoint',
		);
		expect(isVideoNotFound(notFound)).toBe(true);
		expect(notFound.message).toBe('HeyGen does not know the video ID "v_x"');
		expect(isVideoNotFound(new Error('HeyGen does not know the video ID "v_x"'))).toBe(false);
		expect(isVideoNotFound(new StatusDeadlineError(node, 'slow'))).toBe(false);
		expect(isVideoNotFound(undefined)).toBe(false);
	});
});
