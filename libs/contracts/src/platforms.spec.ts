import { describe, expect, it } from 'vitest';
import { PLATFORM_PRESETS, platformIdSchema, platformPreset, platformPresetSchema } from './platforms';

describe('platform presets', () => {
  it('has one valid preset per platform id, in the schema shape', () => {
    expect(PLATFORM_PRESETS.map((p) => p.id).sort()).toEqual([...platformIdSchema.options].sort());
    for (const preset of PLATFORM_PRESETS) expect(platformPresetSchema.parse(preset)).toEqual(preset);
  });

  it('offers only rtmp:// and rtmps:// servers, with the default scheme first in the template', () => {
    for (const preset of PLATFORM_PRESETS) {
      expect(preset.urlTemplate.startsWith(`${preset.defaultScheme}://`), preset.id).toBe(true);
      for (const server of preset.servers) expect(server.url, `${preset.id}: ${server.label}`).toMatch(/^rtmps?:\/\/[^/\s]+\/\S+$/);
    }
  });

  it('prefers RTMPS where the platform offers it (YouTube, Facebook, Kick)', () => {
    for (const id of ['youtube', 'facebook', 'kick'] as const) expect(platformPreset(id).defaultScheme).toBe('rtmps');
  });

  it("keeps YouTube's backup query and Kick's /app path", () => {
    expect(platformPreset('youtube').servers.map((s) => s.url)).toContain('rtmps://b.rtmps.youtube.com/live2?backup=1');
    expect(platformPreset('kick').urlTemplate).toMatch(/\/app$/);
  });

  it('encodes the platform rules the engine checks', () => {
    expect(platformPreset('twitch').rules.maxKeyframeIntervalS).toBe(2);
    expect(platformPreset('facebook').rules).toMatchObject({ maxKeyframeIntervalS: 4, audioRequired: true, videoCodecs: ['h264'] });
    expect(platformPreset('youtube').rules.audioRequired).toBe(true);
  });

  it('falls back to custom for an unknown platform', () => {
    expect(platformPreset('myspace').id).toBe('custom');
  });
});
