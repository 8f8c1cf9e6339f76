'use strict';
/**
 * e2e steps: the example workflows run in a real `n8n start`, each checked against the HeyGen sandbox and the
 * OpenAI stub: the birthday video (poll mode, download on), the same with n8n's OpenAI node v1.8, personalized
 * videos resumed by HeyGen's callbacks, and the polling loop. Used by run-e2e.js; `ctx` holds the n8n instance
 * `i`, its REST client, the sandbox `sb`, the OpenAI `stub`, `videoBytes`, the imported ids and the suite's
 * `check` and `log`.
 */
const crypto = require('node:crypto');

const { nodeOutput } = require('../../scripts/lib/n8n-rest');
const ex = require('../../scripts/lib/examples');
const { expectedVideoBytes } = require('../../tools/heygen-sandbox');

const FINAL = ['success', 'error', 'crashed', 'canceled'];
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const cbLine = (c) =>
	`${c.videoId} → ${c.status || c.error} ${String(c.responseBody || '').slice(0, 80)}`;

/** A file from n8n's binary store, through its REST API (as the editor downloads it). */
async function storedFile({ i, rest }, id) {
	const r = await fetch(`${i.url}/rest/binary-data?id=${encodeURIComponent(id)}&action=download`, {
		headers: { cookie: rest.cookie },
	});
	return { status: r.status, buf: Buffer.from(await r.arrayBuffer()) };
}

async function birthday(ctx) {
	const { rest, sb, videoBytes, check, log } = ctx;
	// 7a. Birthday video: manual run (as "Execute workflow" in the editor), poll mode, download on.
	const t = Date.now();
	const chargesBefore = sb.charges;
	const a = await ex.runManually(rest, 'birthday');
	log(`birthday workflow: ${a.execution.status} in ${Date.now() - t} ms`);
	check(
		'birthday: execution succeeded',
		a.execution.status === 'success',
		ex.executionError(a.execution),
	);
	const aItems = nodeOutput(a.execution, ex.WAIT_NODE, { output: 0 }) || [];
	const aVideo = aItems[0] && aItems[0].json;
	check(
		'birthday: one item on Completed with status completed and a signed video URL',
		aItems.length === 1 &&
			aVideo.status === 'completed' &&
			typeof aVideo.video_url === 'string' &&
			aVideo.video_url.startsWith(sb.cdnUrl),
		aVideo,
	);
	check(
		'birthday: exactly one charged render',
		sb.charges - chargesBefore === 1,
		sb.charges - chargesBefore,
	);
	const aRecord = aVideo && sb.videos.get(aVideo.video_id);
	check(
		'birthday: HeyGen got the variables from the Set node',
		aRecord &&
			aRecord.templateId === 'tpl_birthday' &&
			JSON.stringify(aRecord.requestVariables || aRecord.variables).includes(
				'Happy birthday, Ada!',
			),
		aRecord && aRecord.requestVariables,
	);
	const aBin = aItems[0] && aItems[0].binary && aItems[0].binary.data;
	check(
		'birthday: MP4 in binary "data" with the full size',
		aBin &&
			aBin.mimeType === 'video/mp4' &&
			aBin.bytes === videoBytes &&
			aBin.fileName === `${aVideo.video_id}.mp4`,
		aBin,
	);
	if (aBin && aBin.id) {
		const { status, buf } = await storedFile(ctx, aBin.id);
		const expected = expectedVideoBytes(aVideo.video_id, videoBytes);
		check(
			'birthday: the stored file (via n8n REST /rest/binary-data) is byte-identical to the sandbox video',
			status === 200 && buf.length === expected.length && sha256(buf) === sha256(expected),
			{ status, length: buf.length },
		);
	} else check("birthday: binary stored in n8n's binary store (has an id)", false, aBin);
}

async function birthdayOpenAiV1(ctx) {
	const { rest, sb, stub, ids, check } = ctx;
	const v1Id = ids.v1;
	// 7a'. The same birthday video, the greeting written by the OpenAI node v1.8 (JSON output, simplify on).
	const chargesV1 = sb.charges;
	const stubV1 = stub.requests.length;
	const v1Exec = await rest.waitForExecution(await rest.runWorkflow(v1Id, ex.MANUAL_TRIGGER), {
		timeoutMs: 180000,
		until: (e) => FINAL.includes(e.status),
	});
	const v1Items = nodeOutput(v1Exec, ex.WAIT_NODE, { output: 0 }) || [];
	const v1Record = v1Items[0] && sb.videos.get(v1Items[0].json.video_id);
	const v1Texts = v1Record
		? Object.fromEntries(
				Object.entries(v1Record.requestVariables).map(([k, v]) => [k, v.properties.content]),
			)
		: {};
	check(
		'birthday via OpenAI v1.8: one completed video, one charge, one POST /v1/chat/completions',
		v1Exec.status === 'success' &&
			v1Items.length === 1 &&
			v1Items[0].json.status === 'completed' &&
			sb.charges - chargesV1 === 1 &&
			stub.requests
				.slice(stubV1)
				.map((q) => `${q.method} ${q.path}`)
				.join() === 'POST /v1/chat/completions',
		ex.executionError(v1Exec) || stub.requests.slice(stubV1).map((q) => q.path),
	);
	check(
		'birthday via OpenAI v1.8: name and message come from message.content, none left as {{…}} in the video',
		v1Texts.name === 'Ada' &&
			/^Hi Ada!/.test(v1Texts.message || '') &&
			v1Record.unfilledPlaceholders.length === 0 &&
			v1Record.title === 'Birthday video for Ada',
		{
			sent: v1Texts,
			placeholders: v1Record && v1Record.unfilledPlaceholders,
			title: v1Record && v1Record.title,
		},
	);
}

