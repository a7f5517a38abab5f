// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { codecLabel, formatBytes, formatChannels, formatKbps, formatLatency, formatSampleRate, formatUptime, formatWait } from './format';

describe('formatUptime', () => {
  it.each([
    [0, '0 s'],
    [42.9, '42 s'],
    [60, '1 min'],
    [5 * 60 + 3, '5 min 3 s'],
    [2 * 3600 + 5 * 60 + 59, '2 h 5 min'],
    [3 * 86_400 + 4 * 3600, '3 d 4 h'],
    [86_400, '1 d'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });
});

describe('formatWait', () => {
  it.each([
    [30, '30 s'],
    [119, '119 s'],
    [120, '2 min'],
    [898, '15 min'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});

describe('media formatters', () => {
  it('writes bitrates one way: kb/s under a megabit, Mb/s with one decimal above', () => {
    expect([formatKbps(null), formatKbps(0), formatKbps(849.6), formatKbps(2_449), formatKbps(6_000)]).toEqual(['—', '0 kb/s', '850 kb/s', '2.4 Mb/s', '6.0 Mb/s']);
  });

  it('labels codecs by the engine names, sample rates and channel counts as people say them', () => {
    expect([codecLabel('h264'), codecLabel('hevc'), codecLabel('aac'), codecLabel('opus'), codecLabel('xyz1')]).toEqual(['H.264', 'HEVC', 'AAC', 'Opus', 'XYZ1']);
    expect([formatSampleRate(48_000), formatSampleRate(44_100)]).toEqual(['48 kHz', '44.1 kHz']);
    expect([formatChannels(1), formatChannels(2), formatChannels(6)]).toEqual(['mono', 'stereo', '6 ch']);
  });
});

describe('formatLatency', () => {
  it.each([
    [0, '0 ms'],
    [42.6, '43 ms'],
    [999, '999 ms'],
    [1_234, '1.2 s'],
    [12_400, '12 s'],
  ])('%s ms reads "%s"', (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_000, '1.0 KB'],
    [820_000, '820 KB'],
    [1_400_000_000, '1.4 GB'],
    [25_000_000_000, '25 GB'],
  ])('%s bytes reads "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
