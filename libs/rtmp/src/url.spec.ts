import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RtmpError } from './errors';
import { type RtmpUrl, type RtmpUrlErrorReason, RtmpUrlError, buildPublishUrl, parseRtmpUrl, resolvePublishTarget } from './url';

const KEY = 'live_12345_AbCdEfGhIjKlMnOp';

/** Platform URLs as their dashboards show them, with a fake key. */
const URL_FIXTURES: { name: string; url: string; value: RtmpUrl }[] = [
  {
    name: 'YouTube primary ingest',
    url: `rtmp://a.rtmp.youtube.com/live2/${KEY}`,
    value: { protocol: 'rtmp', host: 'a.rtmp.youtube.com', port: 1935, app: 'live2', tcUrl: 'rtmp://a.rtmp.youtube.com/live2', streamName: KEY, secure: false },
  },
  {
    name: 'YouTube backup ingest keeps ?backup=1 in the app and tcUrl',
    url: `rtmp://b.rtmp.youtube.com/live2?backup=1/${KEY}`,
    value: { protocol: 'rtmp', host: 'b.rtmp.youtube.com', port: 1935, app: 'live2?backup=1', tcUrl: 'rtmp://b.rtmp.youtube.com/live2?backup=1', streamName: KEY, secure: false },
  },
  {
    name: 'YouTube RTMPS ingest',
    url: `rtmps://a.rtmps.youtube.com:443/live2/${KEY}`,
    value: { protocol: 'rtmps', host: 'a.rtmps.youtube.com', port: 443, app: 'live2', tcUrl: 'rtmps://a.rtmps.youtube.com:443/live2', streamName: KEY, secure: true },
  },
  {
    name: 'Kick (IVS) ingest with explicit :443 and app "app"',
    url: `rtmps://fa723fc1b171.global-contribute.live-video.net:443/app/${KEY}`,
    value: {
      protocol: 'rtmps',
      host: 'fa723fc1b171.global-contribute.live-video.net',
      port: 443,
      app: 'app',
      tcUrl: 'rtmps://fa723fc1b171.global-contribute.live-video.net:443/app',
      streamName: KEY,
      secure: true,
    },
  },
  {
    name: 'Facebook Live RTMPS ingest',
    url: `rtmps://live-api-s.facebook.com:443/rtmp/FB-123456789-0-AbCdEf`,
    value: { protocol: 'rtmps', host: 'live-api-s.facebook.com', port: 443, app: 'rtmp', tcUrl: 'rtmps://live-api-s.facebook.com:443/rtmp', streamName: 'FB-123456789-0-AbCdEf', secure: true },
  },
  {
    name: 'Twitch ingest',
    url: `rtmp://live.twitch.tv/app/${KEY}`,
    value: { protocol: 'rtmp', host: 'live.twitch.tv', port: 1935, app: 'app', tcUrl: 'rtmp://live.twitch.tv/app', streamName: KEY, secure: false },
  },
  {
    name: 'app with instance: three segments make app/instance',
    url: 'rtmp://wowza.example.com:1936/live/_definst_/cam1',
    value: { protocol: 'rtmp', host: 'wowza.example.com', port: 1936, app: 'live/_definst_', tcUrl: 'rtmp://wowza.example.com:1936/live/_definst_', streamName: 'cam1', secure: false },
  },
  {
    name: 'stream name with its own query',
    url: 'rtmp://host.example/live/cam1?token=abc&expires=1',
    value: { protocol: 'rtmp', host: 'host.example', port: 1935, app: 'live', tcUrl: 'rtmp://host.example/live', streamName: 'cam1?token=abc&expires=1', secure: false },
  },
  {
    name: 'IPv6 literal host',
    url: 'rtmp://[::1]:1940/live/test',
    value: { protocol: 'rtmp', host: '::1', port: 1940, app: 'live', tcUrl: 'rtmp://[::1]:1940/live', streamName: 'test', secure: false },
  },
  {
    name: 'server URL without stream key',
    url: 'rtmp://192.168.1.10/live',
    value: { protocol: 'rtmp', host: '192.168.1.10', port: 1935, app: 'live', tcUrl: 'rtmp://192.168.1.10/live', streamName: '', secure: false },
  },
];

