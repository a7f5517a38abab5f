import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LOGGER, type Logger } from '../logging/logger';
import { type RecordingFinished, RecordingHost } from '../recordings/recording-host';
import { WebhookOutbox } from './webhook-outbox';
import { WebhooksRepository } from './webhooks.repository';

/**
 * `recording.ready` and `recording.failed` from the recordings host: once a file's row says it
 * is complete (or failed, with its reason), the event goes in the outbox with the stream's name
 * and the recording's id, part, duration, size and codecs (never its path). The host's listener
 * only queues the write; on shutdown every queued write is flushed before the database closes.
 */
@Injectable()
export class WebhookRecordingObserver implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly pending = new Set<Promise<void>>();
  private off: (() => void) | undefined;

  constructor(
    private readonly recordings: RecordingHost,
    private readonly outbox: WebhookOutbox,
    private readonly repository: WebhooksRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'webhooks' });
  }

  onModuleInit(): void {
    this.off = this.recordings.onFinished((event) => this.queue(event));
  }

  async onModuleDestroy(): Promise<void> {
    this.off?.();
    this.off = undefined;
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private queue(event: RecordingFinished): void {
    const write = (async () => {
      const names = await this.repository.namesForStream(event.streamId);
      const recording = { id: event.recordingId, part: event.part, durationS: Math.round(event.durationMs / 100) / 10, bytes: event.bytes, videoCodec: event.videoCodec, audioCodec: event.audioCodec };
      const stream = { id: event.streamId, name: names?.streamName ?? null };
      await this.outbox.enqueue({
        type: event.state === 'complete' ? 'recording.ready' : 'recording.failed',
        streamId: event.streamId,
        timestamp: event.at,
        data: event.state === 'complete' ? { stream, recording } : { stream, recording, reason: event.failureReason ?? 'io', message: event.failureMessage },
      });
    })().catch((error: Error) => this.log.error({ err: error, streamId: event.streamId }, 'could not put a recording webhook event in the outbox'));
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }
}
