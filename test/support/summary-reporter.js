/** Ends a jest run with one plain, machine-readable line: "jest: N passed, N failed, N skipped". */
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
		process.stdout.write(`${line}\n`);
	}
}
module.exports = SummaryReporter;
