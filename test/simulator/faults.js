'use strict';
// Fault switches: one-shot counters, seeded random poll faults, per-URL download faults.
const { mulberry32 } = require('./prng');

// Switches that count down and disappear; `on` defaults per switch.
const ONE_SHOT_DEFAULT_ON = {
	burst429: 'any',
	forceError: 'create',
	dropConnections: 'any',
	stall: 'poll',
	malformedJson: 'poll',
	unknownStatus: 'poll',
};

function matches(on, kind) {
	return on === kind || (on === 'any' && (kind === 'create' || kind === 'poll'));
}

class Faults {
	constructor(seed) {
		this.reset(seed);
	}

	reset(seed) {
		this.oneShot = {};
		this.downloadAttempts = new Map();
		this.reseed(seed);
	}

	reseed(seed) {
		this.random = mulberry32(seed);
	}

	/** Arms the one-shot switches present in `partial` (null disarms). */
	arm(partial) {
		for (const name of Object.keys(ONE_SHOT_DEFAULT_ON)) {
			if (!(name in partial)) continue;
			const spec = partial[name];
			this.oneShot[name] = spec ? { ...spec, remaining: spec.count ?? 1 } : null;
		}
	}

	/** Consumes one shot of `name` if it applies to this request kind (and `when` agrees). */
	take(name, kind, when) {
		const spec = this.oneShot[name];
		if (!spec || spec.remaining <= 0) return null;
		if (!matches(spec.on ?? ONE_SHOT_DEFAULT_ON[name], kind)) return null;
		if (when && !when(spec)) return null;
		spec.remaining--;
		return spec;
	}

	/** @returns {number | null} status to answer instead of the real poll */
	pollFault(spec) {
		if (!spec || !(spec.rate > 0)) return null;
		if (this.random() >= spec.rate) return null;
		const statuses = spec.statuses && spec.statuses.length ? spec.statuses : [500, 502, 503];
		return statuses[Math.floor(this.random() * statuses.length)];
	}

	/** Per-URL: the first dropFirst attempts drop, the next failFirst attempts fail. */
	downloadFault(path, spec) {
		if (!spec) return null;
		const attempt = (this.downloadAttempts.get(path) || 0) + 1;
		this.downloadAttempts.set(path, attempt);
		const dropFirst = spec.dropFirst || 0;
		if (attempt <= dropFirst) return { drop: true };
		if (attempt <= dropFirst + (spec.failFirst || 0)) return { status: spec.status || 500 };
		return null;
	}
}

/**
 * Sliding window per API key over creates and polls.
 * Lenient (default): a refused request uses no budget.
 * Strict (`countRejected: true`): every request that reaches the limiter counts, refused
 * ones too, as many gateways do; a client that keeps retrying at the limit stays limited.
 */
class RateLimiter {
	constructor() {
		this.hits = new Map();
	}

	reset() {
		this.hits.clear();
	}

	/** @returns {null | number} null when allowed, else seconds until the window has room again */
	check(key, { requests = 20, windowMs = 10000, countRejected = false }) {
		const now = Date.now();
		const recent = (this.hits.get(key) || []).filter((t) => t > now - windowMs);
		this.hits.set(key, recent);
		if (recent.length >= requests) {
			// A strict limiter counts this refused request too, so it is in the window before the
			// answer says when the window has room: once all but requests-1 counted hits have aged out.
			if (countRejected) recent.push(now);
			const freeAt = recent[recent.length - requests] + windowMs;
			return Math.max(1, Math.ceil((freeAt - now) / 1000));
		}
		recent.push(now);
		return null;
	}

	/** Requests counted in the key's current window. */
	inWindow(key, windowMs = 10000) {
		const now = Date.now();
		return (this.hits.get(key) || []).filter((t) => t > now - windowMs).length;
	}
}

module.exports = { Faults, RateLimiter, matches, ONE_SHOT: Object.keys(ONE_SHOT_DEFAULT_ON) };
