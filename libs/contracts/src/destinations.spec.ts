import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import { createDestinationSchema, destinationKeySchema, isRtmpServerUrl, platformHasDefaultUrl, updateDestinationSchema } from './destinations';
import { platformIdSchema } from './platforms';

const errorsOf = (result: { success: boolean; error?: Parameters<typeof toFieldErrors>[0] }) => (result.error ? toFieldErrors(result.error) : []);

describe('destination URLs', () => {
  const cases: [string, boolean][] = [
    ['rtmp://live.twitch.tv/app', true],
    ['rtmps://a.rtmps.youtube.com/live2', true],
    ['rtmps://live-api-s.facebook.com:443/rtmp', true],
    ['rtmps://b.rtmps.youtube.com/live2?backup=1', true],
    ['rtmp://[::1]:1935/live', true],
    ['RTMP://Relay.Example/live', true],
    ['rtmp://', false],
    ['rtmps://', false],
    ['rtmp:///app', false],
    ['http://example.com/live', false],
    ['https://example.com/live', false],
    ['srt://example.com:9000', false],
    ['rtmp://host/app key', false],
    ['rtmp://host/app\n', false],
    ['live.twitch.tv/app', false],
    ['', false],
  ];
  for (const [url, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${JSON.stringify(url)}`, () => {
      expect(isRtmpServerUrl(url)).toBe(ok);
    });
  }

  it('knows which platforms name a server of their own', () => {
    expect(platformIdSchema.options.filter(platformHasDefaultUrl)).toEqual(['youtube', 'facebook', 'twitch', 'kick', 'x']);
  });
});

describe('createDestinationSchema', () => {
  it('defaults enabled to true and leaves url out for platforms with a server', () => {
    expect(createDestinationSchema.parse({ name: ' YT ', platform: 'youtube', streamKey: ' abcd-1234 ' })).toEqual({ name: 'YT', platform: 'youtube', streamKey: 'abcd-1234', enabled: true });
  });

  it('requires the url for custom and LinkedIn', () => {
    for (const platform of ['custom', 'linkedin']) {
      expect(errorsOf(createDestinationSchema.safeParse({ name: 'x', platform, streamKey: 'k' }))).toEqual([{ path: 'url', message: 'Enter the server URL for this platform' }]);
    }
    expect(createDestinationSchema.safeParse({ name: 'x', platform: 'custom', url: 'rtmp://relay/live', streamKey: 'k' }).success).toBe(true);
  });

  it('bounds every string and rejects unknown fields', () => {
    const result = createDestinationSchema.safeParse({ name: 'n'.repeat(101), platform: 'custom', url: `rtmp://h/${'a'.repeat(2048)}`, streamKey: 'k'.repeat(513), extra: 1 });
    expect(errorsOf(result)).toEqual([
      { path: 'name', message: 'Use at most 100 characters' },
      { path: 'url', message: 'Use at most 2048 characters' },
      { path: 'streamKey', message: 'Use at most 512 characters' },
      { path: '(body)', message: 'Unrecognized key: "extra"' },
    ]);
  });

  it('does not pile a missing-url error on an unknown platform', () => {
    expect(errorsOf(createDestinationSchema.safeParse({ name: 'x', platform: 'myspace', streamKey: 'k' })).map((e) => e.path)).toEqual(['platform']);
  });
});

describe('destination keys', () => {
  it('takes printable ASCII without spaces, and refuses the masked form', () => {
    expect(destinationKeySchema.parse('live_123456789_AbCdEf?bandwidthtest=true')).toBe('live_123456789_AbCdEf?bandwidthtest=true');
    for (const bad of ['', '   ', 'two words', '••••••••1a2b', 'tab\there', 'ключ']) expect(destinationKeySchema.safeParse(bad).success, bad).toBe(false);
  });

  it('may be left out of an update to keep the saved key', () => {
    expect(updateDestinationSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(updateDestinationSchema.safeParse({ streamKey: '' }).success).toBe(false);
  });
});
