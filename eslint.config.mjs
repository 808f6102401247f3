// n8n's own lint rules for community packages, exactly as `@n8n/node-cli` ships them.
import { config } from '@n8n/node-cli/eslint';

export default [
	{ ignores: ['dist/**', 'test/**', 'scripts/**', 'examples/**', 'coverage/**', 'output/**', '*.js', '*.mjs'] },
	...config,
];
