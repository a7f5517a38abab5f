import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveStatus } from '../../../../test/fixtures';
import { type PlayerFactory, type PreviewPlayer, PreviewPanel } from './preview-panel';

const AT = '2026-11-21T22:01:00.000Z';

/** A stand-in for mpegts.js: records what the panel asked of it and lets the test raise its events. */
function fakePlayers() {
  const made: { source: { url: string; hasAudio: boolean }; listeners: Map<string, (...args: never[]) => void>; destroyed: boolean; attached: boolean }[] = [];
  const factory: PlayerFactory = {
    events: { MEDIA_INFO: 'media_info', ERROR: 'error', LOADING_COMPLETE: 'loading_complete' },
    create: (source) => {
      const entry = { source, listeners: new Map<string, (...args: never[]) => void>(), destroyed: false, attached: false };
      made.push(entry);
      const player: PreviewPlayer = {
        attachMediaElement: () => void (entry.attached = true),
        load: () => undefined,
        play: () => Promise.resolve(),
        destroy: () => void (entry.destroyed = true),
        on: (event, listener) => void entry.listeners.set(event, listener),
      };
      return player;
    },
  };
  const emit = (index: number, event: string, ...args: unknown[]) => act(() => (made[index]!.listeners.get(event) as (...a: unknown[]) => void)(...args));
  return { made, players: () => Promise.resolve(factory), emit };
}

const settle = () => act(async () => await new Promise((r) => setTimeout(r, 0)));

beforeEach(() => vi.stubGlobal('MediaSource', { isTypeSupported: (type: string) => !type.includes('hvc1') }));
afterEach(() => vi.unstubAllGlobals());

describe('PreviewPanel', () => {
  it('waits for a broadcast, then plays /api/streams/:id/preview with audio and shows what it receives', async () => {
    const fake = fakePlayers();
    const { rerender } = render(<PreviewPanel streamId="s1" ingest={liveStatus(AT, [], { state: 'idle', video: null, startedAt: null }).ingest} players={fake.players} />);
    expect(screen.getByText('The preview starts when you go live.')).toBeTruthy();
    rerender(<PreviewPanel streamId="s1" ingest={liveStatus(AT).ingest} players={fake.players} />);
    await settle();
    expect(fake.made).toHaveLength(1);
    expect(fake.made[0]).toMatchObject({ source: { url: '/api/streams/s1/preview', hasAudio: true }, attached: true });
    expect((screen.getByTestId('preview-video') as HTMLVideoElement).muted).toBe(true);
    expect(screen.getByRole('button', { name: 'Unmute' })).toBeTruthy();
    fake.emit(0, 'media_info', { videoCodec: 'avc1.64001f', audioCodec: 'mp4a.40.2', width: 1280, height: 720 });
    expect(screen.getByTestId('preview-received').textContent).toBe('H.264 · 1280×720 · AAC');
  });

  it('keeps the player and its last frame through the grace window, and says the publisher is lost', async () => {
    const fake = fakePlayers();
    const { rerender } = render(<PreviewPanel streamId="s1" ingest={liveStatus(AT).ingest} players={fake.players} />);
    await settle();
    rerender(<PreviewPanel streamId="s1" ingest={liveStatus(AT, [], { reconnectGrace: true }).ingest} players={fake.players} />);
    await settle();
    expect(screen.getByRole('status').textContent).toBe('Publisher lost · showing the last frame');
    expect(fake.made).toHaveLength(1);
    expect(fake.made[0]!.destroyed).toBe(false);
    rerender(<PreviewPanel streamId="s1" ingest={liveStatus(AT, [], { state: 'idle', video: null, startedAt: null }).ingest} players={fake.players} />);
    await settle();
    expect(fake.made[0]!.destroyed).toBe(true);
  });

  it('says the browser cannot decode HEVC instead of showing a black box', async () => {
    const fake = fakePlayers();
    render(<PreviewPanel streamId="s1" ingest={liveStatus(AT, [], { video: { codec: 'hevc', width: 1920, height: 1080 } }).ingest} players={fake.players} />);
    await settle();
    expect(screen.getByRole('status').textContent).toMatch(/cannot decode HEVC video/);
    expect(screen.queryByTestId('preview-video')).toBeNull();
    expect(fake.made).toHaveLength(0);
  });

  it('reconnects a dropped preview after a pause, with a new player', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const fake = fakePlayers();
      render(<PreviewPanel streamId="s1" ingest={liveStatus(AT).ingest} players={fake.players} />);
      await settle();
      fake.emit(0, 'error', 'NetworkError', 'UnrecoverableEarlyEof');
      expect(screen.getByText('The preview connection dropped; trying again…')).toBeTruthy();
      await act(async () => void vi.advanceTimersByTime(3_100));
      await settle();
      expect(fake.made).toHaveLength(2);
      expect(fake.made[0]!.destroyed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
