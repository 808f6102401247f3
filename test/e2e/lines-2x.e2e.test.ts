/**
 * The pinned n8n 2.x (test/e2e/runtime) passes the checks of every line: see lineSuite.ts.
 * The 1.x line runs in lines-1x.e2e.test.ts, in another jest worker.
 */
import { describeN8nLine } from './lineSuite';

describeN8nLine('2.x');
