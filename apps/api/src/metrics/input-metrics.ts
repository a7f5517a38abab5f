import { inputSwitchReasonSchema, onAirSchema, type OnAir } from '@fanout/contracts';
import type { InputSwitchEvent } from '@fanout/restream';
import type { MetricFamily } from './exposition';

/**
 * What is on air, from the engine's `input` events: a counter of switches by reason (every
 * reason of the contract is exported from the start, at 0, so a rate() has a series to work on)
 * and a gauge of the active streams by what their destinations get (primary, backup, slate,
 * none). A stream counts from `started` (on air: none) until `released`. The only labels are
 * those two bounded sets: never a stream.
 */
export class InputMetrics {
  private readonly switches = new Map<string, number>(inputSwitchReasonSchema.options.map((r) => [r, 0]));
  private readonly onAir = new Map<string, OnAir>();

  started(streamId: string): void {
    if (!this.onAir.has(streamId)) this.onAir.set(streamId, 'none');
  }

  switched(streamId: string, event: Pick<InputSwitchEvent, 'onAir' | 'reason'>): void {
    this.switches.set(event.reason, (this.switches.get(event.reason) ?? 0) + 1);
    this.onAir.set(streamId, event.onAir);
  }

  released(streamId: string): void {
    this.onAir.delete(streamId);
  }

  families(): MetricFamily[] {
    const byInput = new Map<string, number>(onAirSchema.options.map((o) => [o, 0]));
    for (const onAir of this.onAir.values()) byInput.set(onAir, (byInput.get(onAir) ?? 0) + 1);
    return [
      { name: 'fanout_input_switches_total', help: "Changes of what is on air for a stream's destinations (failover, slate, failback, by hand, end), by reason.", type: 'counter', samples: [...this.switches].map(([reason, value]) => ({ labels: { reason }, value })) },
      { name: 'fanout_stream_on_air', help: 'Active streams by what their destinations get: the primary encoder, the backup, the slate, or nothing.', type: 'gauge', samples: [...byInput].map(([input, value]) => ({ labels: { input }, value })) },
    ];
  }
}
