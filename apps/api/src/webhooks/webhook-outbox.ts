import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { WEBHOOK_PING, WebhookDeliveryTrigger, WebhookEvent, WebhookEventData, WebhookEventType } from '@fanout/contracts';
import { PrismaService } from '../database/prisma.service';

/** The part of a Prisma client (or of one of its transactions) the outbox writes with. */
export type OutboxClient = Pick<PrismaService['client'], 'webhookEndpoint' | 'webhookEvent' | 'webhookDelivery'>;

export interface OutboxEvent {
  type: WebhookEventType | typeof WEBHOOK_PING;
  /** The stream it is about: deliveries to one endpoint for one stream go out in this order. */
  streamId: string | null;
  /** When it happened. */
  timestamp: Date;
  data: WebhookEventData;
  /** Default: a new UUID. */
  id?: string;
}

export interface EnqueueOptions {
  /** Write inside the caller's transaction, so the event is stored if and only if its change is. */
  tx?: OutboxClient;
  /** Only this endpoint, whatever it subscribes to and even when disabled (the test button). */
  endpointId?: string;
  trigger?: WebhookDeliveryTrigger;
}

export interface Enqueued {
  eventId: string;
  deliveryIds: string[];
}

/**
 * Wakes the delivery worker when something was enqueued, so an event goes out at once instead
 * of at the next poll (the poll stays, for other nodes' writes and for retries).
 */
@Injectable()
export class OutboxSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/**
 * The webhook outbox: an event and one delivery per endpoint that wants it, written in one
 * transaction (the caller's, when it passes one: then the event exists exactly when the change
 * it describes does). Nothing is sent here; the worker does that. An event no enabled endpoint
 * asks for is not stored at all.
 *
 * To emit a new event type: add it to `WEBHOOK_EVENT_TYPES` in libs/contracts, then call
 * `enqueue({ type, streamId, timestamp, data })` where it happens (from an engine observer, or
 * inside the service transaction that makes the change).
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    private readonly prisma: PrismaService,
    private readonly signal: OutboxSignal,
  ) {}

  /** The body as sent, byte for byte, on every attempt. */
  static body(id: string, event: OutboxEvent): string {
    const payload: WebhookEvent = { id, type: event.type, timestamp: event.timestamp.toISOString(), data: event.data };
    return JSON.stringify(payload);
  }

  async enqueue(event: OutboxEvent, options: EnqueueOptions = {}): Promise<Enqueued | null> {
    const write = (tx: OutboxClient) => this.write(tx, event, options);
    const result = options.tx ? await write(options.tx) : await this.prisma.client.$transaction((tx) => write(tx));
    if (result) this.signal.notify();
    return result;
  }

  private async write(tx: OutboxClient, event: OutboxEvent, options: EnqueueOptions): Promise<Enqueued | null> {
    const endpoints = await tx.webhookEndpoint.findMany({
      where: options.endpointId !== undefined ? { id: options.endpointId } : { enabled: true, events: { has: event.type } },
      select: { id: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    if (endpoints.length === 0) return null;
    const eventId = event.id ?? randomUUID();
    await tx.webhookEvent.create({ data: { id: eventId, type: event.type, streamId: event.streamId, body: WebhookOutbox.body(eventId, event) }, select: { id: true } });
    const trigger = options.trigger ?? 'event';
    const deliveryIds = endpoints.map(() => randomUUID());
    // One insert per delivery, in endpoint order, so their sequence numbers follow the event order.
    for (const [i, endpoint] of endpoints.entries()) {
      await tx.webhookDelivery.create({
        data: { id: deliveryIds[i]!, endpointId: endpoint.id, eventId, trigger, orderingKey: trigger === 'event' ? event.streamId : null },
        select: { id: true },
      });
    }
    return { eventId, deliveryIds };
  }
}
