// Unit and engine tests (`npm test`). The real-n8n end-to-end tests have their own config in e2e/.
module.exports = {
	rootDir: '..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 60_000,
	// The suites mostly wait on timers and the simulator: more workers than cores still shortens CI.
	maxWorkers: 4,
	reporters: ['default', ['<rootDir>/test/helpers/summaryReporter.js', { name: 'unit' }]],
};
