const { src, dest, parallel } = require('gulp');

// tsc compiles the code; icons and the node's codex file (NanoBanana.node.json) are copied as they are.
function copyAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

// The package entry point ships inside dist/, so the tarball holds nothing outside it.
function copyEntryPoint() {
	return src('index.js').pipe(dest('dist'));
}

exports['build:icons'] = parallel(copyAssets, copyEntryPoint);
