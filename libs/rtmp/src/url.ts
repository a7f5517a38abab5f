import { isIPv6 } from 'node:net';
import { RtmpError } from './errors';

export type RtmpProtocol = 'rtmp' | 'rtmps';

/**
 * A parsed RTMP destination.
 *
 * How the path splits into `app` and `streamName` (the librtmp/ffmpeg convention):
 * - `/app` → app `app`, no stream name (a server URL).
 * - `/app/key` → app `app`, stream `key`.
 * - `/app/instance/key…` (three or more segments) → app `app/instance`, stream the rest
 *   (`rtmp://wowza/live/_definst_/cam1` → app `live/_definst_`), unless the second
 *   segment contains `:` (a playpath prefix such as `mp4:`), which keeps app to one segment.
 * - A query inside the first segment belongs to the app and so to tcUrl
 *   (YouTube backup: `/live2?backup=1/KEY` → app `live2?backup=1`, stream `KEY`).
 * - After the first segment, the first `?` starts the stream name's query, which runs to
 *   the end even if it contains `/` (`/app/key?token=a/b` → stream `key?token=a/b`).
 * - Empty segments (`//`, trailing `/`) are dropped.
 */
export interface RtmpUrl {
  protocol: RtmpProtocol;
  /** Host name or IP, without IPv6 brackets. */
  host: string;
  /** Explicit port, else 1935 for rtmp and 443 for rtmps. */
  port: number;
  /** The RTMP application, possibly with an instance (`app/inst`) and a query. */
  app: string;
  /**
   * `protocol://authority/app`, with the authority (host and port) as written in the
   * URL the way OBS/librtmp send it: no port is added when the URL had none.
   */
  tcUrl: string;
  /** The stream name or key, with its query if any; empty for a server URL. */
  streamName: string;
  secure: boolean;
}

export type RtmpUrlErrorReason =
  | 'UNSUPPORTED_SCHEME'
  | 'INVALID_CHARACTERS'
  | 'CREDENTIALS_NOT_SUPPORTED'
  | 'MISSING_HOST'
  | 'INVALID_HOST'
  | 'INVALID_PORT'
  | 'MISSING_APP'
  | 'MISSING_STREAM_KEY'
  | 'INVALID_STREAM_KEY';

/**
 * Code `INVALID_URL`, plus the precise `reason`. Messages are safe to show and
 * to log: they never contain the URL's path, so never the stream key.
 */
export class RtmpUrlError extends RtmpError {
  constructor(
    readonly reason: RtmpUrlErrorReason,
    message: string,
  ) {
    super('INVALID_URL', message);
  }
}

export const DEFAULT_RTMP_PORT = 1935;
export const DEFAULT_RTMPS_PORT = 443;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const FORBIDDEN_CHARS = /[\s\x00-\x1f\x7f]/;
const HOSTNAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;

interface Authority {
  protocol: RtmpProtocol;
  host: string;
  port: number;
  /** Host and port exactly as written (IPv6 with brackets). */
  authority: string;
  /** Everything after the authority's `/`, with leading slashes removed. */
  path: string;
}

/** Parses a full RTMP URL (server URL or publish URL with stream key). */
export function parseRtmpUrl(url: string): RtmpUrl {
  const { protocol, host, port, authority, path } = parseAuthority(url);
  const { app, streamName } = splitPath(path);
  return { protocol, host, port, app, tcUrl: `${protocol}://${authority}/${app}`, streamName, secure: protocol === 'rtmps' };
}

/**
 * Joins a destination's server URL and stream key into one publish URL.
 * The whole path of `serverUrl` is the app (trailing slashes removed); the key
 * is appended after it even when the app carries a query, as YouTube's backup
 * ingest expects (`rtmp://b.rtmp.youtube.com/live2?backup=1/KEY`).
 */
export function buildPublishUrl(serverUrl: string, streamKey: string): string {
  const target = resolvePublishTarget(serverUrl, streamKey);
  return `${target.tcUrl}/${target.streamName}`;
}

