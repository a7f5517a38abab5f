import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { FfmpegSlateProvider, type SlateProvider, type SlateSupport, slateSupport } from '@fanout/restream';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';
import { StreamsRepository } from '../streams/streams.repository';

/** A stream's settings as its engine needs them at birth. */
export interface EngineSettings {
  graceMs: number;
  /** Undefined: no slate (turned off, or ffmpeg cannot render one). */
  slate: SlateProvider | undefined;
}

/**
 * Per-stream engine settings: the grace window (the stream's own, else INGEST_GRACE_S) and the
 * slate, rendered by ffmpeg (FFMPEG_PATH) into DATA_DIR/slate-cache from the stream's own image
 * (DATA_DIR/slates) or the default card. Whether ffmpeg can render slates is checked once at
 * start-up; when it cannot, the log says why once and streams keep destinations waiting, with
 * nothing sent, as before slates.
 */
@Injectable()
export class EngineSettingsReader implements OnModuleInit {
  private readonly log: Logger;
  private support: SlateSupport | undefined;
  /** One provider per image (its renders are cached and shared). */
  private readonly providers = new Map<string, FfmpegSlateProvider>();
  readonly slateDir: string;
  private readonly cacheDir: string;

  constructor(
    private readonly streams: StreamsRepository,
    @Inject(CONFIG) private readonly config: Pick<Config, 'DATA_DIR' | 'FFMPEG_PATH' | 'INGEST_GRACE_S'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'slate' });
    this.slateDir = join(config.DATA_DIR, 'slates');
    this.cacheDir = join(config.DATA_DIR, 'slate-cache');
  }

  async onModuleInit(): Promise<void> {
    await this.slateSupport();
  }

  /** Why slates cannot be rendered here (checked at start-up), or null when they can or it is not known yet. */
  slateUnavailable(): string | null {
    return this.support && !this.support.available ? this.support.reason : null;
  }

  /** Whether slates can be rendered here, and if not, why (checked once). */
  async slateSupport(): Promise<SlateSupport> {
    if (this.support) return this.support;
    const support = await slateSupport(this.config.FFMPEG_PATH);
    this.support = support;
    if (support.available) {
      await mkdir(this.cacheDir, { recursive: true });
      await mkdir(this.slateDir, { recursive: true });
    } else {
      this.log.warn({ ffmpeg: this.config.FFMPEG_PATH, reason: support.reason }, `no slate: ${support.reason}. While a publisher is gone, destinations are kept waiting with nothing sent. Install ffmpeg (or set FFMPEG_PATH) for the slate.`);
    }
    return support;
  }

  async forStream(streamId: string): Promise<EngineSettings> {
    const row = await this.streams.find(streamId);
    return { graceMs: (row?.graceSeconds ?? this.config.INGEST_GRACE_S) * 1000, slate: row ? await this.slateFor(row) : undefined };
  }

  /** The slate a stream should have now (after its settings changed). */
  async slateFor(row: { slate: boolean; slateImage: string | null }): Promise<SlateProvider | undefined> {
    if (!row.slate || !(await this.slateSupport()).available) return undefined;
    const image = row.slateImage === null ? '' : join(this.slateDir, row.slateImage);
    let provider = this.providers.get(image);
    if (!provider) {
      provider = new FfmpegSlateProvider({ ffmpegPath: this.config.FFMPEG_PATH, cacheDir: this.cacheDir, ...(image ? { image } : {}) }, this.log);
      this.providers.set(image, provider);
    }
    return provider;
  }
}
