/**
 * Lets a benchmark require() the nodes' TypeScript sources directly (transpile only, with the project's
 * TypeScript), the way jest's ts-jest does for the tests. Not a benchmark itself (run.js skips it).
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2021,
			esModuleInterop: true,
		},
		fileName: filename,
	});
	module._compile(outputText, filename);
};

// `…/X.node` must load X.node.ts, not the X.node.json codex file beside it (jest resolves .ts first too).
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
	if (path.isAbsolute(request) && fs.existsSync(`${request}.ts`)) return `${request}.ts`;
	if (request.startsWith('.') && parent?.filename) {
		const candidate = path.resolve(path.dirname(parent.filename), request);
		if (fs.existsSync(`${candidate}.ts`)) return `${candidate}.ts`;
	}
	return resolve.call(this, request, parent, ...rest);
};
