'use strict';
/**
 * Render engine: the life of a video record.
 *
 *   create → pending (pendingMs) → [waiting while `concurrency` renders are processing] → processing
 *          (processingMs) → completed | failed
 *
 * record.status is 'pending' | 'processing' | 'completed' | 'failed'; record.waiting is true while the pending
 * phase is over but no render slot is free. How each API names these (SIM CHOICE):
 *   v1 status: pending → "pending", or "waiting" when record.waiting; v3 detail: "pending"; v3 bulk: "queued".
 * Outcomes: record.outcome 'auto' (completes), 'fail' (fails with 40119), 'stuck' (stays processing, keeps its
 * slot). Timers are unref'd and driven by state; clear() cancels everything.
 */

const { EventEmitter } = require('node:events');

const TOO_LONG = {
	code: 40119,
	message: 'Video is too long',
	detail: 'Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos',
};

class RenderEngine extends EventEmitter {
	constructor({ pendingMs = 100, processingMs = 300, concurrency = 3 } = {}) {
		super();
		this.pendingMs = pendingMs;
		this.processingMs = processingMs;
		this.concurrency = Math.max(1, concurrency);
		this.timers = new Map(); // id -> timeout
		this.waitQueue = []; // records waiting for a slot (FIFO)
		this.processing = new Set(); // ids
		this.records = new Map();
	}

	setRender({ pendingMs, processingMs } = {}) {
		if (pendingMs !== undefined) this.pendingMs = Math.max(0, Number(pendingMs));
		if (processingMs !== undefined) this.processingMs = Math.max(0, Number(processingMs));
	}

	setConcurrency(n) {
		this.concurrency = Math.max(1, Math.floor(Number(n)) || 1);
		this.pump();
	}

	_timer(id, ms, fn) {
		this._clearTimer(id);
		const t = setTimeout(() => {
			this.timers.delete(id);
			fn();
		}, ms);
		t.unref();
		this.timers.set(id, t);
	}
	_clearTimer(id) {
		const t = this.timers.get(id);
		if (t) {
			clearTimeout(t);
			this.timers.delete(id);
		}
	}
	_changed(record, what) {
		this.emit('change', record, what);
	}

	/** Start the life of a new record (status must be 'pending'). */
	add(record) {
		this.records.set(record.id, record);
		record.status = 'pending';
		record.waiting = false;
		this._timer(record.id, this.pendingMs, () => this._ready(record));
		this._changed(record, 'created');
	}

	_ready(record) {
		if (record.status !== 'pending') return;
		record.waiting = true;
		this.waitQueue.push(record);
		this._changed(record, 'waiting');
		this.pump();
	}

	pump() {
		while (this.processing.size < this.concurrency && this.waitQueue.length) {
			this._start(this.waitQueue.shift());
		}
	}

	_start(record) {
		record.status = 'processing';
		record.waiting = false;
		record.processingStartedAt = Date.now();
		this.processing.add(record.id);
		this._changed(record, 'processing');
		if (record.outcome === 'stuck') return;
		this._timer(record.id, this.processingMs, () => this._finish(record));
	}

	_finish(record) {
		if (record.outcome === 'fail') this._terminal(record, 'failed', record.failWith || TOO_LONG);
		else this._terminal(record, 'completed', null);
	}

	_detach(record) {
		this._clearTimer(record.id);
		const i = this.waitQueue.indexOf(record);
		if (i >= 0) this.waitQueue.splice(i, 1);
		this.processing.delete(record.id);
		record.waiting = false;
	}

	_terminal(record, status, error) {
		this._detach(record);
		record.status = status;
		record.completedAt = Date.now();
		record.error = error
			? { code: error.code, message: error.message, detail: error.detail ?? error.message }
			: null;
		this._changed(record, status);
		this.emit('terminal', record);
		this.pump();
	}

	isTerminal(record) {
		return record.status === 'completed' || record.status === 'failed';
	}

	/** Force completion now. Returns false if unknown or already terminal. */
	complete(id) {
		const r = this.records.get(id);
		if (!r || this.isTerminal(r)) return false;
		this._terminal(r, 'completed', null);
		return true;
	}

	/** Force failure now with {code, message, detail} (defaults: 40119 "Video is too long"). */
	fail(id, err = {}) {
		const r = this.records.get(id);
		if (!r || this.isTerminal(r)) return false;
		const e = {
			code: err.code ?? TOO_LONG.code,
			message: err.message ?? TOO_LONG.message,
			detail: err.detail ?? err.message ?? TOO_LONG.detail,
		};
		this._terminal(r, 'failed', e);
		return true;
	}

	/** Make the render stay processing forever (it still goes through pending and takes a slot). */
	stick(id) {
		const r = this.records.get(id);
		if (!r || this.isTerminal(r)) return false;
		r.outcome = 'stuck';
		if (r.status === 'processing') this._clearTimer(r.id);
		this._changed(r, 'stuck');
		return true;
	}

	clear() {
		for (const t of this.timers.values()) clearTimeout(t);
		this.timers.clear();
		this.waitQueue.length = 0;
		this.processing.clear();
		this.records.clear();
	}
}

module.exports = { RenderEngine, TOO_LONG };
