'use strict';
/**
 * The steps an install is made of: running a logged command, removing a folder, an install lock between processes, the native modules n8n needs and their prebuilt bindings.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

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

module.exports = {
	NATIVE_MODULES,
	fmt,
	run,
	rmrf,
	pidAlive,
	acquireLock,
	findBinding,
};
