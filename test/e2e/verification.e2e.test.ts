/**
 * n8n's own verification scanner (`@n8n/scan-community-package`, the check n8n runs before it
 * lists a community package as verified) passes on this repository's node and credential
 * sources and on the packed tarball. The provenance and download steps of the real scan need
 * a published version; what they lead to, the lint of source and tarball, runs here as is.
 * A copy with one forbidden line in each shows that the scan does look.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { scanPackage } from './harness/scanner';
import { packTarball, REPO_ROOT } from './packTarball';

let work: string;
let unpacked: string;

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'runbase-verify-'));
	const tarball = packTarball();
	unpacked = path.join(work, 'tarball');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	rmSync(path.dirname(tarball), { recursive: true, force: true });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test("n8n's verification scanner finds nothing in the sources or the tarball", async () => {
	const { source, tarball } = await scanPackage({ sourceDir: REPO_ROOT, packageDir: unpacked });
	expect({ passed: source.passed, details: source.details }).toEqual({ passed: true, details: undefined });
	expect({ passed: tarball.passed, details: tarball.details }).toEqual({ passed: true, details: undefined });
});

test('the scanner does look: a timer in a node source and a console call in the tarball fail it', async () => {
	const source = path.join(work, 'source');
	for (const entry of ['package.json', 'nodes', 'credentials']) cpSync(path.join(REPO_ROOT, entry), path.join(source, entry), { recursive: true });
	appendFileSync(path.join(source, 'nodes', 'NanoBanana', 'helpers', 'wait.ts'), '\nsetTimeout(() => undefined, 5);\n');
	const tarball = path.join(work, 'tarball-changed');
	cpSync(unpacked, tarball, { recursive: true });
	appendFileSync(path.join(tarball, 'dist', 'nodes', 'NanoBanana', 'helpers', 'wait.js'), "\nconsole.log('leak');\n");

	const result = await scanPackage({ sourceDir: source, packageDir: tarball });
	expect(result.source.passed).toBe(false);
	expect(result.source.details).toContain('no-restricted-globals');
	expect(result.tarball.passed).toBe(false);
	expect(result.tarball.details).toContain('no-console');
});
