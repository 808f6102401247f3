/** The e2e harness finds n8n's install from its own folder: it is loaded from the source tree, not from `.bench`. */
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fromSourceTree = <Module>(file: string) => require(path.join(REPO_ROOT, file)) as Module;

export const n8n = fromSourceTree<typeof import('../e2e/n8n')>('test/e2e/n8n.js');
export const { packTarball } = fromSourceTree<typeof import('../e2e/packTarball')>('test/e2e/packTarball.js');
export const { QueueModeCluster } = fromSourceTree<typeof import('../e2e/harness/queueMode')>('test/e2e/harness/queueMode.js');
