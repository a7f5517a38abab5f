import { type AmfValue, encodeAmf0, tryParseAudioTag, tryParseVideoTag } from '@fanout/rtmp';
import type { GopCache } from './gop-cache';
import type { IngestTracker } from './ingest';
import type { EngineItem, ItemEncoder } from './item';
import type { SinkSet } from './sink-set';
import type { StartLog } from './start-log';
import type { OutputTimeline } from './timeline';

/** What started the destinations: the first headers tell what the ingest carries. */
export type HeadersSignal = 'metadata' | 'video sequence header';

/**
 * The data path of one ingest message: classify it (tag header parsed once), place it on the
 * output timeline, learn from it (facts, meters), make the one item every sink shares (copied
 * once out of the socket read, serialised once), keep it where joiners need it (GOP cache, start
 * log), and hand it to every sink. Tags it cannot parse are forwarded as they are.
 */
export class IngestPath {
  constructor(
    private readonly deps: {
      readonly timeline: OutputTimeline;
      readonly tracker: IngestTracker;
      readonly encoder: ItemEncoder;
      readonly gop: GopCache<EngineItem>;
      readonly startLog: StartLog<EngineItem>;
      readonly sinks: SinkSet;
      /** Metadata or a video sequence header arrived: destinations can connect. */
      headers(signal: HeadersSignal): void;
    },
  ) {}

  metadata(value: AmfValue, timestamp: number): void {
    const d = this.deps;
    const payload = encodeAmf0('@setDataFrame', 'onMetaData', value);
    d.tracker.onMetadata(value, payload.length);
    const item = d.encoder.make('data', d.timeline.map('data', timestamp), payload);
    d.gop.setMetadata(item);
    this.fanOut(item);
    d.headers('metadata');
  }

  data(timestamp: number, payload: Buffer): void {
    const d = this.deps;
    d.tracker.onData(payload.length);
    this.fanOut(d.encoder.make('data', d.timeline.map('data', timestamp), payload));
  }

  video(timestamp: number, payload: Buffer): void {
    const d = this.deps;
    const tag = tryParseVideoTag(payload);
    const ts = d.timeline.map('video', timestamp);
    const sequenceHeader = tag?.isSequenceHeader ?? false;
    const keyframe = tag !== undefined ? tag.isKeyframe : payload.length > 0 && (payload[0] as number) >> 4 === 1;
    d.tracker.onVideo(tag, payload.length, ts);
    const item = d.encoder.make('video', ts, payload, { keyframe, sequenceHeader });
    d.gop.push(item);
    this.fanOut(item);
    if (sequenceHeader) d.headers('video sequence header');
  }

  audio(timestamp: number, payload: Buffer): void {
    const d = this.deps;
    const tag = tryParseAudioTag(payload);
    const ts = d.timeline.map('audio', timestamp);
    d.tracker.onAudio(tag, payload.length);
    const item = d.encoder.make('audio', ts, payload, { sequenceHeader: tag?.isSequenceHeader ?? false });
    d.gop.push(item);
    this.fanOut(item);
  }

  private fanOut(item: EngineItem): void {
    this.deps.startLog.push(item);
    this.deps.sinks.push(item);
  }
}
