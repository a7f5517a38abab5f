import type { DestinationStateEvent, IngestEvent, StreamStats } from '@fanout/restream';
import { EngineEvents } from '../../src/ingest/engine-events';
import { capturedLogger } from './logs';

/** A real bus for service tests (it is plain in-process code, nothing to fake). */
export function testBus(): EngineEvents {
  return new EngineEvents(capturedLogger().logger);
}

/**
 * A stream's engine as observers hear it: `started` on the bus at once, then whatever the test
 * emits, by the engine's own event names.
 */
export function engineOnBus(bus: EngineEvents, streamId: string, at = '2026-11-21T12:00:00.000Z') {
  bus.publish({ type: 'started', streamId, at });
  return {
    emit(type: 'ingest' | 'stats' | 'destinationState', payload: IngestEvent | StreamStats | DestinationStateEvent): void {
      if (type === 'ingest') bus.publish({ type, streamId, event: payload as IngestEvent });
      else if (type === 'stats') bus.publish({ type, streamId, stats: payload as StreamStats });
      else bus.publish({ type, streamId, change: payload as DestinationStateEvent });
    },
    release(): void {
      bus.publish({ type: 'released', streamId, at });
    },
  };
}
