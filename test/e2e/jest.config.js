// Real n8n end-to-end tests (`npm run test:e2e`): slow. Two workers: each file starts its own
// n8n (an execution ~560 MB, a cold install's npm ~4 GB), and the two pinned lines (2.x, 1.x)
// install and run side by side on a cold cache (lines-2x / lines-1x.e2e.test.ts).
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 300_000,
	maxWorkers: 2,
	// lines-1x first, so a cold cache installs n8n 1.x and 2.x side by side
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
	reporters: ['default', ['<rootDir>/test/helpers/summaryReporter.js', { name: 'e2e' }]],
};
