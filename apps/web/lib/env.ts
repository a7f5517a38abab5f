import { configSchema } from '@fanout/contracts';

type Env = Record<string, string | undefined>;

/**
 * The few server-side settings the dashboard reads, validated with the API's own rules
 * (libs/contracts `configSchema`). Read per call, never inlined at build time, so `next start`
 * honours whatever API_PORT / RTMP_PORT / PUBLIC_HOST the process is started with.
 */
function read<T>(
  name: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } },
  env: Env,
): T {
  const raw = env[name];
  const value = raw === undefined || raw.trim() === '' ? undefined : raw;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(`Invalid ${name}: ${result.error.issues[0]?.message ?? 'invalid value'}`);
  }
  return result.data;
}

const { API_PORT, API_INTERNAL_URL, HOST, RTMP_PORT, PUBLIC_HOST } = configSchema.shape;

/**
 * Where the API listens: API_INTERNAL_URL when set (separate containers), otherwise the same
 * machine as the dashboard, bound to HOST: loopback when that is a wildcard (the default
 * `0.0.0.0`), else that address.
 */
export function apiOrigin(env: Env = process.env): string {
  const internal = read('API_INTERNAL_URL', API_INTERNAL_URL, env);
  if (internal) return internal.replace(/\/+$/, '');
  const bind = read('HOST', HOST, env);
  const host = bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '[::1]' : bind.includes(':') ? `[${bind}]` : bind;
  return `http://${host}:${read('API_PORT', API_PORT, env)}`;
}

export function rtmpPort(env: Env = process.env): number {
  return read('RTMP_PORT', RTMP_PORT, env);
}

export function publicHost(env: Env = process.env): string | undefined {
  return read('PUBLIC_HOST', PUBLIC_HOST, env);
}
