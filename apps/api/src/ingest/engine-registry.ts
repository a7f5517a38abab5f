import { Inject, Injectable } from '@nestjs/common';
import { FlvSink, type IngestSource, type InputRole, type Sink, type SinkContext, type StreamRestreamer, type StreamStats } from '@fanout/restream';
import { EngineSettingsReader } from './engine-settings';
import { StreamsRepository } from '../streams/streams.repository';
import { Clock } from '../common/clock';
import { LOGGER, type Logger } from '../logging/logger';
import { EngineDestinations } from './engine-destinations';
import { EngineEvents } from './engine-events';
import { EngineFactory } from './engine-factory';
import { type EngineSinkProvider, LiveControl, type PreviewViewer } from './live-control';

/**
 * A preview viewer's own queue: a few seconds of a high-bitrate ingest. Past it the viewer loses
 * GOP tails (and catches up at the next keyframe); a write pending longer than the stall timeout
 * (a reader that stopped reading) drops the viewer.
 */
const VIEWER_QUEUE = { maxBytes: 4 * 1024 * 1024, maxDurationMs: 4_000 };
const VIEWER_STALL_MS = 5_000;

/**
 * The engines of the streams live on this node, one per stream, and the {@link LiveControl} over
 * them. Each engine's events are put on the {@link EngineEvents} bus here, once, as plain data;
 * nothing outside ingest/ holds an engine.
 *
 * A second publish for a live stream (OBS reconnecting, a second encoder) goes to the same
 * engine, which takes over: newest publisher wins, destinations stay connected.
 */
@Injectable()
export class EngineRegistry extends LiveControl {
  private readonly engines = new Map<string, StreamRestreamer>();
  /** Streams whose engine is being made (destinations read), so two publishes make one. */
  private readonly creating = new Map<string, Promise<StreamRestreamer>>();
  private readonly log: Logger;
  private readonly sinkProviders = new Set<EngineSinkProvider>();

  constructor(
    private readonly factory: EngineFactory,
    private readonly destinations: EngineDestinations,
    private readonly events: EngineEvents,
    private readonly settings: EngineSettingsReader,
    private readonly streams: StreamsRepository,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    super();
    this.log = logger.child({ component: 'ingest' });
  }

  /**
   * Binds an accepted-to-be publish to its stream's engine (made on the first publish, after its
   * destinations are read). Call before the publish is accepted: the engine listens before
   * NetStream.Publish.Start goes out, so nothing the encoder sends then is lost.
   */
  async attach(streamId: string, source: IngestSource, role: InputRole = 'primary'): Promise<void> {
    const existing = this.engines.get(streamId);
    if (existing) {
      this.log.info({ streamId, role }, role === 'backup' ? 'backup encoder joins the live stream' : 'publisher joins (or takes over) the live stream');
      existing.attachPublisher(source, role);
      return;
    }
    let creating = this.creating.get(streamId);
    if (!creating) {
      creating = Promise.all([this.destinations.forStream(streamId), this.initialSinks(streamId), this.settings.forStream(streamId)]).then(([specs, sinks, settings]) => {
        const engine = this.register(streamId, specs, settings);
        for (const make of sinks) engine.attachSink(make);
        return engine;
      });
      this.creating.set(streamId, creating);
      void creating.finally(() => this.creating.delete(streamId)).catch(() => undefined);
    }
    (await creating).attachPublisher(source, role);
  }

  async refreshDestinations(streamId: string): Promise<void> {
    const engine = this.engines.get(streamId);
    if (engine) engine.setDestinations(await this.destinations.forStream(streamId));
  }

  dropPublisher(streamId: string, reason: string, role: InputRole = 'primary'): void {
    const engine = this.engines.get(streamId);
    if (!engine) return;
    this.log.info({ streamId, reason, role }, 'disconnecting the publisher');
    engine.dropPublisher(reason, role);
  }

  async refreshStreamSettings(streamId: string): Promise<void> {
    if (!this.engines.has(streamId)) return;
    const row = await this.streams.find(streamId);
    const slate = row ? await this.settings.slateFor(row) : undefined;
    this.engines.get(streamId)?.setSlate(slate);
  }

  switchInput(streamId: string, target: InputRole | 'slate'): boolean {
    const engine = this.engines.get(streamId);
    if (!engine) return false;
    const done = engine.switchInput(target);
    this.log.info({ streamId, target, done }, 'input switched by hand');
    return done;
  }

