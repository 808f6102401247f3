/** The models, their aspect ratios, resolutions and reference limits: helpers/models.ts. */

export const DEFAULT_BASE_URL = 'https://runbase.net/api/v1';
export const DASHBOARD_URL = 'https://runbase.net/dashboard';

/** Documented limit: 20 requests per 10 seconds per key, creates and polls together. */
export const RATE_LIMIT_WINDOW_MS = 10_000;
export const DEFAULT_REQUESTS_PER_WINDOW = 20;

/** Documented generation time of Nano Banana is 5 to 9 s with a median near 7 s; other models scale from it (helpers/models.ts). */
export const DEFAULT_FIRST_CHECK_SECONDS = 7;

/** Long runs are checked less and less often, up to this interval. */
export const SLOWEST_POLL_MS = 10_000;