/**
 * Like `buildPublishUrl` but returns the parts directly, without re-splitting
 * the joined string: use it to connect, since it keeps a 2+ segment server path
 * (`rtmp://h/a/b/c`) entirely as the app.
 */
export function resolvePublishTarget(serverUrl: string, streamKey: string): RtmpUrl {
  const { protocol, host, port, authority, path } = parseAuthority(serverUrl);
  const app = path.replace(/\/+$/, '');
  if (app === '') throw new RtmpUrlError('MISSING_APP', 'RTMP server URL has no application path (e.g. rtmp://host/live)');
  const key = streamKey.trim().replace(/^\/+/, '');
  if (key === '') throw new RtmpUrlError('MISSING_STREAM_KEY', 'stream key is empty');
  if (FORBIDDEN_CHARS.test(key)) throw new RtmpUrlError('INVALID_STREAM_KEY', 'stream key contains whitespace or control characters');
  return { protocol, host, port, app, tcUrl: `${protocol}://${authority}/${app}`, streamName: key, secure: protocol === 'rtmps' };
}

function parseAuthority(input: string): Authority {
  const url = input.trim();
  if (FORBIDDEN_CHARS.test(url)) throw new RtmpUrlError('INVALID_CHARACTERS', 'RTMP URL contains whitespace or control characters');
  const scheme = SCHEME.exec(url);
  if (scheme === null) throw new RtmpUrlError('UNSUPPORTED_SCHEME', 'RTMP URL must start with rtmp:// or rtmps://');
  const protocol = (scheme[1] as string).toLowerCase();
  if (protocol !== 'rtmp' && protocol !== 'rtmps') {
    const shown = protocol.length <= 12 ? ` (got ${protocol}://)` : '';
    throw new RtmpUrlError('UNSUPPORTED_SCHEME', `RTMP URL must start with rtmp:// or rtmps://${shown}`);
  }
  const rest = url.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+/, '');
  if (authority.includes('@')) throw new RtmpUrlError('CREDENTIALS_NOT_SUPPORTED', 'RTMP URL must not contain user:password@');

  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw new RtmpUrlError('INVALID_HOST', 'RTMP URL has an unterminated IPv6 address');
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new RtmpUrlError('INVALID_HOST', 'RTMP URL has characters after the IPv6 address');
    if (after !== '') portText = after.slice(1);
    if (!isIPv6(host)) throw new RtmpUrlError('INVALID_HOST', 'RTMP URL has an invalid IPv6 address');
  } else {
    const colon = authority.indexOf(':');
    if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) throw new RtmpUrlError('INVALID_HOST', 'IPv6 hosts must be written in brackets, e.g. rtmp://[::1]/live');
    host = colon < 0 ? authority : authority.slice(0, colon);
    if (colon >= 0) portText = authority.slice(colon + 1);
    if (host === '') throw new RtmpUrlError('MISSING_HOST', 'RTMP URL has no host');
    if (!HOSTNAME.test(host)) throw new RtmpUrlError('INVALID_HOST', 'RTMP URL host may contain only letters, digits, ".", "-" and "_"');
  }

  const defaultPort = protocol === 'rtmps' ? DEFAULT_RTMPS_PORT : DEFAULT_RTMP_PORT;
  let port = defaultPort;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65535) throw new RtmpUrlError('INVALID_PORT', 'RTMP URL port must be a number from 1 to 65535');
  }
  return { protocol, host, port, authority, path };
}

function splitPath(path: string): { app: string; streamName: string } {
  const firstSlash = path.indexOf('/');
  if (firstSlash < 0) return { app: path, streamName: '' };
  let app = path.slice(0, firstSlash);
  const remainder = path.slice(firstSlash + 1);
  const q = remainder.indexOf('?');
  const query = q < 0 ? '' : remainder.slice(q);
  const segments = (q < 0 ? remainder : remainder.slice(0, q)).split('/').filter((s) => s !== '');
  if (segments.length >= 2 && !(segments[0] as string).includes(':')) {
    app += `/${segments.shift() as string}`;
  }
  return { app, streamName: segments.join('/') + query };
}
