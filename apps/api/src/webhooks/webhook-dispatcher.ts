import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import { privateAddressesAllowed } from '../destinations/destination-address';
import { LOGGER, type Logger } from '../logging/logger';
import { OutboxSignal } from './webhook-outbox';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs, type RetrySchedule } from './retry-schedule';
import { webhookHeaders } from './signature';
import { type WebhookResult, WebhookSender } from './webhook-sender';
import { webhookTarget } from './webhook-url';
import { type AttemptOutcome, type ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

export interface WebhookTiming {
  /** How often the outbox is looked at without a wake-up (other nodes' events, retries coming due). */
  pollMs: number;
  /** Deliveries one endpoint may have in flight at once, across every worker. */
  concurrency: number;
  /** A claimed delivery's lease outlasts the attempt's timeout by this much. */
  leaseMarginMs: number;
  /** On shutdown, attempts in flight get this long to finish before they are cut short. */
  shutdownGraceMs: number;
  /** How often old deliveries are deleted. */
  maintenanceMs: number;
}

export const WEBHOOK_TIMING = Symbol('WEBHOOK_TIMING');
export const DEFAULT_WEBHOOK_TIMING: WebhookTiming = Object.freeze({ pollMs: 1_000, concurrency: 4, leaseMarginMs: 30_000, shutdownGraceMs: 2_000, maintenanceMs: 3_600_000 });

type WebhookConfig = Pick<Config, 'WEBHOOK_TIMEOUT_S' | 'WEBHOOK_RETRY_FIRST_S' | 'WEBHOOK_RETENTION_DAYS' | 'ALLOW_PRIVATE_DESTINATIONS'>;

/**
 * The delivery worker: claims due deliveries from the outbox under a lease and sends them,
 * each attempt signed afresh (Standard Webhooks), with retries on the schedule in
 * retry-schedule.ts. Every node may run one: the claim's row locks and leases keep two workers
 * from sending one delivery, and its head-of-line rule keeps each endpoint's events of one
 * stream in order. Sends are never awaited by the loop, and each endpoint has at most
 * `concurrency` in flight, so a receiver that hangs holds only its own slots; nothing here is
 * on the media engine's path at all.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly timing: WebhookTiming;
  private readonly schedule: RetrySchedule;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private maintenance: NodeJS.Timeout | undefined;
  private ticking = false;
  private again = false;
  private stopped = true;
  private unlisten: (() => void) | undefined;
  private lastLoopError = 0;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly secrets: Secrets,
    private readonly signal: OutboxSignal,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: WebhookConfig,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(WEBHOOK_TIMING) timing?: Partial<WebhookTiming>,
  ) {
    this.log = logger.child({ component: 'webhooks' });
    this.timing = { ...DEFAULT_WEBHOOK_TIMING, ...timing };
    this.schedule = { ...DEFAULT_RETRY_SCHEDULE, firstMs: config.WEBHOOK_RETRY_FIRST_S * 1000 };
  }

  onModuleInit(): void {
    this.stopped = false;
    this.unlisten = this.signal.listen(() => this.wake());
    this.plan(0);
    this.maintenance = setInterval(() => void this.expire(), this.timing.maintenanceMs);
    this.maintenance.unref();
    void this.expire();
  }

  /** Stops claiming; attempts in flight get `shutdownGraceMs`, then are cut short and handed back (due at once, for the next start). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.maintenance !== undefined) clearInterval(this.maintenance);
    this.timer = this.maintenance = undefined;
    while (this.ticking) await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.inFlight.size > 0) {
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => (grace = setTimeout(resolve, this.timing.shutdownGraceMs)))]);
      clearTimeout(grace);
    }
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Attempts being sent by this worker now (tests and diagnostics). */
  get sending(): number {
    return this.inFlight.size;
  }

  /** Look at the outbox now (after an enqueue, or when a delivery finished and the next of its stream may go). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.plan(0);
  }

  private plan(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    this.again = false;
    try {
      for (const { endpointId, busy } of await this.repository.dueEndpoints()) {
        if (this.stopped) break;
        const free = this.timing.concurrency - busy;
        if (free <= 0) continue;
        const leaseToken = randomUUID();
        const claimed = await this.repository.claim(endpointId, free, leaseToken, this.config.WEBHOOK_TIMEOUT_S * 1000 + this.timing.leaseMarginMs);
        for (const delivery of claimed) this.start(delivery, leaseToken);
      }
    } catch (error) {
      // The database is away (or shutting down): try again at the next poll, and say so once a minute.
      const now = Date.now();
      if (!this.stopped && now - this.lastLoopError > 60_000) {
        this.lastLoopError = now;
        this.log.error({ err: error }, 'could not read the webhook outbox');
      }
    } finally {
      this.ticking = false;
      if (!this.stopped) this.plan(this.again ? 0 : this.timing.pollMs);
    }
  }

  private start(delivery: ClaimedDelivery, leaseToken: string): void {
    const run = this.deliver(delivery, leaseToken)
      .catch((error: Error) => this.log.error({ err: error, deliveryId: delivery.id, endpointId: delivery.endpointId }, 'webhook delivery could not be recorded'))
      .finally(() => {
        this.inFlight.delete(run);
        this.wake();
      });
    this.inFlight.add(run);
  }

  private async deliver(delivery: ClaimedDelivery, leaseToken: string): Promise<void> {
    const result = await this.attempt(delivery);
    const outcome = this.outcome(delivery, result);
    const fields = { deliveryId: delivery.id, endpointId: delivery.endpointId, eventId: delivery.eventId, attempt: delivery.attempts, status: result.statusCode, ms: result.latencyMs };
    if (outcome.kind === 'succeeded') this.log.debug(fields, 'webhook delivered');
    else if (outcome.kind === 'failed') this.log.info({ ...fields, error: outcome.error, retryInMs: outcome.retryInMs }, outcome.retryInMs === null ? 'webhook delivery given up' : 'webhook delivery failed, will retry');
    if (!(await this.repository.finish(delivery, leaseToken, outcome))) this.log.warn(fields, 'webhook delivery result not recorded: the delivery is gone (its endpoint was deleted) or its lease ran out and another worker took it');
  }

  private async attempt(delivery: ClaimedDelivery): Promise<WebhookResult> {
    const target = webhookTarget(delivery.url);
    if (!target) return { ok: false, statusCode: null, latencyMs: 0, error: 'the URL is not valid', response: null };
    let secrets: string[];
    try {
      secrets = [this.secrets.decrypt(delivery.secretCiphertext), ...(delivery.previousSecretCiphertext ? [this.secrets.decrypt(delivery.previousSecretCiphertext)] : [])];
    } catch {
      return { ok: false, statusCode: null, latencyMs: 0, error: 'the signing secret cannot be read (was SECRET_KEY changed?); rotate it', response: null };
    }
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    return this.sender.send({
      target,
      allowPrivate: privateAddressesAllowed(delivery.urlSetByRole ?? 'member', this.config),
      headers: webhookHeaders(secrets, delivery.eventId, timestamp, delivery.body),
      body: delivery.body,
      timeoutMs: this.config.WEBHOOK_TIMEOUT_S * 1000,
      signal: this.abort.signal,
    });
  }

  private outcome(delivery: ClaimedDelivery, result: WebhookResult): AttemptOutcome {
    if (result.interrupted) return { kind: 'interrupted' };
    if (result.ok) return { kind: 'succeeded', statusCode: result.statusCode!, latencyMs: result.latencyMs, response: result.response };
    return {
      kind: 'failed',
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error ?? 'failed',
      response: result.response,
      retryInMs: retryDelayMs(this.schedule, delivery.attempts, Math.random(), result.retryAfterS),
    };
  }

  private async expire(): Promise<void> {
    const before = new Date(this.clock.now().getTime() - this.config.WEBHOOK_RETENTION_DAYS * 86_400_000);
    try {
      const removed = await this.repository.expire(before);
      if (removed.deliveries + removed.events > 0) this.log.info(removed, 'old webhook deliveries removed');
    } catch (error) {
      if (!this.stopped) this.log.error({ err: error }, 'could not remove old webhook deliveries');
    }
  }
}
