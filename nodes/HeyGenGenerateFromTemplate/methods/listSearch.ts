import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import type { ApiVersionChoice, TemplateSummary } from '../templates';
import { listLegacyTemplates, listV3Templates, templateAppUrl, templateLabel } from '../templates';

/** v3 has no server-side name filter: a filtered search reads at most this many pages per call. */
const MAX_PAGES_PER_SEARCH = 5;
const LEGACY_PAGE_SIZE = 100;

/** Lower case without accents, so "cafe" finds "Café Promo" and "ÉTÉ" finds "été". */
export function searchFolded(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}

function matches(template: TemplateSummary, filter: string | undefined): boolean {
	if (!filter) return true;
	const needle = searchFolded(filter.trim());
	return searchFolded(template.name).includes(needle) || template.id.toLowerCase().includes(needle);
}

function toItem(template: TemplateSummary): INodeListSearchItems {
	return { name: templateLabel(template), value: template.id, url: templateAppUrl(template.id) };
}

export function apiVersionChoice(this: ILoadOptionsFunctions): ApiVersionChoice {
	const value =
		this.getCurrentNodeParameter('apiVersion') ?? this.getNodeParameter('apiVersion', 'auto');
	return value === 'v3' || value === 'legacy' ? value : 'auto';
}

/**
 * Template picker. Auto and v3 list the v3 API (cursor pages, passed through as the pagination token);
 * Legacy lists GET /v2/templates, paged here by offset since that endpoint returns everything at once.
 */
export async function searchTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	if (apiVersionChoice.call(this) === 'legacy') {
		const all = (await listLegacyTemplates.call(this)).filter((template) =>
			matches(template, filter),
		);
		const offset = Math.max(0, Number(paginationToken) || 0);
		const page = all.slice(offset, offset + LEGACY_PAGE_SIZE);
		const next = offset + page.length;
		return {
			results: page.map(toItem),
			paginationToken: next < all.length ? String(next) : undefined,
		};
	}

	const results: INodeListSearchItems[] = [];
	let token = paginationToken || undefined;
	for (let pages = 0; pages < (filter ? MAX_PAGES_PER_SEARCH : 1); pages++) {
		const page = await listV3Templates.call(this, token);
		results.push(...page.templates.filter((template) => matches(template, filter)).map(toItem));
		token = page.nextToken;
		if (!token || (filter && results.length >= 20)) break;
	}
	return { results, paginationToken: token };
}
