import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { Secrets } from '../crypto/secrets';
import { OutboxSignal, type WebhookOutbox } from './webhook-outbox';
import type { DeliveryRow, EndpointChanges, EndpointRow, WebhooksRepository } from './webhooks.repository';
import { PREVIOUS_SECRET_VALID_MS, WebhooksService } from './webhooks.service';

const ADMIN: User = { id: 'u-admin', email: 'admin@example.com', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' };
const DEMOTED: User = { ...ADMIN, id: 'u-member', role: 'member' };
const W = '00000000-0000-4000-8000-0000000000aa';

function row(overrides: Partial<EndpointRow> = {}): EndpointRow {
  return {
    id: W,
    url: 'https://hooks.example/in?token=abc',
    description: '',
    events: ['stream.live'],
    enabled: true,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastError: null,
    consecutiveFailures: 0,
    createdAt: new Date('2026-12-03T10:00:00.000Z'),
    updatedAt: new Date('2026-12-03T10:00:00.000Z'),
    pending: 0,
    ...overrides,
  };
}

function setUp(options: { allowPrivate?: boolean; existing?: EndpointRow | null } = {}) {
  const secrets = new Secrets(Buffer.alloc(32, 7));
  const clock = new FakeClock(Date.parse('2026-12-03T10:00:00.000Z'));
  const created: Parameters<WebhooksRepository['create']>[0][] = [];
  const updates: EndpointChanges[] = [];
  const rotations: unknown[][] = [];
  const audits: unknown[][] = [];
  let notified = 0;
  const existing = options.existing === undefined ? row() : options.existing;
  const repository = strictFake<WebhooksRepository>('WebhooksRepository', {
    create: async (data) => {
      created.push(data);
      return row({ url: data.url, events: data.events, description: data.description, enabled: data.enabled });
    },
    find: async () => existing,
    update: async (_id, changes) => {
      updates.push(changes);
      return row({ ...existing, ...changes });
    },
    secret: async () => (existing ? 'v1.old.secret.ciphertext' : null),
    rotate: async (...args) => {
      rotations.push(args);
      return true;
    },
    delivery: async (id) => ({ id, endpointId: W, eventId: 'e1' }) as DeliveryRow,
    redeliver: async () => ({ id: 'd2', endpointId: W, eventId: 'e1', eventType: 'stream.live', streamId: null, trigger: 'redeliver', status: 'pending', attempts: 0, lastAttemptAt: null, statusCode: null, latencyMs: null, error: null, response: null, nextAttemptAt: new Date(), deliveredAt: null, createdAt: new Date() }),
  });
  const audit = strictFake<AuditService>('AuditService', { record: async (...args) => void audits.push(args) });
  const signal = new OutboxSignal();
  signal.listen(() => notified++);
  const service = new WebhooksService(
    repository,
    strictFake<WebhookOutbox>('WebhookOutbox', {}),
    signal,
    secrets,
    audit,
    clock,
    { ALLOW_PRIVATE_DESTINATIONS: options.allowPrivate ?? false, WEBHOOK_TIMEOUT_S: 10 },
    capturedLogger().logger,
  );
  return { service, secrets, created, updates, rotations, audits, notified: () => notified };
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: AppError) => ({ code: error.code, errors: error.errors }));

describe('WebhooksService', () => {
  it('creates with a fresh secret, stored encrypted, shown once; audits the host only', async () => {
    const t = setUp();
    const made = await t.service.create(ADMIN, { url: 'https://hooks.example/in?token=abc', events: ['stream.live'], description: '', enabled: true });
    expect(made.secret).toMatch(/^whsec_/);
    expect(t.created[0]!.urlSetById).toBe(ADMIN.id);
    expect(t.secrets.decrypt(t.created[0]!.secretCiphertext)).toBe(made.secret);
    expect(t.audits[0]).toEqual([ADMIN, 'webhook.create', { type: 'webhook', id: W }, { host: 'hooks.example:443', description: '', events: ['stream.live'], enabled: true }]);
  });

  it("judges a URL for whoever sets it: an admin's may be private (with a warning), a member's not unless ALLOW_PRIVATE_DESTINATIONS", async () => {
    const lan = { url: 'http://192.168.1.20:8123/hook', events: ['stream.live' as const], description: '', enabled: true };
    expect((await setUp().service.create(ADMIN, lan)).warnings).toEqual([expect.stringContaining('private network address'), expect.stringContaining('plain http')]);
    expect(await refusal(setUp().service.create(DEMOTED, lan))).toEqual({ code: 'VALIDATION_FAILED', errors: [{ path: 'url', message: expect.stringContaining('only owners and admins may send to private addresses') }] });
    expect(await refusal(setUp({ allowPrivate: true }).service.create(DEMOTED, lan))).toBeNull();
  });

  it('changes only what differs; a new URL is set by the caller and audited by host', async () => {
    const t = setUp();
    await t.service.update(ADMIN, W, { url: 'https://hooks.example/in?token=abc', events: ['stream.live'], enabled: true });
    expect(t.updates).toEqual([]);
    expect(t.audits).toEqual([]);
    await t.service.update(ADMIN, W, { url: 'https://other.example:8443/in' });
    expect(t.updates).toEqual([{ url: 'https://other.example:8443/in', urlSetById: ADMIN.id }]);
    expect(t.audits[0]![3]).toEqual({ previousHost: 'hooks.example:443', host: 'other.example:8443', changed: ['url'] });
  });

  it('wakes the worker when an endpoint is switched back on, and on a redelivery', async () => {
    const t = setUp({ existing: row({ enabled: false }) });
    await t.service.update(ADMIN, W, { enabled: true });
    expect(t.notified()).toBe(1);
    await t.service.redeliver(ADMIN, 'd1');
    expect(t.notified()).toBe(2);
  });

  it('rotates: the old ciphertext keeps signing for a day; an unknown endpoint is 404', async () => {
    const t = setUp();
    const rotated = await t.service.rotate(ADMIN, W);
    expect(rotated.previousSecretExpiresAt).toBe(new Date(Date.parse('2026-12-03T10:00:00.000Z') + PREVIOUS_SECRET_VALID_MS).toISOString());
    const [id, ciphertext, previous, expires] = t.rotations[0] as [string, string, string, Date];
    expect([id, previous, expires.toISOString()]).toEqual([W, 'v1.old.secret.ciphertext', rotated.previousSecretExpiresAt]);
    expect(t.secrets.decrypt(ciphertext)).toBe(rotated.secret);
    expect(t.audits[0]![1]).toBe('webhook.rotate-secret');
    expect(await refusal(setUp({ existing: null }).service.rotate(ADMIN, W))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
