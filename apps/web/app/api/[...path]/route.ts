import { proxyToApi } from '@/lib/api-proxy';

// Every `/api/*` request reaches the API at request time; nothing here is prerendered or cached.
export const dynamic = 'force-dynamic';

export const GET = proxyToApi;
export const HEAD = proxyToApi;
export const POST = proxyToApi;
export const PUT = proxyToApi;
export const PATCH = proxyToApi;
export const DELETE = proxyToApi;
export const OPTIONS = proxyToApi;
