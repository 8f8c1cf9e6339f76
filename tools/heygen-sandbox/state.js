'use strict';
/**
 * What the sandbox holds and how tests steer it: templates, renders and their charges, faults, webhooks, and
 * waiting for a state to be reached.
 * Methods of the sandbox core (index.js mixes them in); `this` is the core.
 */
const crypto = require('node:crypto');
const { validateGenerate, magicOutcome } = require('./validate');
const media = require('./media');

class SandboxState {
	changed() {
		this.events.emit('change');
	}

	getTemplate(id) {
		return this.templates.find((t) => t.id === id) || null;
	}

	/**
	 * Validate, charge and start a render. family: 'v3' | 'legacy'.
	 * Returns { record } or { error: {status, code, message, param} }.
	 */
	generate(template, body, family, { idempotencyKey = null } = {}) {
		const v = validateGenerate(body, template, family);
		if (v.error) return v;
		if (this.quota < this.options.quotaPerRender) {
			const have = Math.floor(this.quota / 60);
			return {
				error: {
					status: 402,
					code: 'insufficient_credit',
					message: `Your account has ${have} credits but this video requires ${Math.ceil(this.options.quotaPerRender / 60)} credits.`,
				},
			};
		}
		const id = crypto.randomBytes(16).toString('hex');
		const now = Date.now();
		const val = v.value;
		const outcome = magicOutcome(val.requestVariables);
		const record = {
			id,
			templateId: template.id,
			apiFamily: family,
			status: 'pending',
			waiting: false,
			outcome,
			title: val.title || template.name, // SIM CHOICE: untitled renders are named after the template
			callbackId: val.callbackId,
			callbackUrl: val.callbackUrl,
			variables: val.variables,
			requestVariables: JSON.parse(JSON.stringify(val.requestVariables)),
			renderedTexts: val.renderedTexts,
			unfilledPlaceholders: val.unfilledPlaceholders,
			caption: val.caption,
			includeGif: val.includeGif,
			dimension: val.dimension,
			fps: val.fps,
			folderId: val.folderId,
			enableSharing: val.enableSharing,
			test: val.test,
			sceneIds: val.sceneIds,
			createdAt: now,
			processingStartedAt: null,
			completedAt: null,
			duration: media.videoDuration(id),
			sizeBytes: this.videoBytes,
			error: null,
			idempotencyKey,
			charged: true,
		};
		this._charges += 1;
		this.quota -= this.options.quotaPerRender;
		this.videos.set(id, record);
		this.engine.add(record);
		return { record };
	}

	fault(spec) {
		const s = this.faults.add(spec);
		this.changed();
		return s;
	}

	complete(id) {
		return this.engine.complete(id);
	}

	fail(id, err = {}) {
		return this.engine.fail(id, err || {});
	}

	stick(id) {
		return this.engine.stick(id);
	}

	setRender(r = {}) {
		this.engine.setRender(r);
	}

	setConcurrency(n) {
		this.engine.setConcurrency(n);
	}

	setVideoBytes(n) {
		this.videoBytes = Math.max(0, Math.floor(Number(n)));
	}

	registerWebhook(url, { events = null, secret } = {}) {
		const ep = this.webhooks.add({ url, events, secret });
		this.changed();
		return { endpoint_id: ep.endpoint_id, secret: ep.secret };
	}

	reset() {
		this.engine.clear();
		this.deliverer.stop();
		this.requests.length = 0;
		this.callbacks.length = 0;
		this.videos.clear();
		this.idempotency.clear();
		this._charges = 0;
		this.quota = this.options.quota;
		this.faults.clear();
		this.webhooks.clear();
		this.probes.length = 0;
		this.changed();
	}

	waitFor(predicate, { timeoutMs = 10000, intervalMs = 20 } = {}) {
		return new Promise((resolve, reject) => {
			let done = false;
			let iv = null;
			let to = null;
			const finish = () => {
				done = true;
				clearInterval(iv);
				clearTimeout(to);
				this.events.off('change', check);
			};
			const check = () => {
				if (done) return;
				let v;
				try {
					v = predicate(this);
				} catch (e) {
					finish();
					reject(e);
					return;
				}
				if (v) {
					finish();
					resolve(v);
				}
			};
			this.events.on('change', check);
			iv = setInterval(check, intervalMs);
			iv.unref();
			to = setTimeout(() => {
				if (done) return;
				finish();
				reject(
					new Error(
						`sandbox.waitFor timed out after ${timeoutMs} ms: ${String(predicate).slice(0, 200)}`,
					),
				);
			}, timeoutMs);
			check();
		});
	}
}

module.exports = { SandboxState };
