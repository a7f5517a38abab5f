'use client';

import type { StreamStatus } from '@fanout/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { card, secondaryButton, subtleText } from '@/components/ui';
import { apiPaths } from '@/lib/api-paths';
import { describeReceived, levelLabel, peakLevel, previewPlan, type PreviewPlan } from '@/lib/preview';

/** The part of an mpegts.js player the panel uses. */
export interface PreviewPlayer {
  attachMediaElement(element: HTMLMediaElement): void;
  load(): void;
  play(): Promise<void> | void;
  destroy(): void;
  on(event: string, listener: (...args: never[]) => void): void;
}

export interface PlayerFactory {
  create(source: { url: string; hasAudio: boolean }): PreviewPlayer;
  events: { MEDIA_INFO: string; ERROR: string; LOADING_COMPLETE: string };
}

/** mpegts.js, loaded in the browser only (it touches `window` when imported). */
async function loadMpegts(): Promise<PlayerFactory> {
  const { default: mpegts } = await import('mpegts.js');
  return {
    events: mpegts.Events,
    create: ({ url, hasAudio }) =>
      mpegts.createPlayer(
        { type: 'flv', isLive: true, url, hasAudio, hasVideo: true },
        {
          // Lowest delay: no stash buffer, and chase the live edge when the buffer grows past 1.5 s.
          enableWorker: false,
          enableStashBuffer: false,
          lazyLoad: false,
          autoCleanupSourceBuffer: true,
          liveBufferLatencyChasing: true,
          liveBufferLatencyMaxLatency: 1.5,
          liveBufferLatencyMinRemain: 0.3,
        },
      ) as unknown as PreviewPlayer,
  };
}

const RETRY_MS = 3_000;

function browserSupport(): ((type: string) => boolean) | null {
  if (typeof window === 'undefined') return () => true; // server render: decided again in the browser
  const mse = (window as { MediaSource?: { isTypeSupported(type: string): boolean } }).MediaSource;
  return mse ? (type) => mse.isTypeSupported(type) : null;
}

/** An audio graph on the video element: the meter reads it, a gain node is the mute. */
interface AudioTap {
  context: AudioContext;
  analyser: AnalyserNode;
  gain: GainNode;
}

/**
 * The live preview: the ingest as the engine has it, played by mpegts.js from the current
 * keyframe, muted until asked, with a level meter and what the viewer really gets. It keeps the
 * last frame while the publisher is gone, and says so.
 */
