import { z } from 'zod';
import { apiErrorSchema, WEBHOOK_EVENT_TYPES, WEBHOOK_PING, webhookEventSchema } from '@fanout/contracts';
import { PROMETHEUS_ROUTE, ROUTES, type NamedSchema, type RouteDoc } from './routes';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  /** What Fanout sends to webhook endpoints (OpenAPI 3.1 `webhooks`), one entry per event type. */
  webhooks: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
  tags: { name: string }[];
}

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema; requests as input, responses as output. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const result = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  delete result.$schema;
  return result;
}

/** `/api/streams/:id` → `/api/streams/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ERROR_STATUSES: Record<number, string> = {
  400: 'VALIDATION_FAILED or BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN or CSRF_ORIGIN_MISMATCH',
  404: 'NOT_FOUND (also for a resource the user may not see)',
};

function operation(route: RouteDoc, schemas: Record<string, JsonSchema>): Record<string, unknown> {
  const add = (named: NamedSchema, io: 'input' | 'output') => {
    schemas[named.name] ??= jsonSchema(named.schema, io);
    return ref(named.name);
  };
  const parameters: Record<string, unknown>[] = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }));
  if (route.query) {
    add(route.query, 'input');
    const query = jsonSchema(route.query.schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  const responses: Record<string, unknown> = {};
  responses[String(route.status)] = route.response
    ? { description: route.summary, content: { [route.contentType ?? 'application/json']: { schema: add(route.response, 'output') } } }
    : { description: 'No content.' };
  const errors = [400, ...(route.auth === 'public' ? [] : [401]), ...(Array.isArray(route.auth) ? [403] : []), ...(route.path.includes(':') ? [404] : [])];
  if (route.path.startsWith('/api/')) {
    for (const status of errors) responses[String(status)] = { description: ERROR_STATUSES[status], content: { 'application/json': { schema: ref('ApiError') } } };
  }
  const op: Record<string, unknown> = {
    operationId: `${route.method}${route.path.replace(/^\/api/, '').replace(/[/:-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: add(route.body, 'input') } } } } : {}),
    responses,
    // Public routes need no credentials; the rest take the session cookie or a bearer API token.
    security: route.auth === 'public' ? [] : [{ sessionCookie: [] }, { bearerToken: [] }],
  };
  if (Array.isArray(route.auth)) op['x-fanout-roles'] = [...route.auth];
  return op;
}

const WEBHOOK_HEADERS = [
  { name: 'webhook-id', description: 'The event id (also `id` in the body): the same on every retry and redelivery; use it to process each event once.' },
  { name: 'webhook-timestamp', description: 'Unix seconds of this attempt; refuse ones too far from your clock (e.g. 5 minutes).' },
  {
    name: 'webhook-signature',
    description:
      'Space-separated `v1,<base64>` signatures: HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` keyed with the base64-decoded part of the secret after `whsec_`. Two during the day after a rotation; accept the request if any matches (compare in constant time).',
  },
];

/** One `webhooks` entry per event type: the POST Fanout makes, its headers and body. */
function webhookOperations(schemas: Record<string, JsonSchema>): OpenApiDocument['webhooks'] {
  schemas['WebhookEvent'] ??= jsonSchema(webhookEventSchema, 'output');
  const entries: OpenApiDocument['webhooks'] = {};
  for (const type of [...WEBHOOK_EVENT_TYPES, WEBHOOK_PING]) {
    entries[type] = {
      post: {
        operationId: `webhook${type.replace(/(^|[._])([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase())}`,
        summary: type === WEBHOOK_PING ? 'Sent by POST /api/webhooks/{id}/test.' : `The \`${type}\` event, to every enabled endpoint subscribed to it.`,
        tags: ['webhooks'],
        parameters: WEBHOOK_HEADERS.map((h) => ({ ...h, in: 'header', required: true, schema: { type: 'string' } })),
        requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookEvent') } } },
        responses: { '200': { description: 'Any 2xx is a success; anything else (a 3xx too: redirects are not followed), a timeout or a refused connection is retried with backoff for about a day.' } },
        security: [],
      },
    };
  }
  return entries;
}

/** The OpenAPI 3.1 document of the API, generated from the route table and the contracts' zod schemas. */
export function buildOpenApiDocument(version: string, routes: readonly RouteDoc[] = [...ROUTES, PROMETHEUS_ROUTE]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { ApiError: jsonSchema(apiErrorSchema, 'output') };
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operation(route, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fanout API',
      version,
      description: 'Self-hosted multistream restreaming. Sign in for a session cookie (changes need a same-origin Origin header) or send `Authorization: Bearer <API token>`.',
    },
    paths,
    webhooks: webhookOperations(schemas),
    components: {
      schemas,
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'fanout_session' },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token from POST /api/tokens.' },
      },
    },
    security: [{ sessionCookie: [] }, { bearerToken: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
  };
}
