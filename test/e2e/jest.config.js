// Real n8n end-to-end tests (`npm run test:e2e`): slow, one file, run in band.
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 300_000,
	maxWorkers: 1,
	reporters: ['default', ['<rootDir>/test/helpers/summaryReporter.js', { name: 'e2e' }]],
};