/** Personalized videos: webhook → Code contacts → OpenAI → Generate (callback URL) → Wait (callback) → table. */
async function personalizedVideos(ctx) {
	const { rest, sb, stub, check, log } = ctx;
	// One render at a time, so the videos finish one after another and every callback is answered on its own:
	// the first ones leave the execution waiting, the last one resumes it.
	sb.setConcurrency(1);
	const t = Date.now();
	const charges2 = sb.charges;
	const reqs2 = sb.requests.length;
	const cbs2 = sb.callbacks.length;
	const stub2 = stub.requests.length;
	const b = await ex.runPersonalizedVideos(rest, { log });
	const bMs = Date.now() - t;
	log(`personalized workflow: ${b.execution.status} in ${bMs} ms`);
	check(
		'personalized: execution succeeded',
		b.execution.status === 'success',
		ex.executionError(b.execution),
	);
	check(
		"personalized: the execution waited (parked) for HeyGen's callback",
		b.sawWaiting || (b.execution.data.resultData.runData[ex.WAIT_NODE] || []).length >= 2,
	);
	const contacts = (nodeOutput(b.execution, 'Contacts') || []).map((c) => c.json);
	const rows = ex.resultRows(b.execution);
	process.stdout.write(ex.formatTable(rows).replace(/^/gm, '       ') + '\n');
	checkRows(ctx, contacts, rows);
	await checkDownloads(ctx, b.execution);
	checkRenders(ctx, {
		b,
		contacts,
		rows,
		charges: charges2,
		stubCalls: stub.requests.slice(stub2),
	});
	const callbacks = checkCallbacks(ctx, b, sb.callbacks.slice(cbs2));
	checkApiTraffic(ctx, sb.requests.slice(reqs2), callbacks);
}

function checkRows({ sb, videoBytes, check }, contacts, rows) {
	check(
		'personalized: 3 contacts, 3 result rows in contact order',
		contacts.length === 3 &&
			rows.length === 3 &&
			rows.every((r, k) => r.contact === contacts[k].name && r.email === contacts[k].email),
		rows.map((r) => r.contact),
	);
	check(
		'personalized: every row completed with a video URL on the media host',
		rows.length === 3 &&
			rows.every(
				(r) =>
					r.status === 'completed' &&
					String(r.video_url).startsWith(sb.cdnUrl + '/videos/' + r.video_id + '/'),
			),
		rows,
	);
	check(
		'personalized: every video downloaded in full (file name, bytes)',
		rows.length === 3 &&
			rows.every((r) => r.file_name === `${r.video_id}.mp4` && r.file_bytes === videoBytes),
		rows,
	);
}

/** Every downloaded file, read back from n8n's binary store, byte-identical to its sandbox video. */
async function checkDownloads(ctx, execution) {
	const { videoBytes, check } = ctx;
	const waitItems = nodeOutput(execution, ex.WAIT_NODE, { output: 0 }) || [];
	let same = waitItems.length === 3;
	for (const item of waitItems) {
		const bin = item.binary && item.binary.data;
		if (!bin || !bin.id) {
			same = false;
			continue;
		}
		const { status, buf } = await storedFile(ctx, bin.id);
		if (
			status !== 200 ||
			sha256(buf) !== sha256(expectedVideoBytes(item.json.video_id, videoBytes))
		)
			same = false;
	}
	check(
		'personalized: every downloaded file is byte-identical to its sandbox video (sha256)',
		same,
	);
}