export function PreviewPanel({ streamId, ingest, players = loadMpegts }: { streamId: string; ingest: StreamStatus['ingest'] | null; players?: () => Promise<PlayerFactory> }) {
  const [support] = useState(browserSupport);
  const plan: PreviewPlan = previewPlan(ingest, support);
  const videoRef = useRef<HTMLVideoElement>(null);
  const meterRef = useRef<HTMLDivElement>(null);
  const tap = useRef<AudioTap | null>(null);
  const [received, setReceived] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [muted, setMuted] = useState(true);
  const [meterOn, setMeterOn] = useState(false);
  const [level, setLevel] = useState(0);

  const playing = plan.kind === 'play';
  const withAudio = plan.kind === 'play' && plan.audio;
  // A new broadcast (or a retry) gets a new player; the grace window keeps the old one and its last frame.
  const session = playing ? `${ingest?.startedAt ?? ''}|${withAudio}|${attempt}` : null;

  useEffect(() => {
    const video = videoRef.current;
    if (session === null || !video) return;
    let player: PreviewPlayer | undefined;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    setProblem(null);
    void players().then(
      (factory) => {
        if (cancelled) return;
        player = factory.create({ url: apiPaths.streamPreview(streamId), hasAudio: withAudio });
        player.on(factory.events.MEDIA_INFO, (info: never) => setReceived(describeReceived(info)));
        const again = (text: string) => {
          setProblem(text);
          retry = setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
        };
        player.on(factory.events.ERROR, () => again('The preview connection dropped; trying again…'));
        player.on(factory.events.LOADING_COMPLETE, () => again('The preview ended; trying again…'));
        player.attachMediaElement(video);
        player.load();
        void Promise.resolve(player.play()).catch(() => undefined); // muted autoplay; a refusal leaves the play button
      },
      () => setProblem('The video player could not be loaded.'),
    );
    return () => {
      cancelled = true;
      clearTimeout(retry);
      player?.destroy();
      setReceived(null);
    };
  }, [session, streamId, withAudio, players]);

  /** Routes the element's audio through a graph (needs a user gesture once); the element itself stays unmuted into it. */
  const ensureTap = useCallback((): AudioTap | null => {
    if (tap.current) return tap.current;
    const video = videoRef.current;
    const Context = typeof window === 'undefined' ? undefined : window.AudioContext;
    if (!video || !Context) return null;
    const context = new Context();
    const source = context.createMediaElementSource(video);
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    const gain = context.createGain();
    gain.gain.value = 0;
    source.connect(analyser).connect(gain).connect(context.destination);
    video.muted = false; // heard only through the gain node, which is the mute from here on
    tap.current = { context, analyser, gain };
    void context.resume();
    setMeterOn(true);
    return tap.current;
  }, []);

  // A visitor who already clicked in this tab (they came from the stream list) gets the meter at once.
  useEffect(() => {
    if (withAudio && typeof navigator !== 'undefined' && (navigator as { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive) ensureTap();
  }, [withAudio, ensureTap]);

  useEffect(() => {
    if (!meterOn) return;
    let frame = 0;
    let last = 0;
    const samples = new Uint8Array(1024);
    const tick = (now: number) => {
      const t = tap.current;
      if (t) {
        t.analyser.getByteTimeDomainData(samples);
        const peak = peakLevel(samples);
        if (meterRef.current) meterRef.current.style.width = `${Math.round(peak * 100)}%`;
        if (now - last > 250) {
          last = now;
          setLevel(peak);
        }
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [meterOn]);

  useEffect(() => () => void tap.current?.context.close(), []);

  const toggleMute = () => {
    const t = ensureTap();
    const next = !muted;
    if (t) {
      void t.context.resume();
      t.gain.gain.value = next ? 0 : 1;
    } else if (videoRef.current) {
      videoRef.current.muted = next;
    }
    setMuted(next);
  };

  const grace = ingest?.state === 'live' && ingest.reconnectGrace;

  return (
    <section aria-labelledby="preview-title" className={card} onPointerDown={() => withAudio && ensureTap()}>
      <div className="mb-3 flex items-baseline justify-between gap-3">
        <h2 id="preview-title" className="text-base font-semibold">
          Preview
        </h2>
        {received ? (
          <span data-testid="preview-received" className={`truncate text-xs ${subtleText}`} title="What this player is receiving">
            {received}
          </span>
        ) : null}
      </div>
      {plan.kind === 'unsupported' ? (
        <p role="status" className={subtleText}>
          {plan.message}
        </p>
      ) : (
        <>
          <div className="relative aspect-video overflow-hidden rounded-md bg-zinc-950">
            <video ref={videoRef} data-testid="preview-video" className={`h-full w-full ${playing ? '' : 'hidden'}`} muted playsInline autoPlay aria-label="Live preview of the incoming stream" />
            {!playing ? <p className="absolute inset-0 flex items-center justify-center p-4 text-center text-sm text-zinc-400">The preview starts when you go live.</p> : null}
            {grace ? (
              <p role="status" className="absolute inset-x-0 bottom-0 bg-amber-600/90 px-3 py-1.5 text-center text-sm font-medium text-white">
                Publisher lost · showing the last frame
              </p>
            ) : null}
          </div>
          {problem ? <p className={`mt-2 ${subtleText}`}>{problem}</p> : null}
          {plan.kind === 'play' && plan.note ? <p className={`mt-2 ${subtleText}`}>{plan.note}</p> : null}
          {withAudio ? (
            <div className="mt-3 flex items-center gap-3">
              <button type="button" className={secondaryButton} onClick={toggleMute} aria-pressed={!muted}>
                {muted ? 'Unmute' : 'Mute'}
              </button>
              <div className="min-w-0 flex-1" aria-label="Audio level" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)} aria-valuetext={meterOn ? levelLabel(level) : 'not measured yet'}>
                <div className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
                  <div ref={meterRef} className="h-full w-0 rounded-full bg-emerald-500 transition-[width] duration-75" />
                </div>
              </div>
              <span className={`w-16 text-right text-xs tabular-nums ${subtleText}`}>{meterOn ? levelLabel(level) : 'click to meter'}</span>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
