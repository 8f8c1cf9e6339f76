import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import type { HeyGenContext } from '../../shared/transport';
import { heyGenRequest } from '../../shared/transport';
import { isRecord } from '../../shared/json';
import { nonEmptyString } from '../mapping/values';

const MAX_VOICE_PAGES = 10;

function envelopeData(body: unknown): unknown {
	return isRecord(body) ? body.data : undefined;
}

function listIn(value: unknown, ...keys: string[]): IDataObject[] {
	if (Array.isArray(value)) return value.filter(isRecord);
	if (!isRecord(value)) return [];
	for (const key of keys) {
		if (Array.isArray(value[key])) return (value[key] as unknown[]).filter(isRecord);
	}
	return [];
}

async function get(this: HeyGenContext, path: string, qs?: IDataObject): Promise<unknown> {
	return (await heyGenRequest.call(this, { method: 'GET', path, qs, idempotent: true })).body;
}

/** The body of the first request that succeeds: new API first, legacy where the new one is unavailable. */
async function firstAnswer(
	this: HeyGenContext,
	attempts: Array<() => Promise<unknown>>,
): Promise<unknown> {
	let failure: unknown;
	for (const attempt of attempts) {
		try {
			return await attempt();
		} catch (error) {
			failure = error;
		}
	}
	return await Promise.reject(failure);
}

function voiceLabel(voice: IDataObject): string {
	const details = [nonEmptyString(voice.language), nonEmptyString(voice.gender)]
		.filter(Boolean)
		.join(', ');
	const name = nonEmptyString(voice.name) ?? String(voice.voice_id);
	return details ? `${name} (${details})` : name;
}

export async function voiceOptions(this: HeyGenContext): Promise<INodePropertyOptions[]> {
	const voices = (await firstAnswer.call(this, [
		async () => {
			const all: IDataObject[] = [];
			let token: string | undefined;
			for (let page = 0; page < MAX_VOICE_PAGES; page++) {
				const body = await get.call(
					this,
					'/v3/voices',
					token ? { limit: 100, token } : { limit: 100 },
				);
				all.push(...listIn(envelopeData(body)));
				token =
					isRecord(body) && body.has_more === true ? nonEmptyString(body.next_token) : undefined;
				if (!token) break;
			}
			return all;
		},
		async () => listIn(envelopeData(await get.call(this, '/v2/voices')), 'voices'),
	])) as IDataObject[];
	return voices
		.filter((voice) => nonEmptyString(voice.voice_id))
		.map((voice) => ({ name: voiceLabel(voice), value: String(voice.voice_id) }));
}

/** Avatars and talking photos in one list; the value carries the kind HeyGen's character variable needs. */
export async function characterOptions(this: HeyGenContext): Promise<INodePropertyOptions[]> {
	const data = envelopeData(await get.call(this, '/v2/avatars'));
	const options: INodePropertyOptions[] = [];
	for (const avatar of listIn(data, 'avatars')) {
		const id = nonEmptyString(avatar.avatar_id);
		if (id)
			options.push({
				name: `Avatar: ${nonEmptyString(avatar.avatar_name) ?? id}`,
				value: `avatar:${id}`,
			});
	}
	for (const photo of listIn(isRecord(data) ? data.talking_photos : undefined)) {
		const id = nonEmptyString(photo.talking_photo_id);
		if (id) {
			options.push({
				name: `Talking photo: ${nonEmptyString(photo.talking_photo_name) ?? id}`,
				value: `talking_photo:${id}`,
			});
		}
	}
	return options;
}

export async function getVoices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await voiceOptions.call(this);
}

export async function getCharacters(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await characterOptions.call(this);
}

export async function getFolders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const folders = listIn(
		envelopeData(await get.call(this, '/v1/folders', { limit: 100 })),
		'folders',
		'list',
	);
	const names = new Map(
		folders.map((folder) => [String(folder.id), nonEmptyString(folder.name) ?? String(folder.id)]),
	);
	return folders
		.filter((folder) => nonEmptyString(folder.id) && folder.is_trash !== true)
		.map((folder) => {
			const parent = nonEmptyString(folder.parent_id)
				? names.get(String(folder.parent_id))
				: undefined;
			const name = nonEmptyString(folder.name) ?? String(folder.id);
			return { name: parent ? `${parent} / ${name}` : name, value: String(folder.id) };
		});
}

export async function getBrandVoices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const list = listIn(
		envelopeData(await get.call(this, '/v1/brand_voice/list', { limit: 100 })),
		'list',
		'brand_voices',
	);
	return list
		.map((entry) => ({
			id: nonEmptyString(entry.id) ?? nonEmptyString(entry.brand_voice_id),
			name: nonEmptyString(entry.name),
		}))
		.filter((entry): entry is { id: string; name: string | undefined } => entry.id !== undefined)
		.map((entry) => ({ name: entry.name ?? entry.id, value: entry.id }));
}