describe('parseRtmpUrl', () => {
  it.each(URL_FIXTURES)('parses $name', ({ url, value }) => {
    expect(parseRtmpUrl(url)).toEqual(value);
  });

  // Regression tests, one per quirk.
  it('keeps a query in the first path segment with the app, not the stream key (YouTube backup)', () => {
    expect(parseRtmpUrl(`rtmp://b.rtmp.youtube.com/live2?backup=1/${KEY}`)).toMatchObject({ app: 'live2?backup=1', streamName: KEY });
  });

  it('keeps a "/" inside the stream query in the stream name', () => {
    expect(parseRtmpUrl('rtmp://h/live/key?sig=a/b==')).toMatchObject({ app: 'live', streamName: 'key?sig=a/b==' });
  });

  it('keeps a playpath prefix like mp4: in the stream name instead of taking it as an instance', () => {
    expect(parseRtmpUrl('rtmp://h/vod/mp4:folder/file.mp4')).toMatchObject({ app: 'vod', streamName: 'mp4:folder/file.mp4' });
  });

  it('puts everything after app/instance into the stream name', () => {
    expect(parseRtmpUrl('rtmp://h/a/b/c/d')).toMatchObject({ app: 'a/b', streamName: 'c/d' });
  });

  it('ignores a trailing slash and doubled slashes', () => {
    expect(parseRtmpUrl('rtmp://a.rtmp.youtube.com/live2/')).toMatchObject({ app: 'live2', streamName: '' });
    expect(parseRtmpUrl(`rtmp://live.twitch.tv//app//${KEY}`)).toMatchObject({ app: 'app', streamName: KEY });
  });

  it('uses port 1935 for rtmp and 443 for rtmps when none is given', () => {
    expect(parseRtmpUrl('rtmp://h/app').port).toBe(1935);
    expect(parseRtmpUrl('rtmps://h/app').port).toBe(443);
  });

  it('does not add the default port to tcUrl (OBS/librtmp behaviour)', () => {
    expect(parseRtmpUrl('rtmps://h/app/k').tcUrl).toBe('rtmps://h/app');
  });

  it('accepts an upper-case scheme and surrounding whitespace from a paste', () => {
    expect(parseRtmpUrl(`  RTMP://live.twitch.tv/app/${KEY}\n`)).toMatchObject({ protocol: 'rtmp', tcUrl: 'rtmp://live.twitch.tv/app', streamName: KEY });
  });

  it('returns an empty app for a bare host', () => {
    expect(parseRtmpUrl('rtmp://h')).toMatchObject({ app: '', streamName: '', tcUrl: 'rtmp://h/' });
  });
});

const INVALID: { name: string; url: string; reason: RtmpUrlErrorReason }[] = [
  { name: 'an http URL', url: `https://live.twitch.tv/app/${KEY}`, reason: 'UNSUPPORTED_SCHEME' },
  { name: 'rtmpt (tunnelled) URLs', url: `rtmpt://h/app/${KEY}`, reason: 'UNSUPPORTED_SCHEME' },
  { name: 'a URL without a scheme', url: `live.twitch.tv/app/${KEY}`, reason: 'UNSUPPORTED_SCHEME' },
  { name: 'an empty host', url: `rtmp:///app/${KEY}`, reason: 'MISSING_HOST' },
  { name: 'an empty host with a port', url: `rtmp://:1935/app/${KEY}`, reason: 'MISSING_HOST' },
  { name: 'a port of 0', url: `rtmp://h:0/app/${KEY}`, reason: 'INVALID_PORT' },
  { name: 'a port above 65535', url: `rtmp://h:65536/app/${KEY}`, reason: 'INVALID_PORT' },
  { name: 'a non-numeric port', url: `rtmp://h:19x5/app/${KEY}`, reason: 'INVALID_PORT' },
  { name: 'an empty port', url: `rtmp://h:/app/${KEY}`, reason: 'INVALID_PORT' },
  { name: 'a host with illegal characters', url: `rtmp://h_o st/app/${KEY}`, reason: 'INVALID_CHARACTERS' },
  { name: 'a host with a query', url: `rtmp://h?x=1/app/${KEY}`, reason: 'INVALID_HOST' },
  { name: 'a host with punctuation', url: `rtmp://h!x.example/app/${KEY}`, reason: 'INVALID_HOST' },
  { name: 'an unbracketed IPv6 host', url: `rtmp://::1/app/${KEY}`, reason: 'INVALID_HOST' },
  { name: 'an invalid IPv6 literal', url: `rtmp://[::g]/app/${KEY}`, reason: 'INVALID_HOST' },
  { name: 'an unterminated IPv6 literal', url: `rtmp://[::1/app/${KEY}`, reason: 'INVALID_HOST' },
  { name: 'credentials', url: `rtmp://user:${KEY}@h/app/${KEY}`, reason: 'CREDENTIALS_NOT_SUPPORTED' },
  { name: 'a control character in the key', url: `rtmp://h/app/${KEY}\u0000`, reason: 'INVALID_CHARACTERS' },
];

function captureUrlError(fn: () => unknown): RtmpUrlError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RtmpUrlError);
    return error as RtmpUrlError;
  }
  throw new Error('expected an RtmpUrlError');
}

