import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/auth.types';
import { PrismaService } from '../database/prisma.service';
import { orNullIfMissing } from '../common/prisma-errors';

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  createdAt: Date;
  updatedAt: Date;
  /** Deliveries waiting for their first attempt or a retry. */
  pending: number;
}

export interface EndpointChanges {
  url?: string;
  urlSetById?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  streamId: string | null;
  trigger: string;
  status: string;
  attempts: number;
  lastAttemptAt: Date | null;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  response: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** What a worker needs to send one claimed delivery. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  body: string;
  /** Counting this one. */
  attempts: number;
  url: string;
  secretCiphertext: string;
  /** Present while the previous secret still signs (a day after a rotation). */
  previousSecretCiphertext: string | null;
  /** Role of whoever set the URL; null once that account is gone. */
  urlSetByRole: Role | null;
}

/** A stream's name and its destinations' names and platforms, for event payloads. */
export interface StreamNames {
  streamName: string;
  destinations: Map<string, { name: string; platform: string }>;
}

/** How one attempt ended, for the delivery row and the endpoint's health. */
export type AttemptOutcome =
  | { kind: 'succeeded'; statusCode: number; latencyMs: number; response: string | null }
  /** `retryInMs` null: that was the last attempt, the delivery is given up. */
  | { kind: 'failed'; statusCode: number | null; latencyMs: number; error: string; response: string | null; retryInMs: number | null }
  /** Cut short by a shutdown: not counted, due again at once. */
  | { kind: 'interrupted' };

const ENDPOINT = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  lastSuccessAt: true,
  lastFailureAt: true,
  lastError: true,
  consecutiveFailures: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { deliveries: { where: { status: 'pending' } } } },
} as const;

const DELIVERY = {
  id: true,
  endpointId: true,
  eventId: true,
  trigger: true,
  status: true,
  attempts: true,
  lastAttemptAt: true,
  statusCode: true,
  latencyMs: true,
  error: true,
  response: true,
  nextAttemptAt: true,
  deliveredAt: true,
  createdAt: true,
  event: { select: { type: true, streamId: true } },
} as const;

type SelectedEndpoint = Omit<EndpointRow, 'pending'> & { _count: { deliveries: number } };
type SelectedDelivery = Omit<DeliveryRow, 'eventType' | 'streamId'> & { event: { type: string; streamId: string | null } };

const toEndpoint = ({ _count, ...row }: SelectedEndpoint): EndpointRow => ({ ...row, pending: _count.deliveries });
const toDelivery = ({ event, ...row }: SelectedDelivery): DeliveryRow => ({ ...row, eventType: event.type, streamId: event.streamId });

/** Serialises endpoint creation, so concurrent creates cannot both pass the count. */
const CREATE_LOCK = 72_616_016;

