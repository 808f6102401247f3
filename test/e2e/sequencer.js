// @ts-check
'use strict';
/**
 * Jest's order, with the files that run a non-default n8n line (*-1x) moved first. Each
 * pinned line installs on first use (several minutes on a cold cache). Jest otherwise puts
 * the small lines-1x file last, so n8n 1.x would install only after 2.x; first, it installs in
 * one worker while the other worker's first file installs 2.x.
 */
const Sequencer = require('@jest/test-sequencer').default;

const OTHER_LINES = /-1x\.e2e\.test\.ts$/;

class E2eSequencer extends Sequencer {
	/** @param {import('@jest/test-result').Test[]} tests */
	sort(tests) {
		const sorted = /** @type {import('@jest/test-result').Test[]} */ (super.sort(tests));
		return [...sorted.filter((test) => OTHER_LINES.test(test.path)), ...sorted.filter((test) => !OTHER_LINES.test(test.path))];
	}
}

module.exports = E2eSequencer;
