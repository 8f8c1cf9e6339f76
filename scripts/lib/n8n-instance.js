'use strict';
/**
 * Run a real n8n 2.41.1 (installed by ./n8n-install) on Node 24 for the end-to-end test and the demo.
 * Plain CommonJS, no dependencies, Node >= 20.
 *
 *   const inst = require('./scripts/lib/n8n-instance');
 *   const userFolder = '/tmp/x';                                   // N8N_USER_FOLDER (n8n uses <userFolder>/.n8n)
 *   inst.installPackageTarball({ userFolder, tarball: 'n8n-nodes-heygen-templates-0.1.0.tgz' });
 *   await inst.importCredentials({ userFolder, list: [{ id, name, type, data }] });
 *   await inst.importWorkflows({ userFolder, files: ['wf.json'], publish: true });
 *   const n8n = await inst.startN8n({ userFolder, log: console.log });   // free ports, waits until ready
 *   const rest = await n8n.rest();                                 // owner created / logged in (N8nRest)
 *   await inst.checkNodesLoaded({ instance: n8n, rest });          // throws if our types are missing
 *   await rest.waitForPublished('wf-id');                          // webhooks registered (async in 2.41)
 *   await rest.callWebhook('path', body); …  rest.getExecution(id); rest.resume(resumeUrlOf(exec), body)
 *   await n8n.stop();                                              // also happens on exit / SIGINT
 *
 * Files in the user folder: .n8n/ (n8n's own: database.sqlite, config, nodes/), n8n.log (console output,
 * appended per start), n8n-log.jsonl (structured log with levels), .n8n-e2e-encryption-key.
 *
 * How n8n 2.41.1 loads community packages (read from dist/modules/community-packages/*.js and n8n-core
 * dist/nodes-loader/scan-directory-for-packages.js, and tried with a packed throwaway package):
 *   - At start, with community packages enabled and N8N_COMMUNITY_PACKAGES_PREVENT_LOADING unset, the
 *     `community-packages` module scans `<userFolder>/.n8n/nodes/node_modules` for directories named
 *     `n8n-nodes-*` and `@*\/n8n-nodes-*`, and loads each with LazyPackageDirectoryLoader (uses
 *     dist/known|types/*.json if present, else `require`s the files listed in package.json "n8n").
 *   - NO `installed_packages` DB row is needed to load (rows only feed Settings › Community nodes and
 *     "reinstall missing packages"). Types are `<package name>.<node name>`, e.g.
 *     `n8n-nodes-heygen-templates.heyGenGenerateFromTemplate`; `usableAsTool` nodes also get `<name>Tool`.
 *   - A package whose `n8n.n8nNodesApiVersion` is unsupported is skipped with a warning.
 *   - n8n's own UI install does: `npm pack`, extract into nodes/node_modules/<name>, strip
 *     dev/peer/optional dependencies from its package.json, `npm install --ignore-scripts` inside it, add
 *     it to nodes/package.json. installPackageTarball() does the same with a local .tgz (no network).
 */
module.exports = {
	...require('./n8n-env'),
	...require('./n8n-process'),
	...require('./n8n-import'),
	...require('./n8n-package'),
};
