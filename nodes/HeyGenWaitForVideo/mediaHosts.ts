/**
 * Where media may be downloaded from: the one list of HeyGen's media hosts, plus the Base URL's own host when
 * the credential points at a proxy or a sandbox. A status answer is data from the network; without this check a
 * hostile or broken answer could make n8n fetch an internal address and store it as "the video".
 */

/** HeyGen serves renders, thumbnails and captions from subdomains of these (files2.heygen.ai, resource.heygen.ai…). */
export const HEYGEN_MEDIA_DOMAINS = ['heygen.ai', 'heygen.com'] as const;

function onHeyGenDomain(hostname: string): boolean {
	return HEYGEN_MEDIA_DOMAINS.some(
		(domain) => hostname === domain || hostname.endsWith(`.${domain}`),
	);
}

/**
 * Why `url` may not be downloaded, or undefined when it may. `https:` on a HeyGen media domain always; the
 * Base URL's own hostname too (with the Base URL's scheme, so an http sandbox on 127.0.0.1 works), because the
 * user chose that host for the API already.
 */
export function mediaUrlRefusal(url: string, baseUrl: string): string | undefined {
	let target: URL;
	try {
		target = new URL(url);
	} catch {
		return 'it is not a valid URL';
	}
	if (target.username !== '' || target.password !== '') return 'it carries a user name or password';
	const hostname = target.hostname.toLowerCase();
	let base: URL | undefined;
	try {
		base = new URL(baseUrl);
	} catch {
		base = undefined;
	}
	const baseHost = base?.hostname.toLowerCase();
	const customBase = baseHost !== undefined && !onHeyGenDomain(baseHost);
	if (
		customBase &&
		hostname === baseHost &&
		(target.protocol === 'https:' || target.protocol === base?.protocol)
	) {
		return undefined;
	}
	if (target.protocol !== 'https:') return `it uses ${target.protocol.replace(':', '')}, not https`;
	if (!onHeyGenDomain(hostname)) return `${target.host} is not one of HeyGen's media hosts`;
	return undefined;
}
