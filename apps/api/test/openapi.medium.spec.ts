import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { NestContainer } from '@nestjs/core';
import { IS_PUBLIC, ROLES } from '../src/auth/decorators';
import { WEBHOOK_EVENT_TYPES } from '@fanout/contracts';
import { ROUTES, type RouteAuth } from '../src/openapi/routes';
import { startTestApi, type TestApi } from './support/api';

interface MappedRoute {
  method: string;
  path: string;
  auth: RouteAuth;
}

const joinPath = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;

/** Every route Nest mapped, read from the controllers' own metadata (what Nest itself reads). */
function mappedRoutes(api: TestApi): MappedRoute[] {
  const container = (api.app as unknown as { container: NestContainer }).container;
  const routes: MappedRoute[] = [];
  for (const module of container.getModules().values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const isPublic = (Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller)) === true;
        const roles = (Reflect.getMetadata(ROLES, handler) ?? Reflect.getMetadata(ROLES, controller)) as RouteAuth | undefined;
        for (const prefix of prefixes) {
          for (const path of [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat()) {
            routes.push({ method: RequestMethod[method].toLowerCase(), path: joinPath('api', prefix ?? '', path ?? ''), auth: isPublic ? 'public' : (roles ?? 'user') });
          }
        }
      }
    }
  }
  return routes;
}

describe('OpenAPI document', () => {
  let api: TestApi;
  let document: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    api = await startTestApi();
    const res = await fetch(`${api.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    document = (await res.json()) as Record<string, unknown>;
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('lists every route Nest maps under /api, with the same auth, and nothing Nest does not map', () => {
    const mapped = mappedRoutes(api);
    expect(mapped.length).toBeGreaterThanOrEqual(30);
    const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
    expect(mapped.map(key).sort()).toEqual(ROUTES.map(key).sort());
    for (const route of mapped) {
      expect(ROUTES.find((r) => key(r) === key(route))?.auth, key(route)).toEqual(route.auth);
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect(operation, key(route)).toBeDefined();
      expect(operation.security, key(route)).toEqual(route.auth === 'public' ? [] : [{ sessionCookie: [] }, { bearerToken: [] }]);
    }
  });

  it('documents what Fanout sends to webhook endpoints: one entry per event type, the signature headers and the body', () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, 'ping'].sort());
    const live = document.webhooks['stream.live'].post;
    expect(live.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['header:webhook-id', 'header:webhook-timestamp', 'header:webhook-signature']);
    expect(live.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/WebhookEvent' });
    expect(document.components.schemas.WebhookEvent.required).toEqual(expect.arrayContaining(['id', 'type', 'timestamp', 'data']));
    expect(document.components.schemas.CreatedWebhookEndpoint.required).toContain('secret');
    expect(document.components.schemas.WebhookEndpoint.properties).not.toHaveProperty('secret');
    expect(document.components.schemas.CreateWebhookRequest.properties.events.items.enum).toEqual([...WEBHOOK_EVENT_TYPES]);
  });

  it('documents /metrics outside the /api prefix', () => {
    expect(document.paths['/metrics'].get.responses['200'].content).toHaveProperty(['text/plain; version=0.0.4']);
  });

  it('is an OpenAPI 3.1 document in shape: info, unique operation ids, declared path parameters, resolvable refs', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: 'Fanout API', version: expect.any(String) });
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(path.startsWith('/'), path).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']).toContain(method);
        expect(typeof op.operationId).toBe('string');
        expect(operationIds.has(op.operationId), op.operationId).toBe(false);
        operationIds.add(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const status of Object.keys(op.responses)) expect(status).toMatch(/^[1-5]\d\d$/);
        const declared = ((op.parameters ?? []) as { name: string; in: string; required: boolean }[]).filter((p) => p.in === 'path');
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(templated.sort());
        for (const p of declared) expect(p.required).toBe(true);
      }
    }
    const text = JSON.stringify(document);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(document.components.schemas, name).toHaveProperty([name!]);
    expect(text).not.toContain('"$schema"');
    for (const scheme of ['sessionCookie', 'bearerToken']) expect(document.components.securitySchemes).toHaveProperty([scheme]);
  });

  it('generates the schemas from the contracts: request bodies as input, responses as output', () => {
    const schemas = document.components.schemas;
    expect(schemas.LoginRequest).toMatchObject({ type: 'object', required: expect.arrayContaining(['email', 'password']), additionalProperties: false });
    expect(schemas.StreamStatus.properties.ingest.properties.state).toEqual({ type: 'string', enum: ['idle', 'live'] });
    expect(schemas.MetricsSeries.required).toEqual(expect.arrayContaining(['from', 'to', 'resolutionS', 'ingest', 'destinations']));
    const metrics = document.paths['/api/streams/{id}/metrics'].get;
    expect(metrics.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:from', 'query:to']);
    expect(document.paths['/api/streams/{id}/events'].get.responses['200'].content).toHaveProperty(['text/event-stream']);
  });
});
