'use strict';
/**
 * What the suites that drive a real n8n share (e2e, trigger e2e, queue mode, n8n 1.x): a log line with the
 * elapsed time, one line per check and the pass/fail count, the cleanup stack, an overall time limit, the built
 * package, a temporary work folder kept on failure, Ctrl-C handling, and the closing `name: N passed, N failed`
 * line with exit code 1 on any failure.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { createCleanupStack } = require('../../scripts/lib/cleanup-stack');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `tag` starts every log line, `summary` the closing line; `detailLimit` cuts the detail printed for a failed
 * check (characters of its JSON).
 */
function createSuiteRunner({ tag, summary = tag, detailLimit = Infinity }) {
	const T0 = Date.now();
	const secs = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
	const log = (line) => process.stdout.write(`[${tag} ${secs()}] ${line}\n`);
	const counts = { passed: 0, failed: 0 };
	const cleanups = createCleanupStack(log);
	const summaryLine = () => `${summary}: ${counts.passed} passed, ${counts.failed} failed\n`;

	function check(name, ok, detail) {
		if (ok) counts.passed++;
		else counts.failed++;
		const shown = () =>
			typeof detail === 'string' ? detail : String(JSON.stringify(detail)).slice(0, detailLimit);
		process.stdout.write(
			`  ${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail !== undefined ? `\n       ${shown()}` : ''}\n`,
		);
		return ok;
	}

	/** Fails the run and stops everything once `ms` have passed; clear the returned timer at the end. */
	function limitTime(ms) {
		const timer = setTimeout(() => {
			log(`TIMEOUT after ${ms} ms: stopping everything`);
			counts.failed++;
			cleanups.run().finally(() => {
				process.stdout.write(summaryLine());
				process.exit(1);
			});
		}, ms);
		timer.unref();
		return timer;
	}

	/** Builds the package when `dist/<file>` (a path below dist/) is missing. */
	function ensureBuilt(file) {
		if (fs.existsSync(path.join(ROOT, 'dist', file))) return;
		log('dist/ missing: npm run build');
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: true });
	}

	/** A temporary folder, removed at the end unless the run failed or the variable `keepEnv` is set. */
	function workFolder(prefix, keepEnv) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
		cleanups.push(() => {
			if (process.env[keepEnv] || counts.failed) log(`kept ${dir}`);
			else fs.rmSync(dir, { recursive: true, force: true });
		});
		return dir;
	}

	/** Runs `main`, cleans up (also on Ctrl-C / SIGTERM), prints the closing line and exits. */
	function run(main, { finalNote = () => '' } = {}) {
		for (const sig of ['SIGINT', 'SIGTERM']) {
			process.on(sig, () => {
				counts.failed++;
				cleanups.run().finally(() => process.exit(130));
			});
		}
		(async () => {
			try {
				await main();
			} catch (e) {
				counts.failed++;
				process.stdout.write(`  FAIL unexpected error: ${e && e.stack ? e.stack : e}\n`);
			}
			await cleanups.run();
			log(`finished in ${secs()}${finalNote()}`);
			process.stdout.write(summaryLine());
			process.exit(counts.failed ? 1 : 0);
		})();
	}

	return { ROOT, T0, secs, log, check, counts, cleanups, limitTime, ensureBuilt, workFolder, run };
}

module.exports = { createSuiteRunner };
