import type { Provider, Type } from '@nestjs/common';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEngineObserver } from './webhook-engine-observer';
import { OutboxSignal, WebhookOutbox } from './webhook-outbox';
import { WebhookRecordingObserver } from './webhook-recording-observer';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Signed webhooks: endpoints managed through the API, an outbox in Postgres fed by an
 * engine-events observer (and an observer of the recordings host), and a delivery worker.
 * Registered in AppModule beside the ingest's EngineEvents bus, which the observer subscribes to.
 */
export const WEBHOOK_CONTROLLERS: Type[] = [WebhooksController];

export const WEBHOOK_PROVIDERS: Provider[] = [WebhooksRepository, OutboxSignal, WebhookOutbox, WebhookSender, WebhookDispatcher, WebhookEngineObserver, WebhookRecordingObserver, WebhooksService];
