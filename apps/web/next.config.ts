import type { NextConfig } from 'next';

/**
 * `/api/*` is proxied to the API by the route handler in `app/api/[...path]/route.ts`,
 * not by `rewrites`: rewrites are resolved when `next build` runs, so an API_PORT given
 * only to `next start` would be ignored. The route handler reads API_PORT per request.
 */
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default nextConfig;
