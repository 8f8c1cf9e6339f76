/**
 * Copies what tsc does not: the icons the nodes and the credential point at with `file:` paths,
 * and each node's codex file (*.node.json), which n8n reads beside the compiled node.
 */
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/**/*.{svg,png}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyNodeCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports.build = parallel(copyIcons, copyNodeCodex);
exports.default = exports.build;