/**
 * Webhook endpoints and their deliveries: the questions the API and the delivery worker ask,
 * one query each. Secrets stay out of every answer except the worker's claim.
 */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(): Promise<EndpointRow[]> {
    return (await this.prisma.client.webhookEndpoint.findMany({ select: ENDPOINT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(toEndpoint);
  }

  async find(id: string): Promise<EndpointRow | null> {
    const row = await this.prisma.client.webhookEndpoint.findUnique({ where: { id }, select: ENDPOINT });
    return row ? toEndpoint(row) : null;
  }

  /** 'limit' when there are already `max` endpoints. */
  async create(data: { url: string; description: string; events: string[]; enabled: boolean; secretCiphertext: string; urlSetById: string }, max: number): Promise<EndpointRow | 'limit'> {
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREATE_LOCK}::bigint)`;
      if ((await tx.webhookEndpoint.count()) >= max) return 'limit';
      return toEndpoint(await tx.webhookEndpoint.create({ data, select: ENDPOINT }));
    });
  }

  /** Null when the endpoint is gone. */
  async update(id: string, data: EndpointChanges): Promise<EndpointRow | null> {
    const row = await orNullIfMissing(this.prisma.client.webhookEndpoint.update({ where: { id }, data, select: ENDPOINT }));
    return row ? toEndpoint(row) : null;
  }

  /** Its deliveries go with it (their events stay until retention). */
  async delete(id: string): Promise<boolean> {
    return (await this.prisma.client.webhookEndpoint.deleteMany({ where: { id } })).count > 0;
  }

  /** The current secret's ciphertext (for a rotation). */
  async secret(id: string): Promise<string | null> {
    return (await this.prisma.client.webhookEndpoint.findUnique({ where: { id }, select: { secretCiphertext: true } }))?.secretCiphertext ?? null;
  }

  /** New secret in, the old one kept (signing too) until `previousExpiresAt`. False when the endpoint is gone. */
  async rotate(id: string, secretCiphertext: string, previousSecretCiphertext: string, previousSecretExpiresAt: Date): Promise<boolean> {
    return (await this.prisma.client.webhookEndpoint.updateMany({ where: { id }, data: { secretCiphertext, previousSecretCiphertext, previousSecretExpiresAt } })).count > 0;
  }

  /** One endpoint's deliveries, newest first; `take` after the delivery `cursor` (exclusive). An unknown cursor yields nothing. */
  async deliveries(endpointId: string, take: number, cursor: string | undefined): Promise<DeliveryRow[]> {
    if (cursor !== undefined) {
      const at = await this.prisma.client.webhookDelivery.findFirst({ where: { id: cursor, endpointId }, select: { seq: true } });
      if (!at) return [];
      return (await this.prisma.client.webhookDelivery.findMany({ where: { endpointId, seq: { lt: at.seq } }, select: DELIVERY, orderBy: { seq: 'desc' }, take })).map(toDelivery);
    }
    return (await this.prisma.client.webhookDelivery.findMany({ where: { endpointId }, select: DELIVERY, orderBy: { seq: 'desc' }, take })).map(toDelivery);
  }

  async delivery(id: string): Promise<DeliveryRow | null> {
    const row = await this.prisma.client.webhookDelivery.findUnique({ where: { id }, select: DELIVERY });
    return row ? toDelivery(row) : null;
  }

  /**
   * A new delivery of the same event to the same endpoint (the same `webhook-id`), due now and
   * outside the per-stream order, so a manual redelivery never holds live events back.
   */
  async redeliver(delivery: { endpointId: string; eventId: string }): Promise<DeliveryRow | null> {
    return orNullIfMissing(
      this.prisma.client.webhookDelivery.create({ data: { endpointId: delivery.endpointId, eventId: delivery.eventId, trigger: 'redeliver', orderingKey: null }, select: DELIVERY }).then(toDelivery),
    );
  }

  /** Null when the stream is gone. */
  async namesForStream(streamId: string): Promise<StreamNames | null> {
    const row = await this.prisma.client.stream.findUnique({ where: { id: streamId }, select: { name: true, destinations: { select: { id: true, name: true, platform: true } } } });
    if (!row) return null;
    return { streamName: row.name, destinations: new Map(row.destinations.map((d) => [d.id, { name: d.name, platform: d.platform }])) };
  }

  /**
   * Enabled endpoints (or any, for tests and redeliveries) with deliveries due now, and how many
   * of their deliveries are being sent right now by any worker (leased), for the per-endpoint
   * concurrency bound.
   */
  dueEndpoints(): Promise<{ endpointId: string; busy: number }[]> {
    return this.prisma.client.$queryRaw<{ endpointId: string; busy: number }[]>`
      SELECT w.id AS "endpointId",
             (SELECT count(*)::int FROM webhook_deliveries b
               WHERE b.endpoint_id = w.id AND b.status = 'pending' AND b.leased_until > now()) AS busy
        FROM webhook_endpoints w
       WHERE EXISTS (SELECT 1 FROM webhook_deliveries d
                      WHERE d.endpoint_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
                        AND (d.leased_until IS NULL OR d.leased_until <= now())
                        AND (w.enabled OR d.trigger <> 'event'))`;
  }

  /**
   * Claims up to `limit` deliveries of one endpoint for this worker: due, not leased by anyone
   * (or their lease ran out: the worker that had them died), and each the oldest pending one of
   * its stream for this endpoint, so per-stream order holds whatever the concurrency. Rows are
   * locked `FOR UPDATE SKIP LOCKED` while claimed and then leased until `leaseMs` from now, so
   * two workers, on one node or several, never send the same delivery at once. The claim counts
   * the attempt.
   */
  claim(endpointId: string, limit: number, leaseToken: string, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.prisma.client.$queryRaw<ClaimedDelivery[]>`
      WITH picked AS (
        SELECT d.id FROM webhook_deliveries d
          JOIN webhook_endpoints w ON w.id = d.endpoint_id
         WHERE d.endpoint_id = ${endpointId}::uuid AND d.status = 'pending' AND d.next_attempt_at <= now()
           AND (d.leased_until IS NULL OR d.leased_until <= now())
           AND (w.enabled OR d.trigger <> 'event')
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                            WHERE e.endpoint_id = d.endpoint_id AND e.ordering_key = d.ordering_key
                              AND e.status = 'pending' AND e.seq < d.seq)
         ORDER BY d.seq
         LIMIT ${limit}
           FOR UPDATE OF d SKIP LOCKED
      )
      UPDATE webhook_deliveries d
         SET leased_until = now() + ${leaseMs} * interval '1 millisecond', lease_token = ${leaseToken}::uuid,
             attempts = d.attempts + 1, last_attempt_at = now()
        FROM picked, webhook_events ev, webhook_endpoints w
        LEFT JOIN users u ON u.id = w.url_set_by_id
       WHERE d.id = picked.id AND ev.id = d.event_id AND w.id = d.endpoint_id
      RETURNING d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", ev.body, d.attempts, w.url,
                w.secret_ciphertext AS "secretCiphertext",
                CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_ciphertext END AS "previousSecretCiphertext",
                u.role::text AS "urlSetByRole"`;
  }

  /**
   * Writes how a claimed attempt ended, and the endpoint's health, in one transaction. Only the
   * worker holding the lease may: a worker that lost it (it was too slow and another took over)
   * writes nothing. Returns whether the delivery row was this worker's.
   */
  async finish(delivery: { id: string; endpointId: string }, leaseToken: string, outcome: AttemptOutcome): Promise<boolean> {
    const { id, endpointId } = delivery;
    return this.prisma.client.$transaction(async (tx) => {
      let updated: number;
      if (outcome.kind === 'interrupted') {
        updated = await tx.$executeRaw`
          UPDATE webhook_deliveries SET leased_until = NULL, lease_token = NULL, attempts = greatest(attempts - 1, 0), next_attempt_at = now()
           WHERE id = ${id}::uuid AND lease_token = ${leaseToken}::uuid`;
        return updated > 0;
      }
      if (outcome.kind === 'succeeded') {
        updated = await tx.$executeRaw`
          UPDATE webhook_deliveries SET status = 'succeeded', leased_until = NULL, lease_token = NULL, next_attempt_at = NULL,
                 status_code = ${outcome.statusCode}, latency_ms = ${outcome.latencyMs}, error = NULL, response = ${outcome.response}, delivered_at = now()
           WHERE id = ${id}::uuid AND lease_token = ${leaseToken}::uuid`;
        if (updated > 0) await tx.$executeRaw`UPDATE webhook_endpoints SET last_success_at = now(), consecutive_failures = 0 WHERE id = ${endpointId}::uuid`;
        return updated > 0;
      }
      const status = outcome.retryInMs === null ? 'failed' : 'pending';
      updated = await tx.$executeRaw`
        UPDATE webhook_deliveries SET status = ${status}, leased_until = NULL, lease_token = NULL,
               next_attempt_at = CASE WHEN ${outcome.retryInMs}::int IS NULL THEN NULL ELSE now() + ${outcome.retryInMs}::int * interval '1 millisecond' END,
               status_code = ${outcome.statusCode}::int, latency_ms = ${outcome.latencyMs}, error = ${outcome.error}, response = ${outcome.response}
         WHERE id = ${id}::uuid AND lease_token = ${leaseToken}::uuid`;
      if (updated > 0) {
        await tx.$executeRaw`
          UPDATE webhook_endpoints SET last_failure_at = now(), last_error = ${outcome.error}, consecutive_failures = consecutive_failures + 1
           WHERE id = ${endpointId}::uuid`;
      }
      return updated > 0;
    });
  }

  /**
   * Keeps the log bounded: deliveries older than `before` go (whatever their state, unless a
   * worker is sending one right now), then events no delivery refers to any more.
   */
  async expire(before: Date): Promise<{ deliveries: number; events: number }> {
    const [deliveries, events] = await this.prisma.client.$transaction([
      this.prisma.client.$executeRaw`DELETE FROM webhook_deliveries WHERE created_at < ${before} AND (leased_until IS NULL OR leased_until <= now())`,
      this.prisma.client.$executeRaw`DELETE FROM webhook_events e WHERE e.created_at < ${before} AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
    ]);
    return { deliveries, events };
  }
}
