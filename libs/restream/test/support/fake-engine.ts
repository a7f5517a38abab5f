import type { RtmpPublisher } from '@fanout/rtmp';
import { StreamRestreamer, type StreamRestreamerOptions } from '../../src';
import { FakePublisher } from './fakes';

/** Polls every 5 ms, 2 s at most. */
export async function until(predicate: () => boolean, what = 'condition', timeoutMs = 2_000): Promise<void> {
  for (let i = 0; i < timeoutMs / 5 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!predicate()) throw new Error(`timed out waiting for ${what}`);
}

/** An engine with one RTMP destination whose publisher is a {@link FakePublisher} (it takes everything at once). */
export function engineWithRtmp(options: Partial<StreamRestreamerOptions> = {}): { engine: StreamRestreamer; publishers: FakePublisher[] } {
  const publishers: FakePublisher[] = [];
  const engine = new StreamRestreamer({
    streamId: 's',
    destinations: [{ id: 'rtmp', name: 'rtmp', url: 'rtmp://127.0.0.1:1/live', streamKey: 'k-rtmp', enabled: true }],
    connectDelayMs: 50,
    publish: async (target) => {
      const p = new FakePublisher(target, 4096);
      publishers.push(p);
      return p as unknown as RtmpPublisher;
    },
    ...options,
  });
  return { engine, publishers };
}
