import { Inject, Injectable } from '@nestjs/common';
import {
  type CreatedWebhookEndpoint,
  type RotatedWebhookSecret,
  WEBHOOK_PING,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookDeliveryStatus,
  type WebhookDeliveryTrigger,
  type WebhookEndpoint,
  type WebhookEventType,
  MAX_WEBHOOK_ENDPOINTS,
} from '@fanout/contracts';
import { type AuditMetadata, AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import { privateAddressesAllowed } from '../destinations/destination-address';
import { LOGGER, type Logger } from '../logging/logger';
import { DEFAULT_RETRY_SCHEDULE } from './retry-schedule';
import { newWebhookSecret } from './signature';
import { OutboxSignal, WebhookOutbox } from './webhook-outbox';
import { judgeWebhookTarget, webhookTarget, type WebhookTarget } from './webhook-url';
import type { CreateWebhookDto, UpdateWebhookDto, WebhookDeliveriesQueryDto } from './webhooks.dto';
import { type DeliveryRow, type EndpointChanges, type EndpointRow, WebhooksRepository } from './webhooks.repository';

/** How long the previous secret keeps signing after a rotation. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 3_600_000;

const noWebhook = () => new AppError('NOT_FOUND', { message: 'No such webhook.' });
const noDelivery = () => new AppError('NOT_FOUND', { message: 'No such delivery.' });

/** `host:port` of a webhook URL, for the audit log (never the path or query, which may carry a token). */
function hostLabel(target: WebhookTarget | null): string {
  if (!target) return '(invalid)';
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

/**
 * Webhook endpoints, for owners and admins (the controller's @Roles): every stream's events go
 * to every enabled endpoint that asks for them. The rules:
 * - the URL passes the destinations' address policy, for whoever sets it (their role decides
 *   whether it may be private, then and at every delivery), and plain http only reaches private
 *   addresses;
 * - the secret (`whsec_`) is generated here, stored encrypted, and shown once: at creation and
 *   at each rotation; a rotation keeps the old one signing for a day;
 * - at most MAX_WEBHOOK_ENDPOINTS endpoints;
 * - create, change, rotation and deletion are audited (hosts, never paths or secrets).
 */
@Injectable()
export class WebhooksService {
  private readonly log: Logger;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: WebhookOutbox,
    private readonly signal: OutboxSignal,
    private readonly secrets: Secrets,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'ALLOW_PRIVATE_DESTINATIONS' | 'WEBHOOK_TIMEOUT_S'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'webhooks' });
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (await this.webhooks.list()).map(toEndpoint);
  }

  async create(user: User, input: CreateWebhookDto): Promise<CreatedWebhookEndpoint> {
    const target = this.checkUrl(input.url, user);
    const secret = newWebhookSecret();
    const row = await this.webhooks.create(
      { url: input.url, description: input.description, events: input.events, enabled: input.enabled, secretCiphertext: this.secrets.encrypt(secret), urlSetById: user.id },
      MAX_WEBHOOK_ENDPOINTS,
    );
    if (row === 'limit') throw new AppError('LIMIT_REACHED', { message: `Fanout can have at most ${MAX_WEBHOOK_ENDPOINTS} webhooks.`, internal: `${MAX_WEBHOOK_ENDPOINTS} webhook endpoints exist` });
    this.log.info({ webhookId: row.id, host: hostLabel(target), userId: user.id }, 'webhook created');
    await this.audit.record(user, 'webhook.create', { type: 'webhook', id: row.id }, { host: hostLabel(target), description: row.description, events: row.events, enabled: row.enabled });
    return { ...toEndpoint(row), secret };
  }

  /** Any subset. A new URL is judged for the caller, whose role then decides it at every delivery. */
  async update(user: User, id: string, input: UpdateWebhookDto): Promise<WebhookEndpoint> {
    const current = await this.endpoint(id);
    const changes: EndpointChanges = {};
    const metadata: AuditMetadata = {};
    if (input.url !== undefined && input.url !== current.url) {
      const after = this.checkUrl(input.url, user);
      changes.url = input.url;
      changes.urlSetById = user.id;
      Object.assign(metadata, { previousHost: hostLabel(webhookTarget(current.url)), host: hostLabel(after) });
    }
    if (input.description !== undefined && input.description !== current.description) changes.description = input.description;
    if (input.events !== undefined && !sameList(input.events, current.events)) changes.events = input.events;
    if (input.enabled !== undefined && input.enabled !== current.enabled) changes.enabled = input.enabled;
    const changed = Object.keys(changes).filter((field) => field !== 'urlSetById');
    if (changed.length === 0) return toEndpoint(current);
    const row = await this.webhooks.update(id, changes);
    if (!row) throw noWebhook();
    this.log.info({ webhookId: id, changed, userId: user.id }, 'webhook updated');
    await this.audit.record(user, 'webhook.update', { type: 'webhook', id }, { ...metadata, changed, ...(changes.events ? { events: changes.events } : {}), ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}) });
    // Re-enabled: deliveries held while it was off may go now.
    if (changes.enabled === true) this.signal.notify();
    return toEndpoint(row);
  }

  async remove(user: User, id: string): Promise<void> {
    const current = await this.endpoint(id);
    if (!(await this.webhooks.delete(id))) throw noWebhook();
    this.log.info({ webhookId: id, userId: user.id }, 'webhook deleted');
    await this.audit.record(user, 'webhook.delete', { type: 'webhook', id }, { host: hostLabel(webhookTarget(current.url)), description: current.description });
  }

  /** A new secret, shown once; the old one keeps signing (a second signature) for a day. */
  async rotate(user: User, id: string): Promise<RotatedWebhookSecret> {
    const previous = await this.webhooks.secret(id);
    if (previous === null) throw noWebhook();
    const secret = newWebhookSecret();
    const previousSecretExpiresAt = new Date(this.clock.now().getTime() + PREVIOUS_SECRET_VALID_MS);
    if (!(await this.webhooks.rotate(id, this.secrets.encrypt(secret), previous, previousSecretExpiresAt))) throw noWebhook();
    this.log.info({ webhookId: id, userId: user.id }, 'webhook secret rotated');
    await this.audit.record(user, 'webhook.rotate-secret', { type: 'webhook', id }, { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() });
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
  }

  /**
   * Sends a `ping` to this endpoint (even while it is disabled) through the outbox like any
   * event, and answers with the delivery once its first attempt is done (or the attempt's
   * timeout and a little more have passed: then as it is, still pending).
   */
  async test(id: string): Promise<WebhookDelivery> {
    await this.endpoint(id);
    const enqueued = await this.outbox.enqueue({ type: WEBHOOK_PING, streamId: null, timestamp: this.clock.now(), data: { webhook: { id } } }, { endpointId: id, trigger: 'test' });
    if (!enqueued) throw noWebhook(); // deleted meanwhile
    const deliveryId = enqueued.deliveryIds[0]!;
    const deadline = Date.now() + this.config.WEBHOOK_TIMEOUT_S * 1000 + 3_000;
    let row = await this.webhooks.delivery(deliveryId);
    while (row && !attempted(row) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      row = await this.webhooks.delivery(deliveryId);
    }
    if (!row) throw noWebhook();
    return toDelivery(row);
  }

  async deliveries(id: string, query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryPage> {
    await this.endpoint(id);
    const rows = await this.webhooks.deliveries(id, query.limit + 1, query.cursor);
    const deliveries = rows.slice(0, query.limit).map(toDelivery);
    return { deliveries, nextCursor: rows.length > query.limit ? deliveries.at(-1)!.id : null };
  }

  /** The same event again (same `webhook-id`), as a new delivery due now, whatever the first one's state. */
  async redeliver(user: User, deliveryId: string): Promise<WebhookDelivery> {
    const original = await this.webhooks.delivery(deliveryId);
    if (!original) throw noDelivery();
    const row = await this.webhooks.redeliver(original);
    if (!row) throw noDelivery();
    this.log.info({ deliveryId, redeliveryId: row.id, webhookId: row.endpointId, userId: user.id }, 'webhook redelivery queued');
    this.signal.notify();
    return toDelivery(row);
  }

  private async endpoint(id: string): Promise<EndpointRow> {
    const row = await this.webhooks.find(id);
    if (!row) throw noWebhook();
    return row;
  }

  private checkUrl(url: string, user: User): WebhookTarget {
    const target = webhookTarget(url);
    if (!target) throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'url', message: 'Use an https:// URL' }], internal: 'webhook URL does not parse' });
    const { refusal } = judgeWebhookTarget(target, privateAddressesAllowed(user.role, this.config));
    if (refusal !== null) throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'url', message: `This URL is not allowed: ${refusal}` }], internal: `webhook host refused: ${refusal}` });
    return target;
  }
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The first attempt has an outcome (success, give-up, or a failure waiting for its retry). */
const attempted = (row: DeliveryRow) => row.status !== 'pending' || (row.attempts > 0 && row.error !== null);

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  const target = webhookTarget(row.url);
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookEventType[],
    enabled: row.enabled,
    warnings: target ? judgeWebhookTarget(target, true).warnings : [],
    health: {
      lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
      lastFailureAt: row.lastFailureAt?.toISOString() ?? null,
      consecutiveFailures: row.consecutiveFailures,
      lastError: row.lastError,
    },
    pendingDeliveries: row.pending,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    streamId: row.streamId,
    trigger: row.trigger as WebhookDeliveryTrigger,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    maxAttempts: DEFAULT_RETRY_SCHEDULE.maxAttempts,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    statusCode: row.statusCode,
    latencyMs: row.latencyMs,
    error: row.error,
    response: row.response,
    nextAttemptAt: row.status === 'pending' ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
