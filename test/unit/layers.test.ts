/**
 * The shape the code keeps: imports point one way (actions → lifecycle →
 * transport → helpers), and no source file grows past 250 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_DIR = path.join(ROOT, 'nodes', 'NanoBanana');

function files(dir: string, accept: (file: string) => boolean): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : files(full, accept);
		return accept(full) ? [full] : [];
	});
}

/** The layer folder each relative import of a file in `layer` reaches. */
function importedLayers(layer: string): Array<{ file: string; target: string }> {
	return files(path.join(NODE_DIR, layer), (file) => file.endsWith('.ts')).flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((match) => ({
			file: path.relative(NODE_DIR, file),
			target: path.relative(NODE_DIR, path.resolve(path.dirname(file), match[1])).split(path.sep)[0],
		})),
	);
}

test.each([
	['helpers', ['transport', 'lifecycle', 'actions']],
	['transport', ['lifecycle', 'actions']],
	['lifecycle', ['actions']],
])('%s imports nothing from the layers above it', (layer, forbidden) => {
	const wrong = importedLayers(layer).filter(({ target }) => forbidden.includes(target));
	expect(wrong).toEqual([]);
});

test('no source file outside the simulator is over 250 lines', () => {
	const sources = [
		...files(path.join(ROOT, 'nodes'), (file) => /\.ts$/.test(file)),
		...files(path.join(ROOT, 'credentials'), (file) => /\.ts$/.test(file)),
		...files(path.join(ROOT, 'test'), (file) => /\.(ts|js)$/.test(file) && !file.includes(`${path.sep}simulator`)),
	];
	const long = sources
		.map((file) => ({ file: path.relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length }))
		.filter(({ lines }) => lines > 250);
	expect(long).toEqual([]);
});
