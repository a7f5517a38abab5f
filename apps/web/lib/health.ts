import { healthSchema, type Health } from '@fanout/contracts';
import { ApiRequestError, apiRequest, type ApiRequestOptions } from './api';
import { apiPaths } from './api-paths';

export type HealthResult = { status: 'ok'; health: Health } | { status: 'error'; message: string };

/**
 * `GET /api/health`. A degraded API may answer 503 with the report in the body: that is
 * still a report worth showing (which component is down), not an error.
 */
export async function loadHealth(
  request: (path: string, options: ApiRequestOptions<Health>) => Promise<Health> = apiRequest,
  options: ApiRequestOptions<Health> = {},
): Promise<HealthResult> {
  try {
    return { status: 'ok', health: await request(apiPaths.health(), { ...options, schema: healthSchema }) };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    const report = healthSchema.safeParse(error.body);
    if (report.success) return { status: 'ok', health: report.data };
    return { status: 'error', message: error.message };
  }
}
