'use strict';
/** Checks printed one per line (`ok` / `FAIL`), and screenshots kept for the README or for a failure's record. */
const fs = require('node:fs');
const path = require('node:path');

function createReport({ shotsDir, docsDir, updateDocs, log }) {
	let passed = 0;
	let failed = 0;
	fs.mkdirSync(shotsDir, { recursive: true });
	if (updateDocs) fs.mkdirSync(docsDir, { recursive: true });
	return {
		check(name, ok, detail) {
			if (ok) passed++;
			else failed++;
			const extra =
				!ok && detail !== undefined
					? `\n       ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`
					: '';
			process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${extra}\n`);
			return ok;
		},
		fail(name, error) {
			failed++;
			process.stdout.write(
				`  FAIL ${name}\n       ${error.message.split('\n').slice(0, 8).join('\n       ')}\n`,
			);
		},
		/** Screenshot into the shots folder; with --update-docs, README pictures (`docsName`) go to docs/ too. */
		async shot(target, name, { docsName, clip } = {}) {
			const file = path.join(shotsDir, `${name}.png`);
			await target.screenshot({ path: file, clip, animations: 'disabled' });
			if (updateDocs && docsName) {
				fs.copyFileSync(file, path.join(docsDir, docsName));
				log(`updated docs/${docsName}`);
			}
			return file;
		},
		get passed() {
			return passed;
		},
		get failed() {
			return failed;
		},
	};
}

module.exports = { createReport };