  pinInput(streamId: string, role: InputRole | null): boolean {
    const engine = this.engines.get(streamId);
    if (!engine) return false;
    engine.pinInput(role);
    this.log.info({ streamId, pinned: role }, 'preferred input pinned by hand');
    return true;
  }

  async endStream(streamId: string, reason: string): Promise<void> {
    const engine = this.engines.get(streamId);
    if (!engine) return;
    this.log.info({ streamId, reason }, 'ending the live stream');
    await engine.endNow(reason);
  }

  retryDestination(streamId: string, destinationId: string): boolean {
    const engine = this.engines.get(streamId);
    if (!engine) return false;
    engine.retryDestination(destinationId);
    return true;
  }

  attachSink(streamId: string, make: (context: SinkContext) => Sink): boolean {
    const engine = this.engines.get(streamId);
    if (!engine) return false;
    engine.attachSink(make);
    return true;
  }

  provideSinks(provider: EngineSinkProvider): () => void {
    this.sinkProviders.add(provider);
    return () => this.sinkProviders.delete(provider);
  }

  async detachSink(streamId: string, sinkId: string): Promise<void> {
    await this.engines.get(streamId)?.detachSink(sinkId);
  }

  attachViewer(streamId: string, viewer: PreviewViewer): (() => Promise<void>) | undefined {
    const engine = this.engines.get(streamId);
    if (!engine) return undefined;
    let gone = false;
    const once = (reason: string) => {
      if (gone) return;
      gone = true;
      viewer.gone(reason);
    };
    const sinkId = `preview:${viewer.id}`;
    engine.attachSink(
      (ctx) =>
        new FlvSink(
          { id: sinkId, kind: 'preview', name: 'preview', from: 'keyframe', open: async () => viewer.target, queue: VIEWER_QUEUE, stallTimeoutMs: VIEWER_STALL_MS, onGone: once },
          ctx,
        ),
    );
    return async () => {
      gone = true; // the host detaches: it knows why
      await engine.detachSink(sinkId);
    };
  }

  stats(streamId: string): StreamStats | undefined {
    return this.engines.get(streamId)?.stats;
  }

  liveStats(): StreamStats[] {
    return [...this.engines.values()].map((e) => e.stats);
  }

  /** The engine of a live stream (diagnostics and tests; the rest of the API uses the port and the bus). */
  engine(streamId: string): StreamRestreamer | undefined {
    return this.engines.get(streamId);
  }

  /** Ends every broadcast with `reason` (destinations unpublished cleanly) and releases every engine. */
  async shutdown(reason: string): Promise<void> {
    await Promise.allSettled(
      [...this.engines.values()].map(async (engine) => {
        await engine.endNow(reason);
        await engine.close();
      }),
    );
    for (const streamId of [...this.engines.keys()]) this.release(streamId);
  }

  /** What the sink providers want attached at birth; a provider that fails costs its own sinks only. */
  private async initialSinks(streamId: string): Promise<((context: SinkContext) => Sink)[]> {
    const lists = await Promise.all(
      [...this.sinkProviders].map((provider) =>
        provider.sinksFor(streamId).catch((error: unknown) => {
          this.log.error({ streamId, err: error }, 'a sink provider failed: the broadcast goes on without its outputs');
          return [];
        }),
      ),
    );
    return lists.flat();
  }

  private register(streamId: string, specs: Parameters<EngineFactory['create']>[1], settings?: Parameters<EngineFactory['create']>[2]): StreamRestreamer {
    const engine = this.factory.create(streamId, specs, settings);
    this.engines.set(streamId, engine);
    const publish = this.events.publish.bind(this.events);
    engine.on('ingest', (event) => publish({ type: 'ingest', streamId, event }));
    engine.on('destinationState', (change) => publish({ type: 'destinationState', streamId, change }));
    engine.on('sinkState', (change) => publish({ type: 'sinkState', streamId, change }));
    engine.on('stats', (stats) => publish({ type: 'stats', streamId, stats }));
    engine.on('input', (event) => publish({ type: 'input', streamId, event }));
    engine.on('ended', () => {
      if (this.engines.get(streamId) === engine) this.release(streamId);
      void engine.close();
    });
    publish({ type: 'started', streamId, at: this.clock.now().toISOString() });
    return engine;
  }

  private release(streamId: string): void {
    if (!this.engines.delete(streamId)) return;
    this.events.publish({ type: 'released', streamId, at: this.clock.now().toISOString() });
  }
}
