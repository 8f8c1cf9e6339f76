'use strict';
/**
 * Binary data in `database` mode (n8n 2.41's default in queue mode): Wait For Video in callback mode with Download
 * Video on, in its own small cluster (main, one worker, one webhook process) on its own database and Bull prefix.
 * A file under the cap must arrive byte for byte (written by the webhook process, read back through the main
 * process); a file above the 512 MiB cap (n8n's DatabaseManager buffers the whole stream, then refuses it with
 * FileTooLargeError) must leave its contact as an item-attributed error, with one charge and one download.
 */
const crypto = require('node:crypto');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { createQueueCluster } = require('../../scripts/lib/n8n-queue-cluster');
const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const { expectedVideoBytes } = require('../../tools/heygen-sandbox');
const wf = require('./workflows');
const c = require('./checks');

const MiB = 1024 * 1024;
const SMALL_BYTES = 150000;
const LARGE_BYTES = 520 * MiB;
const DB_CAP_MIB = 512;

/** One execution of `contacts` in callback mode with download; returns the finished execution and the tally. */
async function runOnce(ctx, workflowId, webhookPath, contacts, runNumber) {
	const mark = c.sandboxMark(ctx.sb);
	const before = new Set(
		(await ctx.rest.listExecutions({ workflowId, limit: 100 })).map((x) => x.id),
	);
	await c.postBatches(ctx.cluster.proxy.url, webhookPath, [contacts]);
	const list = await c.waitForExecutions(ctx.rest, workflowId, runNumber, {
		log: ctx.log,
		label: `dbmode ${contacts[0].email}`,
		timeoutMs: 600000,
	});
	const e = list.find((x) => !before.has(x.id));
	const out = await c.collectOutcomes(ctx.rest, [e.id], 'Wait For Video');
	return { execution: out.executions[0], out, tally: c.sandboxTally(ctx.sb, mark) };
}

/** The stored file through the main process's binary-data endpoint. */
async function fetchBinary(ctx, binaryId) {
	const res = await fetch(
		`${ctx.cluster.main.url}/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`,
		{ headers: { cookie: ctx.rest.cookie } },
	);
	if (res.status !== 200) return { status: res.status };
	return { status: 200, body: Buffer.from(await res.arrayBuffer()) };
}

