'use strict';
/**
 * This package inside an n8n: packing it, installing the tarball as n8n does, checking its nodes loaded.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { node24Env, findNpmCli, findNode24 } = require('./node24');

/**
 * Install a packed package (.tgz from `npm pack`) into <userFolder>/.n8n/nodes the way n8n 2.41.1 does.
 * method 'extract' (default): tar -x into nodes/node_modules/<name>, strip dev/peer/optional deps,
 *   `npm install --ignore-scripts` inside it only if it has dependencies, record it in nodes/package.json.
 * method 'npm': `npm install <tgz> --ignore-scripts --legacy-peer-deps` in nodes/ (Node 24).
 * Restart n8n after installing (packages are scanned at start). Returns { name, version, dir }.
 */
function installPackageTarball({ userFolder, tarball, log = () => {}, method = 'extract', n8n }) {
	const tgz = path.resolve(tarball);
	if (!fs.existsSync(tgz)) throw new Error(`tarball not found: ${tgz}`);
	const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
	fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });
	const pkgJsonPath = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJsonPath)) {
		fs.writeFileSync(
			pkgJsonPath,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	const node = n8n ? { nodeBin: n8n.nodeBin, nodeDir: n8n.nodeDir } : findNode24();
	const env = node24Env(process.env, node);
	if (method === 'npm') {
		const npmCli = findNpmCli();
		execFileSync(
			node.nodeBin,
			[
				npmCli,
				'install',
				tgz,
				'--ignore-scripts',
				'--legacy-peer-deps',
				'--no-audit',
				'--no-fund',
				'--loglevel=warn',
			],
			{
				cwd: nodesDir,
				env,
				stdio: 'pipe',
			},
		);
		const name = JSON.parse(
			execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }),
		).name;
		const dir = path.join(nodesDir, 'node_modules', name);
		const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
		log(`[n8n] installed ${name}@${version} into ${dir} (npm)`);
		return { name, version, dir };
	}
	const staging = fs.mkdtempSync(path.join(nodesDir, '.staging-'));
	try {
		execFileSync('tar', ['-xzf', tgz, '-C', staging, '--strip-components=1'], { stdio: 'pipe' });
		const pj = JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8'));
		const { devDependencies, peerDependencies, optionalDependencies, ...stripped } = pj;
		fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify(stripped, null, 2));
		if (stripped.dependencies && Object.keys(stripped.dependencies).length) {
			const npmCli = findNpmCli();
			execFileSync(
				node.nodeBin,
				[
					npmCli,
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
				],
				{ cwd: staging, env, stdio: 'pipe' },
			);
		}
		const dir = path.join(nodesDir, 'node_modules', pj.name);
		fs.mkdirSync(path.dirname(dir), { recursive: true });
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(staging, dir);
		const nodesPkg = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
		nodesPkg.dependencies = { ...(nodesPkg.dependencies || {}), [pj.name]: pj.version };
		fs.writeFileSync(pkgJsonPath, JSON.stringify(nodesPkg, null, 2));
		log(`[n8n] installed ${pj.name}@${pj.version} into ${dir}`);
		return { name: pj.name, version: pj.version, dir };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/** `npm pack` a package directory into outDir (default os.tmpdir()); returns the .tgz path. */
function packPackage({ dir, outDir = os.tmpdir() }) {
	const npmCli = findNpmCli();
	const out = execFileSync(
		process.execPath,
		[npmCli, 'pack', '--silent', '--ignore-scripts', `--pack-destination=${outDir}`],
		{
			cwd: dir,
			encoding: 'utf8',
			env: { ...process.env, npm_config_yes: 'true' },
		},
	);
	const name = out.trim().split('\n').pop().trim();
	return path.join(outDir, name);
}

// ------------------------------------------------------------------------------------------------

const HEYGEN_PACKAGE = 'n8n-nodes-heygen-templates';
const HEYGEN_EXPECT = {
	nodes: [`${HEYGEN_PACKAGE}.heyGenGenerateFromTemplate`, `${HEYGEN_PACKAGE}.heyGenWaitForVideo`],
	credentials: ['heyGenTemplatesApi'],
};

