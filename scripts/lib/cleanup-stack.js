'use strict';
/**
 * What a script started, undone in reverse order. `run()` is shared: a signal handler, a timeout and the
 * script's own `finally` may all call it, and each undo step still runs exactly once. A failing step is
 * logged and does not stop the others.
 */
function createCleanupStack(log) {
	const steps = [];
	let running;
	return {
		push(step) {
			steps.push(step);
		},
		run() {
			running ||= (async () => {
				while (steps.length) {
					const step = steps.pop();
					try {
						await step();
					} catch (e) {
						log(`cleanup: ${e.message}`);
					}
				}
			})();
			return running;
		},
	};
}

module.exports = { createCleanupStack };
