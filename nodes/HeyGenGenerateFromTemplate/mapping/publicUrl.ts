/**
 * Media URLs in variables are fetched by HeyGen, never by n8n, so a private address cannot reach the user's
 * network through this package; HeyGen cannot fetch it either, though. Refusing it before the generate call
 * turns a render that would fail minutes later (and cost a credit) into a clear item error now.
 */
const PRIVATE_V4 = [
	/^10\./,
	/^127\./,
	/^169\.254\./,
	/^192\.168\./,
	/^172\.(1[6-9]|2\d|3[01])\./,
	/^0\./,
	/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/** Why a URL's host is not reachable from the public internet, or undefined when it may be. */
export function privateHostReason(hostname: string): string | undefined {
	const host = hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	if (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		host.endsWith('.local') ||
		host.endsWith('.internal')
	) {
		return `${host} is a local name`;
	}
	if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && PRIVATE_V4.some((range) => range.test(host))) {
		return `${host} is a private or loopback address`;
	}
	if (
		host.includes(':') &&
		(host === '::1' ||
			host === '::' ||
			/^f[cd]/.test(host) ||
			/^fe[89ab]/.test(host) ||
			host.startsWith('::ffff:'))
	) {
		return `${host} is a private or loopback address`;
	}
	return undefined;
}
