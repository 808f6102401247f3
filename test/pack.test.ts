/**
 * What n8n's verification looks at in the published package: the packed file
 * list, the `n8n` section pointing at files that exist, icons, no runtime
 * dependencies, and no lint rule switched off. Needs `npm run build` first
 * (`npm test` builds before it runs jest).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

function packedFiles(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	return (JSON.parse(output)[0].files as Array<{ path: string }>).map((file) => file.path).sort();
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		return statSync(full).isDirectory() ? sourceFiles(full) : [full];
	});
}

const files = packedFiles();

test('the tarball holds only dist/, README.md, LICENSE and package.json', () => {
	const outside = files.filter(
		(file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(file),
	);
	expect(outside).toEqual([]);
	expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
	expect(files.some((file) => file.startsWith('dist/test') || file.includes('.test.'))).toBe(false);
});

test('every file the n8n section names is in the tarball, with its icons and codex', () => {
	const referenced: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	expect(referenced.length).toBe(2);
	for (const file of referenced) expect(files).toContain(file);
	for (const icon of [
		'dist/nodes/NanoBanana/nanoBanana.svg',
		'dist/nodes/NanoBanana/nanoBanana.dark.svg',
		'dist/credentials/runbase.svg',
		'dist/credentials/runbase.dark.svg',
		'dist/nodes/NanoBanana/NanoBanana.node.json',
	]) {
		expect(files).toContain(icon);
	}
});

test('the built node and credential load and point at icons that exist', () => {
	const { NanoBanana } = require(path.join(root, pkg.n8n.nodes[0]));
	const { RunbaseApi } = require(path.join(root, pkg.n8n.credentials[0]));
	const node = new NanoBanana();
	const credential = new RunbaseApi();
	expect(node.description.usableAsTool).toBe(true);
	expect(node.description.credentials).toEqual([{ name: credential.name, required: true }]);
	// The test is declared on the credential, so n8n runs it whichever loader found the package.
	expect(credential.test.request.url).toBe('/runs/run_n8n_credential_check');
	expect(typeof credential.authenticate).toBe('function');
	const icons = [
		[node.description.icon, 'dist/nodes/NanoBanana'],
		[credential.icon, 'dist/credentials'],
	] as const;
	for (const [icon, dir] of icons) {
		for (const file of [icon.light, icon.dark]) {
			expect(files).toContain(`${dir}/${file.replace('file:', '')}`);
		}
	}
});

test('no runtime dependencies, n8n-workflow only as a peer, no install scripts', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	for (const script of ['prepare', 'preinstall', 'install', 'postinstall']) {
		expect(pkg.scripts[script]).toBeUndefined();
	}
	// The one dependency npm may run an install script for: `node`, which fetches the Node 24 toolchain.
	expect(pkg.allowScripts).toEqual({ node: true });
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.license).toBe('MIT');
});

test('no lint rule is switched off inside the package code', () => {
	const code = [...sourceFiles(path.join(root, 'nodes')), ...sourceFiles(path.join(root, 'credentials'))];
	const disabling = code.filter((file) => /eslint-disable/.test(readFileSync(file, 'utf8')));
	expect(disabling).toEqual([]);
	const config = readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
	expect(config).not.toMatch(/['"]off['"]|:\s*0\b/);
});
