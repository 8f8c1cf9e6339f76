/**
 * A CPU profile of one async function through node:inspector, summarised as self time per function and per
 * place (this package, n8n-core, n8n-workflow, axios, Node itself…): where the time goes.
 */
const inspector = require('node:inspector');

function post(session, method, params = {}) {
	return new Promise((resolve, reject) =>
		session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
	);
}

function placeOf(url) {
	if (!url) return '(node internals / native)';
	const module = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
	if (module) return module[1];
	if (url.includes('/nodes/') || url.includes('/credentials/')) return 'this package';
	if (url.includes('/test/')) return 'benchmark harness + sandbox';
	if (url.startsWith('node:')) return 'node';
	return url.split('/').slice(-2).join('/');
}

async function profile(fn, top = 12) {
	const session = new inspector.Session();
	session.connect();
	await post(session, 'Profiler.enable');
	await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
	await post(session, 'Profiler.start');
	try {
		await fn();
	} finally {
		var { profile: cpu } = await post(session, 'Profiler.stop');
		session.disconnect();
	}
	const dt = new Map();
	for (let i = 0; i < cpu.samples.length; i++)
		dt.set(cpu.samples[i], (dt.get(cpu.samples[i]) ?? 0) + (cpu.timeDeltas[i] ?? 0));
	const byFunction = new Map();
	const byPlace = new Map();
	let total = 0;
	for (const node of cpu.nodes) {
		const us = dt.get(node.id) ?? 0;
		if (!us) continue;
		const { functionName, url, lineNumber } = node.callFrame;
		// The profiler's own session calls run in this process: not the benchmark's time.
		if (url.startsWith('node:inspector')) continue;
		const name = functionName || '(anonymous)';
		const place =
			name === '(idle)' || name === '(program)' || name === '(garbage collector)'
				? name
				: placeOf(url);
		const key = `${name} — ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : place}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + us);
		byPlace.set(place, (byPlace.get(place) ?? 0) + us);
		total += us;
	}
	const rank = (map) =>
		[...map.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([name, us]) => ({
				name,
				ms: Math.round(us / 1000),
				share: Number(((us / total) * 100).toFixed(1)),
			}));
	return {
		totalMs: Math.round(total / 1000),
		byPlace: rank(byPlace),
		byFunction: rank(byFunction),
	};
}

module.exports = { profile };
