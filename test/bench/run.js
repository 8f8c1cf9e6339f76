/** `npm run bench`: runs every benchmark script in this folder, one process each; fails if any fails. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const scripts = fs
	.readdirSync(__dirname)
	.filter((f) => f.endsWith('.js') && f !== 'run.js' && f !== 'load-ts.js')
	.sort();
let failed = 0;
for (const script of scripts) {
	console.log(`\n# ${script}`);
	const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, script)], { stdio: 'inherit' });
	if (result.status !== 0) failed++;
}
console.log(`\n${scripts.length - failed}/${scripts.length} benchmarks passed`);
process.exit(failed ? 1 : 0);
