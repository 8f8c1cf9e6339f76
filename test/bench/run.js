/**
 * `npm run bench`: runs each benchmark in a process of its own (one after the other, so they do not disturb each
 * other), prints the table of results with targets and verdicts, and writes docs/benchmarks.md and
 * docs/benchmarks.json. A missed target is a verdict in the table; a benchmark that crashes makes the run fail.
 *
 *   npm run bench [-- --quick] [-- --only status-calls,submission]
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const report = require('./lib/report');

/** In report order. sandbox-stream-memory checks the simulator itself and adds no row. */
const BENCHMARKS = [
	'status-calls',
	'batch-wall',
	'download-memory',
	'node-overhead',
	'callbacks',
	'submission',
];
const CHECKS = ['sandbox-stream-memory'];

const forwarded = process.argv.slice(2).filter((a) => a === '--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1].split(',') : undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-bench-'));
const results = [];
const failed = [];
const started = Date.now();

/** The method paragraph of a benchmark: its header comment, up to the usage line. */
function method(script) {
	const source = fs.readFileSync(path.join(__dirname, `${script}.js`), 'utf8');
	const header = source.match(/^\/\*\*([\s\S]*?)\*\//)?.[1] ?? '';
	return header
		.split('\n')
		.map((line) => line.replace(/^\s*\* ?/, ''))
		.filter((line) => !line.trim().startsWith('node test/bench/'))
		.join(' ')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^Comparisons? [\d ,and]+: /, '')
		.replace(/^./, (first) => first.toUpperCase());
}

for (const script of [...CHECKS, ...BENCHMARKS]) {
	if (only && !only.includes(script)) continue;
	const out = path.join(tmp, `${script}.json`);
	const t = Date.now();
	console.log(`\n# ${script}`);
	const run = spawnSync(
		process.execPath,
		['--expose-gc', path.join(__dirname, `${script}.js`), '--out', out, ...forwarded],
		{
			stdio: ['ignore', 'ignore', 'inherit'],
		},
	);
	console.log(
		`  ${run.status === 0 ? 'done' : `FAILED (exit ${run.status})`} in ${Math.round((Date.now() - t) / 1000)} s`,
	);
	if (run.status !== 0) {
		failed.push(script);
		continue;
	}
	if (BENCHMARKS.includes(script))
		results.push({ ...JSON.parse(fs.readFileSync(out, 'utf8')), script, method: method(script) });
}

const meta = {
	date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
	machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${os.loadavg()[0].toFixed(1)} at the end, Node ${process.version}`,
	quick: forwarded.includes('--quick'),
	failed,
	seconds: Math.round((Date.now() - started) / 1000),
};
console.log(report.text(results));
console.log(`\n${results.length} benchmarks reported, ${failed.length} failed, ${meta.seconds} s`);
// With --only, the other benchmarks' last results stay in the report (e.g. re-run callbacks after a change).
const docs = path.join(__dirname, '..', '..', 'docs');
const jsonFile = path.join(docs, 'benchmarks.json');
let merged = results;
if (only && fs.existsSync(jsonFile)) {
	const previous = JSON.parse(fs.readFileSync(jsonFile, 'utf8')).results ?? [];
	merged = BENCHMARKS.map(
		(name) => results.find((r) => r.script === name) ?? previous.find((r) => r.script === name),
	).filter(Boolean);
	meta.partial = `re-run: ${only.join(', ')}`;
}
fs.writeFileSync(path.join(docs, 'benchmarks.md'), report.markdown(merged, meta));
fs.writeFileSync(jsonFile, `${JSON.stringify({ meta, results: merged }, null, '\t')}\n`);
// In the project's Prettier style, so that `npm run lint` (prettier --check) accepts the written files.
spawnSync(
	process.execPath,
	[require.resolve('prettier/bin/prettier.cjs'), '--write', path.join(docs, 'benchmarks.*')],
	{ stdio: 'ignore' },
);
console.log('Written: docs/benchmarks.md, docs/benchmarks.json');
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);