/**
 * Prove the package's node and credential types are loaded: GET /types/nodes.json and
 * /types/credentials.json (cookie auth) must list `expect.nodes` / `expect.credentials`; every iconUrl of
 * our types must be served (HTTP 200); and this run's logs must hold no warn/error entry about the package
 * or a package-load failure (JSON log <userFolder>/n8n-log.jsonl, plus the console log). A failure that
 * names another package ("Failed to load package \"x\"") is ignored.
 * Throws (with details) unless `throwOnError: false`.
 * @returns {Promise<{ ok: boolean, nodes: {name, version, displayName}[], credentials: string[], icons: string[], missing: string[], logProblems: string[] }>}
 */
async function checkNodesLoaded({
	instance,
	rest,
	packageName = HEYGEN_PACKAGE,
	expect = HEYGEN_EXPECT,
	throwOnError = true,
} = {}) {
	rest = rest || (await instance.rest());
	const [nodeTypes, credTypes] = await Promise.all([rest.nodeTypes(), rest.credentialTypes()]);
	const nodes = nodeTypes
		.filter((t) => t.name.startsWith(`${packageName}.`))
		.map((t) => ({ name: t.name, version: t.version, displayName: t.displayName }));
	const credNames = new Set(credTypes.map((c) => c.name));
	const missing = [
		...expect.nodes.filter((n) => !nodes.some((t) => t.name === n)),
		...expect.credentials.filter((c) => !credNames.has(c)).map((c) => `credential ${c}`),
	];
	const logProblems = [];
	if (instance) {
		const escaped = packageName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		const re = new RegExp(
			`(${escaped}|Failed to load package|Skipping package|failed to load package metadata|Error loading|Unrecognized (node|credential) type|Cannot find module)`,
			'i',
		);
		// A failure that names another package ("Failed to load package \"x\"", "Skipping package \"x\"") is not ours.
		const aboutOtherPackage = (text) => {
			const m = text.match(/package(?: directory)? \\?"([^"\\]+)\\?"/i);
			return !!m && !m[1].includes(packageName);
		};
		// Structured log: every warn/error entry that mentions the package or a load failure.
		for (const e of instance.logEntries()) {
			if (!['warn', 'error'].includes(String(e.level).toLowerCase())) continue;
			const text = `${e.message} ${JSON.stringify(e.metadata || e)}`;
			if (re.test(text) && !(aboutOtherPackage(e.message) && !text.includes(packageName)))
				logProblems.push(`${e.level}: ${e.message}`);
		}
		// Console log: load failures are printed there too (message only).
		for (const line of instance.logText().split('\n')) {
			const l = line.trim();
			if (
				/(Failed to load package|Skipping package|Error loading|Unrecognized node type)/i.test(l) &&
				!aboutOtherPackage(l) &&
				!logProblems.some((p) => p.includes(l))
			) {
				logProblems.push(l);
			}
		}
	}
	// Icons: each of our node/credential types' iconUrl must be served (proves the packaged files are found).
	const iconProblems = [];
	const ourTypes = [
		...nodeTypes.filter((t) => t.name.startsWith(`${packageName}.`)),
		...credTypes.filter((c) => expect.credentials.includes(c.name)),
	];
	const iconUrls = new Set();
	for (const t of ourTypes) {
		const u = t.iconUrl;
		for (const x of typeof u === 'string'
			? [u]
			: u && typeof u === 'object'
				? [u.light, u.dark]
				: [])
			if (x) iconUrls.add(x);
	}
	for (const u of iconUrls) {
		const r = await rest.request('GET', `/${u.replace(/^\/+/, '')}`, {
			raw: true,
			headers: { accept: '*/*' },
		});
		if (r.status !== 200) iconProblems.push(`icon ${u} → HTTP ${r.status}`);
	}
	logProblems.push(...iconProblems);
	const ok = missing.length === 0 && logProblems.length === 0;
	const result = {
		ok,
		nodes,
		credentials: expect.credentials.filter((c) => credNames.has(c)),
		icons: [...iconUrls],
		missing,
		logProblems,
	};
	if (!ok && throwOnError) {
		throw new Error(
			`community package ${packageName} not loaded cleanly: ${JSON.stringify({ missing, logProblems }, null, 2)}`,
		);
	}
	return result;
}

module.exports = {
	installPackageTarball,
	packPackage,
	HEYGEN_EXPECT,
	checkNodesLoaded,
};
