/**
 * The pinned n8n 1.123.x (test/e2e/runtime-1x) passes the checks of every line: see lineSuite.ts.
 * The 2.x line runs in lines-2x.e2e.test.ts, in another jest worker.
 */
import { describeN8nLine } from './lineSuite';

describeN8nLine('1.x');
