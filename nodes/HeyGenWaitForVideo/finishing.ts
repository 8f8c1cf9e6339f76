/**
 * From status answers to output items, shared by execute() and webhook(): completed videos are downloaded
 * when asked (re-signed right before), everything is merged over its input item and routed.
 */
import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DownloadBounds, DownloadSettings } from './download';
import { downloadVideoMedia, mediaRequests } from './download';
import type { VideoCheck, VideoQuery } from './statusApi';
import { freshVideo, videoCheck } from './statusApi';
import { cancelSignal } from '../shared/cancel';
import type { InputRef, ItemOutcome } from './outputs';
import { errorItem, videoItem } from './outputs';

export interface OutcomeSettings {
	keepInput: boolean;
	download: DownloadSettings | null;
}

export async function buildOutcomes(
	this: IExecuteFunctions | IWebhookFunctions,
	entries: Array<{ query: VideoQuery; input: InputRef }>,
	results: Map<number, VideoCheck>,
	settings: OutcomeSettings,
	bounds: DownloadBounds = {},
): Promise<ItemOutcome[]> {
	const checkedAt = new Date().toISOString();
	const outcomes: ItemOutcome[] = [];
	for (const { query, input } of entries) {
		const answer = results.get(query.itemIndex);
		const options = { keepInput: settings.keepInput, checkedAt };
		if (!answer) continue;
		if (answer.error) {
			outcomes.push(errorItem(input, query.videoId, answer.error, options));
			continue;
		}
		const video = answer.video;
		if (!settings.download || answer.outcome !== 'completed') {
			outcomes.push(videoItem(input, answer, options));
			continue;
		}
		try {
			const downloaded = await downloadVideoMedia.call(
				this,
				video,
				mediaRequests(settings.download),
				query.itemIndex,
				async () => await freshVideo.call(this, video, query.itemIndex),
				bounds,
			);
			outcomes.push(
				videoItem(input, videoCheck(downloaded.video), { ...options, binary: downloaded.binary }),
			);
		} catch (error) {
			const signal = cancelSignal(this);
			if (signal?.aborted)
				throw new NodeOperationError(this.getNode(), error as Error, {
					itemIndex: query.itemIndex,
				});
			outcomes.push(errorItem(input, query.videoId, error as Error, options));
		}
	}
	return outcomes;
}