describe('parseRtmpUrl on invalid URLs', () => {
  it.each(INVALID)('rejects $name with $reason', ({ url, reason }) => {
    const error = captureUrlError(() => parseRtmpUrl(url));
    expect(error.reason).toBe(reason);
    expect(error).toBeInstanceOf(RtmpError);
    expect(error.code).toBe('INVALID_URL');
    expect(error.message.length).toBeGreaterThan(10);
  });

  it.each(INVALID)('never puts the stream key in the message for $name', ({ url }) => {
    const error = captureUrlError(() => parseRtmpUrl(url));
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('live_12345');
  });

  it('never puts any part of the path in the message, for random keys', () => {
    fc.assert(
      fc.property(fc.constantFrom('http', 'rtmp', 'rtmps', 'srt'), fc.constantFrom('h', '', 'h:0', '[::1', 'h:x'), fc.string({ minLength: 8, maxLength: 40 }), (scheme, authority, key) => {
        const secret = `SECRET${key}`;
        try {
          parseRtmpUrl(`${scheme}://${authority}/app/${secret}`);
        } catch (error) {
          expect(error).toBeInstanceOf(RtmpUrlError);
          expect((error as Error).message).not.toContain('SECRET');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('buildPublishUrl', () => {
  const CASES = [
    { name: 'Twitch', server: 'rtmp://live.twitch.tv/app', publish: `rtmp://live.twitch.tv/app/${KEY}` },
    { name: 'YouTube primary with a trailing slash', server: 'rtmp://a.rtmp.youtube.com/live2/', publish: `rtmp://a.rtmp.youtube.com/live2/${KEY}` },
    { name: 'YouTube backup appends the key after the query', server: 'rtmp://b.rtmp.youtube.com/live2?backup=1', publish: `rtmp://b.rtmp.youtube.com/live2?backup=1/${KEY}` },
    { name: 'Kick keeps :443', server: 'rtmps://fa723fc1b171.global-contribute.live-video.net:443/app/', publish: `rtmps://fa723fc1b171.global-contribute.live-video.net:443/app/${KEY}` },
    { name: 'Facebook', server: 'rtmps://live-api-s.facebook.com:443/rtmp/', publish: `rtmps://live-api-s.facebook.com:443/rtmp/${KEY}` },
    { name: 'IPv6 host', server: 'rtmp://[2001:db8::1]/live', publish: `rtmp://[2001:db8::1]/live/${KEY}` },
  ];

  it.each(CASES)('joins the $name server URL and key', ({ server, publish }) => {
    expect(buildPublishUrl(server, KEY)).toBe(publish);
    expect(parseRtmpUrl(publish)).toMatchObject({ streamName: KEY });
  });

  it('never produces a double slash when the key starts with one or the server ends with several', () => {
    expect(buildPublishUrl('rtmp://live.twitch.tv/app//', `/${KEY}`)).toBe(`rtmp://live.twitch.tv/app/${KEY}`);
  });

  it('trims whitespace pasted around the key', () => {
    expect(buildPublishUrl('rtmp://live.twitch.tv/app', `  ${KEY}\n`)).toBe(`rtmp://live.twitch.tv/app/${KEY}`);
  });

  it('keeps a multi-segment server path entirely as the app in resolvePublishTarget', () => {
    expect(resolvePublishTarget('rtmp://h/a/b/c', KEY)).toMatchObject({ app: 'a/b/c', tcUrl: 'rtmp://h/a/b/c', streamName: KEY });
  });

  it('rejects a server URL without an app, an empty key and a key with spaces, without echoing the key', () => {
    expect(captureUrlError(() => buildPublishUrl('rtmp://live.twitch.tv', KEY)).reason).toBe('MISSING_APP');
    expect(captureUrlError(() => buildPublishUrl('rtmp://live.twitch.tv/app', '   ')).reason).toBe('MISSING_STREAM_KEY');
    const error = captureUrlError(() => buildPublishUrl('rtmp://live.twitch.tv/app', `${KEY} extra`));
    expect(error.reason).toBe('INVALID_STREAM_KEY');
    expect(error.message).not.toContain(KEY);
  });

  it('round-trips: parse(build(server, key)) gives back the app and the key', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
      fc.ipV4(),
      fc.ipV6().map((ip) => `[${ip}]`),
    );
    const segment = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
    // Only the first segment may carry a query; no segment may contain ':' (see RtmpUrl docs).
    const app = fc.oneof(
      segment,
      fc.tuple(segment, fc.stringMatching(/^[a-z]{1,6}=[a-z0-9]{1,6}$/)).map(([s, q]) => `${s}?${q}`),
      fc.tuple(segment, segment).map(([a, b]) => `${a}/${b}`),
    );
    const key = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_:.-]{1,40}$/),
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), fc.stringMatching(/^[a-z]{1,5}=[A-Za-z0-9/=+]{0,20}$/)).map(([k, q]) => `${k}?${q}`),
    );
    fc.assert(
      fc.property(fc.constantFrom('rtmp', 'rtmps'), host, fc.option(fc.integer({ min: 1, max: 65535 })), app, key, (protocol, h, port, a, k) => {
        const server = `${protocol}://${h}${port === null ? '' : `:${port}`}/${a}`;
        const parsed = parseRtmpUrl(buildPublishUrl(server, k));
        expect(parsed).toMatchObject({ protocol, app: a, streamName: k, tcUrl: server, secure: protocol === 'rtmps' });
        expect(parsed.port).toBe(port ?? (protocol === 'rtmps' ? 443 : 1935));
        expect(resolvePublishTarget(server, k)).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });
});
