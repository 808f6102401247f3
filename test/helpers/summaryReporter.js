// Writes jest's totals to .test-results/<name>.json so .ci/run can print one summary line.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
	constructor(globalConfig, options = {}) {
		this.file = path.join(globalConfig.rootDir, '.test-results', `${options.name || 'unit'}.json`);
	}

	onRunComplete(_contexts, results) {
		fs.mkdirSync(path.dirname(this.file), { recursive: true });
		const { numPassedTests, numFailedTests, numPendingTests, numTotalTests, success } = results;
		fs.writeFileSync(
			this.file,
			JSON.stringify({ numPassedTests, numFailedTests, numPendingTests, numTotalTests, success }, null, 2),
		);
	}
}

module.exports = SummaryReporter;