/** What HeyGen was asked to render: OpenAI's text per contact, titles, callback ids, resume URLs, charges. */
function checkRenders({ i, sb, check }, { b, contacts, rows, charges: charges2, stubCalls }) {
	check(
		'personalized: OpenAI called once per contact (POST /v1/responses, JSON mode)',
		stubCalls.length === 3 &&
			stubCalls.every(
				(q) => q.method === 'POST' && /\/responses$/.test(q.path) && q.status === 200,
			),
		stubCalls.map((q) => `${q.method} ${q.path} ${q.status}`),
	);
	const videos = rows.map((r) => sb.videos.get(r.video_id)).filter(Boolean);
	check(
		'personalized: exactly one charged render per contact',
		sb.charges - charges2 === 3 && new Set(rows.map((r) => r.video_id)).size === 3,
		sb.charges - charges2,
	);
	check(
		"personalized: HeyGen got first_name/company/script from OpenAI's JSON (Map Automatically)",
		videos.length === 3 &&
			videos.every((v, k) => {
				const vars = v.requestVariables || {};
				const text = (n) => vars[n] && vars[n].properties && vars[n].properties.content;
				return (
					text('first_name') === contacts[k].first_name &&
					text('company') === contacts[k].company &&
					/^Hi /.test(text('script') || '')
				);
			}),
		videos.map((v) => v.requestVariables),
	);
	check(
		'personalized: titles and callback ids come from the contact (paired items through OpenAI)',
		videos.length === 3 &&
			videos.every(
				(v, k) =>
					v.title === `Outreach video for ${contacts[k].name}` &&
					v.callbackId === contacts[k].email,
			),
		videos.map((v) => [v.title, v.callbackId]),
	);
	const execId = b.executionId;
	check(
		"personalized: every render got this execution's resume URL as callback_url",
		videos.length === 3 &&
			videos.every((v) =>
				new RegExp(`^${i.webhookUrl}webhook-waiting/${execId}\\?signature=`).test(
					v.callbackUrl || '',
				),
			),
		videos.map((v) => v.callbackUrl),
	);
}

/** HeyGen's callbacks: one per video, answered 200; the last one resumed the execution, once. */
function checkCallbacks({ check }, b, delivered) {
	const execId = b.executionId;
	const callbacks = delivered.filter((c) => c.kind === 'callback_url');
	check(
		'personalized: HeyGen called the resume URL once per video, n8n answered 200 each time',
		callbacks.length === 3 &&
			new Set(callbacks.map((c) => c.videoId)).size === 3 &&
			callbacks.every(
				(c) => c.status === 200 && c.url.includes(`/webhook-waiting/${execId}?signature=`),
			),
		callbacks.map(cbLine),
	);
	check(
		'personalized: the first two callbacks left the execution waiting, the last one resumed it',
		callbacks.length === 3 &&
			callbacks.slice(0, 2).every((c) => /"resumed":false/.test(c.responseBody || '')) &&
			!/"resumed":false/.test(callbacks[2].responseBody || ''),
		callbacks.map(cbLine),
	);
	// n8n replaces the parked run with the resumed one: a second run would mean a second resume.
	check(
		'personalized: Wait For Video has a single run (parked once, resumed once)',
		(b.execution.data.resultData.runData[ex.WAIT_NODE] || []).length === 1,
		(b.execution.data.resultData.runData[ex.WAIT_NODE] || []).length,
	);
	return callbacks;
}

/** The key on every API request and never on the media host; Idempotency-Keys; the calls by path. */
function checkApiTraffic({ sb, check, log }, reqs, callbacks) {
	const api = reqs.filter((q) => q.server === 'api');
	const cdn = reqs.filter((q) => q.server === 'cdn');
	check(
		'API key sent on every API request, and never to the media host',
		api.length > 0 &&
			api.every((q) => q.headers['x-api-key'] === sb.apiKey) &&
			cdn.length >= 3 &&
			cdn.every((q) => !('x-api-key' in q.headers) && !('authorization' in q.headers)),
		{ api: api.length, cdnWithKey: cdn.filter((q) => 'x-api-key' in q.headers).length },
	);
	const generates = api.filter((q) => q.method === 'POST' && /^\/v3\/templates\//.test(q.path));
	check(
		'generate requests carry an Idempotency-Key',
		generates.length === 3 && generates.every((q) => q.headers['idempotency-key']),
		generates.length,
	);
	log(
		`personalized workflow: ${api.length} API requests, ${cdn.length} media downloads, ${callbacks.length} callback deliveries`,
	);
	const byPath = {};
	for (const q of api) {
		const k = `${q.method} ${q.path.replace(/\/[A-Za-z0-9_-]{12,}(?=\/|$)/g, '/{id}').replace(/tpl_[a-z_]+/, '{template}')}`;
		byPath[k] = (byPath[k] || 0) + 1;
	}
	log(`  API calls: ${JSON.stringify(byPath)}`);
}

/** Polling loop: manual run; with short renders it finishes in the first pass. */
async function pollingLoop({ rest, check }) {
	const c = await ex.runManually(rest, 'pollingLoop');
	const cItems = nodeOutput(c.execution, ex.WAIT_NODE, { output: 0 }) || [];
	check(
		'polling loop: execution succeeded, the video on Completed (no download)',
		c.execution.status === 'success' &&
			cItems.length === 1 &&
			cItems[0].json.status === 'completed' &&
			!cItems[0].binary,
		ex.executionError(c.execution) || cItems.map((x) => x.json.status),
	);
}

module.exports = { birthday, birthdayOpenAiV1, personalizedVideos, pollingLoop, cbLine, FINAL };
