/**
 * Copies what tsc does not: the icons the nodes and the credential point at with `file:` paths,
 * and each node's codex file (*.node.json), which n8n reads beside the compiled node.
 */
const fs = require('node:fs');
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/**/*.{svg,png}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyNodeCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

/** Stale files from renamed sources would otherwise ship in the package. */
function clean(done) {
	fs.rmSync('dist', { recursive: true, force: true });
	done();
}

exports.clean = clean;
exports.build = parallel(copyIcons, copyNodeCodex);
exports.default = exports.build;
