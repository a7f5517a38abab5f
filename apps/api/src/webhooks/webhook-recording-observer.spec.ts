import { describe, expect, it } from 'vitest';
import { webhookEventDataSchema } from '@fanout/contracts';
import { capturedLogger } from '../../test/support/logs';
import { strictFake } from '../../test/support/strict-fake';
import type { RecordingFinished, RecordingHost } from '../recordings/recording-host';
import type { OutboxEvent, WebhookOutbox } from './webhook-outbox';
import { WebhookRecordingObserver } from './webhook-recording-observer';
import type { WebhooksRepository } from './webhooks.repository';

const STREAM = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-11-21T12:10:00.000Z');

function setUp() {
  const listeners = new Set<(event: RecordingFinished) => void>();
  const host = strictFake<RecordingHost>('RecordingHost', {
    onFinished: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  });
  const enqueued: OutboxEvent[] = [];
  const outbox = strictFake<WebhookOutbox>('WebhookOutbox', {
    enqueue: async (event) => {
      enqueued.push(event);
      return { eventId: `e${enqueued.length}`, deliveryIds: [] };
    },
  });
  const repository = strictFake<WebhooksRepository>('WebhooksRepository', { namesForStream: async () => ({ streamName: 'Main', destinations: new Map() }) });
  const observer = new WebhookRecordingObserver(host, outbox, repository, capturedLogger().logger);
  observer.onModuleInit();
  const finish = (event: Partial<RecordingFinished>) =>
    [...listeners].forEach((l) => l({ streamId: STREAM, recordingId: 'r1', part: 1, state: 'complete', at: AT, durationMs: 61_234, bytes: 12_345_678, videoCodec: 'h264', audioCodec: 'aac', failureReason: null, failureMessage: null, ...event }));
  return { observer, enqueued, finish, listeners };
}

describe('WebhookRecordingObserver', () => {
  it('sends recording.ready for a complete file, with its id, part, duration, size and codecs', async () => {
    const t = setUp();
    t.finish({});
    await t.observer.idle();
    expect(t.enqueued).toEqual([
      {
        type: 'recording.ready',
        streamId: STREAM,
        timestamp: AT,
        data: { stream: { id: STREAM, name: 'Main' }, recording: { id: 'r1', part: 1, durationS: 61.2, bytes: 12_345_678, videoCodec: 'h264', audioCodec: 'aac' } },
      },
    ]);
    expect(webhookEventDataSchema.safeParse(t.enqueued[0]!.data).success).toBe(true);
  });

  it('sends recording.failed with the reason and its words', async () => {
    const t = setUp();
    t.finish({ recordingId: 'r2', part: 2, state: 'failed', durationMs: 0, bytes: 0, videoCodec: null, audioCodec: null, failureReason: 'not-writable', failureMessage: 'The recordings folder cannot be written to.' });
    await t.observer.idle();
    expect(t.enqueued[0]).toMatchObject({
      type: 'recording.failed',
      data: { stream: { id: STREAM, name: 'Main' }, recording: { id: 'r2', part: 2, durationS: 0, bytes: 0 }, reason: 'not-writable', message: 'The recordings folder cannot be written to.' },
    });
  });

  it('stops listening on shutdown, after flushing what it heard', async () => {
    const t = setUp();
    t.finish({});
    await t.observer.onModuleDestroy();
    expect(t.enqueued).toHaveLength(1);
    expect(t.listeners.size).toBe(0);
  });
});
