'use strict';
/**
 * What an n8n process runs with: free ports, the per-folder encryption key, its environment; process-group kill and log text helpers shared by the CLI and the server process.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { node24Env } = require('./node24');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (small race window; fine for tests). */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Fixed encryption key per user folder (created once, kept in <userFolder>/.n8n-e2e-encryption-key). */
function encryptionKeyFor(userFolder) {
	const f = path.join(userFolder, '.n8n-e2e-encryption-key');
	try {
		const k = fs.readFileSync(f, 'utf8').trim();
		if (k) return k;
	} catch {
		/* create */
	}
	// If n8n already created its own config (no key file from us), reuse that key.
	try {
		const cfg = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8'));
		if (cfg.encryptionKey) {
			fs.writeFileSync(f, cfg.encryptionKey + '\n', { mode: 0o600 });
			return cfg.encryptionKey;
		}
	} catch {
		/* none */
	}
	fs.mkdirSync(userFolder, { recursive: true });
	const key = crypto.randomBytes(24).toString('hex');
	fs.writeFileSync(f, key + '\n', { mode: 0o600 });
	return key;
}

/**
 * Environment for `n8n start` and the n8n CLI on one user folder.
 * Extra `env` entries override the defaults (e.g. N8N_LOG_LEVEL=debug).
 */
function n8nEnv({ userFolder, port = 5678, brokerPort = 5679, env = {}, node } = {}) {
	const base = node24Env(process.env, node);
	// Do not leak a developer's own n8n settings into the test instance.
	for (const k of Object.keys(base)) {
		if (
			/^(N8N_|DB_|WEBHOOK_URL$|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|CREDENTIALS_OVERWRITE)/.test(k)
		)
			delete base[k];
	}
	const noProxy = ['127.0.0.1', 'localhost', '::1', base.NO_PROXY || base.no_proxy]
		.filter(Boolean)
		.join(',');
	return {
		...base,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKeyFor(userFolder),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		DB_TYPE: 'sqlite',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// Only fetches api.n8n.io (offline noise); n8n 1.x has no such module and refuses unknown names.
		...(node && /^1\./.test(node.n8nVersion || '') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_LOG_LEVEL: 'info',
		// console: readable lines (message only at level info) → our log file;
		// file: JSON lines with level + metadata → <userFolder>/n8n-log.jsonl, scanned by checkNodesLoaded().
		N8N_LOG_OUTPUT: 'console,file',
		N8N_LOG_FILE_LOCATION: path.join(userFolder, 'n8n-log.jsonl'),
		GENERIC_TIMEZONE: 'UTC',
		NO_COLOR: '1',
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		...env,
	};
}

// ------------------------------------------------------------------------------------------------
// Process bookkeeping: every started n8n is killed (whole process group) when this process exits.

function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
		return true;
	} catch {
		try {
			child.kill(signal);
			return true;
		} catch {
			return false;
		}
	}
}

function stripAnsi(s) {
	return s.replace(/\x1b\[[0-9;]*m/g, '');
}

module.exports = {
	sleep,
	freePort,
	encryptionKeyFor,
	n8nEnv,
	killGroup,
	stripAnsi,
};
