/** The custom-folder install routes on the pinned n8n 2.x: see installRoutes.ts. */
import { describeCustomInstallRoutes } from './installRoutes';

describeCustomInstallRoutes('2.x');
