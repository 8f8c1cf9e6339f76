/**
 * Pure: which video an item asks about, and what one status read found: the video record with its outcome
 * worked out once (completed / failed / still rendering), or the item's error.
 */
import type { ApiFamily, NormalizedVideo, VideoOutcome } from '../shared/videoRecord';
import { outcomeOf } from '../shared/videoRecord';

export type ApiChoice = 'auto' | ApiFamily;

export interface VideoQuery {
	/** The input item this video belongs to (errors are attributed to it). */
	itemIndex: number;
	videoId: string;
	api: ApiChoice;
}

/** A status read's answer for one item: the video record with its outcome worked out once, or the item's error. */
export type VideoCheck = VideoFound | { video?: undefined; outcome?: undefined; error: Error };

export interface VideoFound {
	video: NormalizedVideo;
	outcome: VideoOutcome;
	error?: undefined;
}

export function videoCheck(video: NormalizedVideo): VideoFound {
	return { video, outcome: outcomeOf(video.status) };
}

/** Whether the check found a video that is still rendering: not an error, not completed or failed. */
export function unfinished(check: VideoCheck | undefined): boolean {
	return check?.video !== undefined && check.outcome !== 'completed' && check.outcome !== 'failed';
}
