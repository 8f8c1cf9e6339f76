/**
 * Which files of a finished video to download, and where each is: the video, captioned video, thumbnail, GIF and
 * captions, under the binary property names the user chose.
 */
import type { NormalizedVideo } from '../shared/videoRecord';

export interface DownloadSettings {
	binaryPropertyName: string;
	captionedVideo: boolean;
	thumbnail: boolean;
	gif: boolean;
	captions: boolean;
}

export type MediaKind = 'video' | 'captioned_video' | 'thumbnail' | 'gif' | 'captions';

export interface MediaRequest {
	kind: MediaKind;
	/** Binary property of the output item. */
	property: string;
	/** The main video must download; extras are skipped when HeyGen has none. */
	required: boolean;
}

/** Which files to fetch for an item, from the node's options. */
export function mediaRequests(settings: DownloadSettings): MediaRequest[] {
	const requests: MediaRequest[] = [
		{
			kind: settings.captionedVideo ? 'captioned_video' : 'video',
			property: settings.binaryPropertyName,
			required: true,
		},
	];
	if (settings.thumbnail)
		requests.push({ kind: 'thumbnail', property: 'thumbnail', required: false });
	if (settings.gif) requests.push({ kind: 'gif', property: 'gif', required: false });
	if (settings.captions) requests.push({ kind: 'captions', property: 'captions', required: false });
	return requests;
}

export interface MediaFile {
	url: string;
	fileName: string;
	mimeType: string;
}

/** Where a kind of media lives in a record, with the file name and type it gets in n8n. */
export function mediaFile(video: NormalizedVideo, kind: MediaKind): MediaFile | undefined {
	const id = video.video_id.replace(/[^A-Za-z0-9._-]/g, '_');
	switch (kind) {
		case 'video':
			return video.video_url
				? { url: video.video_url, fileName: `${id}.mp4`, mimeType: 'video/mp4' }
				: undefined;
		case 'captioned_video': {
			// Captions were not requested at generate time: the plain video is what exists.
			const url = video.captioned_video_url ?? video.video_url;
			const suffix = video.captioned_video_url ? '_captioned' : '';
			return url ? { url, fileName: `${id}${suffix}.mp4`, mimeType: 'video/mp4' } : undefined;
		}
		case 'thumbnail':
			return video.thumbnail_url
				? { url: video.thumbnail_url, fileName: `${id}_thumbnail.jpg`, mimeType: 'image/jpeg' }
				: undefined;
		case 'gif':
			return video.gif_url
				? { url: video.gif_url, fileName: `${id}.gif`, mimeType: 'image/gif' }
				: undefined;
		case 'captions':
			if (video.subtitle_url) {
				return { url: video.subtitle_url, fileName: `${id}.srt`, mimeType: 'application/x-subrip' };
			}
			return video.caption_url
				? { url: video.caption_url, fileName: `${id}.ass`, mimeType: 'text/x-ssa' }
				: undefined;
	}
}
