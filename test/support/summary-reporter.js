/**
 * Ends a jest run with plain, machine-readable lines: one per trust suite that ran ("fault-matrix: …",
 * "campaign: …", "hostile-input: …", written by the suites into a directory made here), then
 * "jest: N passed, N failed, N skipped".
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

class SummaryReporter {
	constructor() {
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-suites-'));
		// Set before jest starts its workers, which inherit the environment.
		process.env.HEYGEN_SUITE_SUMMARIES = this.dir;
	}
	onRunComplete(_contexts, results) {
		for (const name of ['fault-matrix', 'campaign', 'hostile-input']) {
			const file = path.join(this.dir, `${name}.txt`);
			if (fs.existsSync(file)) process.stdout.write(fs.readFileSync(file, 'utf8'));
		}
		fs.rmSync(this.dir, { recursive: true, force: true });
		const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
		process.stdout.write(`${line}\n`);
	}
}
module.exports = SummaryReporter;
