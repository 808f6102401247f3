/** The custom-folder install routes on the pinned n8n 1.123.x: see installRoutes.ts. */
import { describeCustomInstallRoutes } from './installRoutes';

describeCustomInstallRoutes('1.x');
