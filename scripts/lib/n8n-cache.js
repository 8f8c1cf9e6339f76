'use strict';
/**
 * Where installs of n8n are cached and whether a cached one is complete: the cache folder, the install marker and recipe.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DEFAULT_VERSION = '2.41.1';
const N8N_VERSION = DEFAULT_VERSION;
const MARKER = '.heygen-n8n-install.json';
/** Bump when the install recipe changes, so older caches are redone. */
const RECIPE = 3;
/** Parent of all cached installs: ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-heygen-templates. */
function cacheRoot() {
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-heygen-templates');
}

function defaultCacheDir(version = N8N_VERSION) {
	if (process.env.HEYGEN_N8N_CACHE && version === N8N_VERSION)
		return path.resolve(process.env.HEYGEN_N8N_CACHE);
	return path.join(cacheRoot(), `n8n-${version}`);
}

function n8nBinOf(home) {
	return path.join(home, 'node_modules', 'n8n', 'bin', 'n8n');
}

function readMarker(home) {
	try {
		return JSON.parse(fs.readFileSync(path.join(home, MARKER), 'utf8'));
	} catch {
		return null;
	}
}

/** Fast validity check: marker matches version/recipe/Node ABI and the key files exist. */
function cacheIsValid(home, node, version = N8N_VERSION) {
	const m = readMarker(home);
	if (!m) return { ok: false, why: 'no marker' };
	if (m.n8nVersion !== version) return { ok: false, why: `marker n8n ${m.n8nVersion}` };
	if (m.recipe !== RECIPE) return { ok: false, why: `marker recipe ${m.recipe}` };
	if (m.nodeAbi !== node.abi)
		return {
			ok: false,
			why: `built for ABI ${m.nodeAbi}, Node ${node.version} is ABI ${node.abi}`,
		};
	for (const f of [n8nBinOf(home), ...(m.checkFiles || [])]) {
		if (!fs.existsSync(path.isAbsolute(f) ? f : path.join(home, f)))
			return { ok: false, why: `missing ${f}` };
	}
	return { ok: true, marker: m };
}

module.exports = {
	DEFAULT_VERSION,
	N8N_VERSION,
	MARKER,
	RECIPE,
	cacheRoot,
	defaultCacheDir,
	n8nBinOf,
	readMarker,
	cacheIsValid,
};
