'use strict';
/**
 * Run the README's manual install ("Self-hosted, with npm") exactly as written, with two substitutions: `~/.n8n` is
 * the test's n8n folder, and the package name is the packed tarball (no registry needed). The commands run in `sh`
 * with the given Node first on PATH (the Node that n8n itself runs on) and the machine's npm.
 *
 *   const r = readmeNpmInstall({ n8nFolder, tarball, node: { nodeBin } });
 *   r.ok, r.commands, r.extraPackages (anything in nodes/node_modules besides the package), r.output
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { findNpmCli } = require('./node24');

const README = path.resolve(__dirname, '..', '..', 'README.md');
const PACKAGE = 'n8n-nodes-heygen-templates';

/** The shell lines of the README's "Self-hosted, with npm" block, comments dropped. */
function readmeInstallCommands(readme = fs.readFileSync(README, 'utf8')) {
	const at = readme.indexOf('**Self-hosted, with npm**');
	if (at < 0) throw new Error('README has no "Self-hosted, with npm" install section');
	const block = readme.slice(at).match(/```sh\n([\s\S]*?)```/);
	if (!block) throw new Error('README "Self-hosted, with npm" section has no ```sh block');
	return block[1]
		.split('\n')
		.map((l) => l.replace(/\s+#.*$/, '').trim())
		.filter((l) => l && !l.startsWith('#'));
}

function readmeNpmInstall({ n8nFolder, tarball, node }) {
	const commands = readmeInstallCommands().map((l) =>
		l
			.replace(/~\/\.n8n/g, n8nFolder)
			.replace(new RegExp(`(npm install\\b.*?)\\b${PACKAGE}\\b`), `$1${tarball}`),
	);
	// `npm` on PATH must be the machine's npm run by the given Node, as a user's shell would have it.
	const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-shim-'));
	fs.writeFileSync(
		path.join(binDir, 'npm'),
		`#!/bin/sh\nexec "${node.nodeBin}" "${findNpmCli()}" "$@"\n`,
		{ mode: 0o755 },
	);
	const env = {
		...process.env,
		PATH: [binDir, path.dirname(node.nodeBin), process.env.PATH].join(path.delimiter),
	};
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	const r = spawnSync('sh', ['-ec', commands.join('\n')], {
		env,
		encoding: 'utf8',
		timeout: 300000,
	});
	fs.rmSync(binDir, { recursive: true, force: true });
	const modules = path.join(n8nFolder, 'nodes', 'node_modules');
	const present = fs.existsSync(modules)
		? fs.readdirSync(modules).filter((n) => !n.startsWith('.'))
		: [];
	const extraPackages = present.filter((n) => n !== PACKAGE);
	const ok = r.status === 0 && fs.existsSync(path.join(modules, PACKAGE, 'package.json'));
	return {
		ok,
		commands,
		status: r.status,
		extraPackages,
		output: `${r.stdout}${r.stderr}`.slice(-2000),
	};
}

module.exports = { readmeNpmInstall, readmeInstallCommands };
