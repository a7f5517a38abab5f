import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '@fanout/contracts';
import { PrismaService } from '../src/database/prisma.service';
import { PasswordHasher } from '../src/auth/password-hasher';
import { startTestApi, type TestApi } from './support/api';

describe('API process', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ ADMIN_EMAIL: 'Owner@Example.com', ADMIN_PASSWORD: 'correct horse battery' });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('reports the database and the RTMP listener as up on GET /api/health', async () => {
    const res = await fetch(`${api.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const health = healthSchema.parse(await res.json());
    expect(health).toMatchObject({
      status: 'ok',
      database: { status: 'ok', embedded: true },
      rtmp: { status: 'ok', port: api.rtmpPort, connections: 0 },
    });
  });

  it('creates the owner from ADMIN_EMAIL with an argon2id password hash', async () => {
    const prisma = api.app.get(PrismaService);
    const users = await prisma.client.user.findMany({ omit: { passwordHash: false } });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: 'owner@example.com', role: 'owner' });
    expect(users[0]!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await api.app.get(PasswordHasher).verify(users[0]!.passwordHash, 'correct horse battery')).toBe(true);
    expect(await api.app.get(PasswordHasher).verify(users[0]!.passwordHash, 'wrong')).toBe(false);
  });

  it('never selects secret columns by default', async () => {
    const prisma = api.app.get(PrismaService);
    const user = await prisma.client.user.findFirstOrThrow();
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('answers unknown routes with a JSON 404 body', async () => {
    const res = await fetch(`${api.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('logs structured JSON and never the admin password', () => {
    expect(api.logs.length).toBeGreaterThan(0);
    for (const line of api.logs) expect(() => JSON.parse(line)).not.toThrow();
    expect(api.logs.join('\n')).not.toContain('correct horse battery');
  });

  it('reports 503 with the database down when it stops answering', async () => {
    await api.runtime.database.stop();
    const res = await fetch(`${api.url}/api/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', database: { status: 'down' }, rtmp: { status: 'ok' } });
  });
});

describe('owner bootstrap on restart', () => {
  it('does not create another owner once a user exists', async () => {
    const first = await startTestApi({ ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD: 'first password!' });
    const dataDir = first.dataDir;
    await first.close();
    const second = await startTestApi({ ADMIN_EMAIL: 'second@example.com', ADMIN_PASSWORD: 'second password' }, dataDir);
    try {
      const emails = (await second.app.get(PrismaService).client.user.findMany()).map((u) => u.email);
      expect(emails).toEqual(['first@example.com']);
    } finally {
      await second.dispose();
      const { rm } = await import('node:fs/promises');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
