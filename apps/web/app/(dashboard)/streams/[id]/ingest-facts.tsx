import type { StreamStatus } from '@fanout/contracts';
import { card, subtleText } from '@/components/ui';
import { codecLabel, formatChannels, formatKbps, formatSampleRate } from '@/lib/format';

function Fact({ term, children, warn }: { term: string; children: React.ReactNode; warn?: boolean }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1.5">
      <dt className={subtleText}>{term}</dt>
      <dd className={`text-sm font-medium tabular-nums ${warn ? 'text-amber-700 dark:text-amber-400' : ''}`}>{children}</dd>
    </div>
  );
}

/** What the encoder is sending, as the engine reads it from the stream. */
export function IngestFacts({ ingest }: { ingest: StreamStatus['ingest'] | null }) {
  const live = ingest?.state === 'live';
  return (
    <section aria-labelledby="ingest-facts-title" className={card}>
      <h2 id="ingest-facts-title" className="text-base font-semibold">
        Incoming stream
      </h2>
      {!ingest ? (
        <p className={`mt-2 ${subtleText}`}>Waiting for the live status…</p>
      ) : !live ? (
        <p className={`mt-2 ${subtleText}`}>Nothing is being published. Start streaming in OBS to see codecs, resolution and frame rate here.</p>
      ) : (
        <dl className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800">
          <Fact term="Video">
            {ingest.video ? `${codecLabel(ingest.video.codec)}${ingest.video.width && ingest.video.height ? ` · ${ingest.video.width}×${ingest.video.height}` : ''}` : 'None'}
          </Fact>
          <Fact term="Frame rate">{ingest.fps ? `${ingest.fps.toFixed(1)} fps` : '—'}</Fact>
          {/* Whether the interval suits a platform is the engine's call: its warnings show on each destination. */}
          <Fact term="Keyframe interval">{ingest.keyframeIntervalS === null ? '—' : `${ingest.keyframeIntervalS.toFixed(1)} s`}</Fact>
          <Fact term="Audio" warn={!ingest.audioPresent}>
            {ingest.audioPresent && ingest.audio
              ? `${codecLabel(ingest.audio.codec)}${ingest.audio.sampleRate ? ` · ${formatSampleRate(ingest.audio.sampleRate)}` : ''}${ingest.audio.channels ? ` · ${formatChannels(ingest.audio.channels)}` : ''}`
              : 'No audio'}
          </Fact>
          <Fact term="Bitrate" warn={ingest.reconnectGrace}>
            {ingest.reconnectGrace ? 'Nothing arriving (publisher lost)' : formatKbps(ingest.bitrateKbps)}
          </Fact>
        </dl>
      )}
    </section>
  );
}