async function binaryDatabaseMode(base) {
	const { n8n, dir, tarball, pg, redis, sb, check, log, report, cleanups } = base;
	const name = 'binary data in database mode';
	const t0 = Date.now();
	const database = 'n8n_dbmode';
	pg.query(`CREATE DATABASE ${database}`);
	const cluster = await createQueueCluster({
		n8n,
		dir: path.join(dir, 'dbmode'),
		tarball,
		pg,
		redis,
		log,
		workers: 1,
		webhooks: 1,
		binaryMode: 'database',
		env: { DB_POSTGRESDB_DATABASE: database, QUEUE_BULL_PREFIX: 'dbmode' },
	});
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await cluster.close();
	};
	if (cleanups) cleanups.push(close);
	try {
		await cluster.start();
		const rest = await cluster.rest();
		const cred = await rest.createCredential({
			name: 'HeyGen account',
			type: 'heyGenTemplatesApi',
			data: { apiKey: sb.apiKey, baseUrl: sb.url },
		});
		const ctx = { cluster, rest, sb, check, log, credId: cred.id };
		const webhookPath = `queue-dbmode-${crypto.randomUUID().slice(0, 8)}`;
		const workflow = wf.callbackWorkflow({ path: webhookPath, download: true });
		for (const n of workflow.nodes)
			if (n.credentials) n.credentials.heyGenTemplatesApi.id = cred.id;
		const created = await rest.createWorkflow(workflow);
		await rest.publishWorkflow(created.id, { timeoutMs: 120000 });
		sb.setConcurrency(5);
		sb.setRender({ pendingMs: 200, processingMs: 2000 });
		const m = { binaryModeEnv: 'database', capMiB: DB_CAP_MIB };

		// Under the cap: two contacts, each file stored in Postgres by the webhook process and identical to HeyGen's.
		sb.setVideoBytes(SMALL_BYTES);
		const small = await runOnce(
			ctx,
			created.id,
			webhookPath,
			wf.contacts(`${webhookPath}-s`, 2),
			1,
		);
		const items = nodeOutput(small.execution, 'Wait For Video', { output: 0 }) || [];
		const stored = [];
		for (const item of items) {
			const bin = item.binary && item.binary.data;
			const got = bin && bin.id ? await fetchBinary(ctx, bin.id) : { status: 0 };
			stored.push({
				id: bin && bin.id,
				status: got.status,
				same: Boolean(
					got.body && got.body.equals(expectedVideoBytes(item.json.video_id, SMALL_BYTES)),
				),
			});
		}
		const rows = Number(queryDb(pg, database, 'SELECT count(*) FROM binary_data')[0]);
		check(
			`${name}: ${SMALL_BYTES}-byte videos: execution succeeded, both contacts Completed with the file`,
			small.execution.status === 'success' &&
				small.out.completed.length === 2 &&
				!small.out.failed.length &&
				items.length === 2,
			{
				status: small.execution.status,
				errors: small.out.errors,
				failed: small.out.failed.map((x) => x.error || x.status),
			},
		);
		check(
			`${name}: the files live in Postgres (binary ids "database:…", ${rows} rows in binary_data) and are byte-identical to HeyGen's`,
			stored.length === 2 &&
				stored.every((s) => /^database:/.test(s.id || '') && s.same) &&
				rows >= 2,
			stored,
		);
		check(
			`${name}: small files: 2 charges, each video downloaded once`,
			small.tally.charges === 2 &&
				Object.values(small.tally.downloads).every((n) => n === 1) &&
				Object.keys(small.tally.downloads).length === 2,
			small.tally,
		);
		m.small = {
			bytes: SMALL_BYTES,
			binaryIds: stored.map((s) => s.id),
			binaryDataRows: rows,
			apiCalls: small.tally.apiCalls,
		};

		// Above the cap: one contact with a 520 MiB video, streamed by the sandbox, buffered whole by n8n's store.
		sb.setVideoBytes(LARGE_BYTES);
		const hookBefore = cluster.memory('webhook1');
		const tLarge = Date.now();
		const large = await runOnce(
			ctx,
			created.id,
			webhookPath,
			wf.contacts(`${webhookPath}-l`, 1),
			2,
		);
		const hookAfter = cluster.memory('webhook1');
		const failedItems = nodeOutput(large.execution, 'Wait For Video', { output: 1 }) || [];
		const error = failedItems[0] && failedItems[0].json && failedItems[0].json.error;
		const errorText = typeof error === 'string' ? error : JSON.stringify(error || large.out.errors);
		m.large = {
			bytes: LARGE_BYTES,
			executionStatus: large.execution.status,
			completed: large.out.completed.length,
			failed: large.out.failed.length,
			error: errorText.slice(0, 400),
			downloads: large.tally.downloads,
			charges: large.tally.charges,
			seconds: Math.round((Date.now() - tLarge) / 100) / 10,
			webhookRssMiB: {
				before: Math.round(hookBefore.rssKb / 1024),
				peak: Math.round(hookAfter.peakKb / 1024),
				after: Math.round(hookAfter.rssKb / 1024),
			},
		};
		check(
			`${name}: a ${LARGE_BYTES / MiB} MiB video (above the ${DB_CAP_MIB} MiB cap) leaves its contact on Failed with n8n's size-limit error, the execution itself succeeds`,
			large.execution.status === 'success' &&
				large.out.completed.length === 0 &&
				failedItems.length === 1 &&
				/exceeds the max size limit of 512 MB/.test(errorText),
			m.large,
		);
		check(
			`${name}: above the cap: one charge, the file fetched once (no retry of the download)`,
			large.tally.charges === 1 &&
				Object.values(large.tally.downloads).length === 1 &&
				Object.values(large.tally.downloads)[0] === 1,
			m.large,
		);
		m.wallSeconds = Math.round((Date.now() - t0) / 100) / 10;
		report[name] = m;
	} finally {
		sb.setVideoBytes(SMALL_BYTES);
		await close();
	}
}

/** psql against the scenario's own database (the services helper queries the suite's default one). */
function queryDb(pg, database, sql) {
	const out = execFileSync(
		'psql',
		['-h', '127.0.0.1', '-p', String(pg.port), '-U', pg.user, '-d', database, '-At', '-c', sql],
		{
			encoding: 'utf8',
			env: { ...process.env, PGPASSWORD: pg.password },
			stdio: 'pipe',
		},
	);
	return out.split('\n').filter(Boolean);
}

module.exports = { binaryDatabaseMode };
