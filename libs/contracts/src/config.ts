import { z } from 'zod';
import { passwordSchema } from './password-policy';

/** A TCP port given as an environment string: digits only, 1-65535. */
const port = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number between 1 and 65535')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535'))
    .default(fallback);

const seconds = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds, e.g. 10')
    .transform(Number)
    .default(fallback);

const wholeNumber = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`))
    .default(fallback);

const flag = z
  .enum(['true', 'false', '1', '0'], 'must be true or false')
  .transform((v) => v === 'true' || v === '1')
  .default(false);

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * Every environment variable Fanout reads, validated once at boot.
 * The README's configuration table is generated from `configDocs` below, so keep both together.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    PUBLIC_HOST: optionalText,
    API_PORT: port(4000),
    WEB_PORT: port(3000),
    RTMP_PORT: port(1935),
    API_INTERNAL_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()),
    RTMPS_PORT: port(1936),
    RTMPS_CERT_FILE: optionalText,
    RTMPS_KEY_FILE: optionalText,
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    TRUST_PROXY: z
      .string()
      .trim()
      .regex(/^(loopback|none|\d+|[0-9a-fA-F.:/,\s]+)$/, 'must be loopback, none, a hop count, or addresses/CIDRs separated by commas')
      .default('loopback'),
    PUBLIC_HOSTS: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9.*:[\]%_-]+(\s*,\s*[A-Za-z0-9.*:[\]%_-]+)*$/, 'must be host names or addresses separated by commas')
        .optional(),
    ),
    HTTP_HEADERS_TIMEOUT_S: seconds(10),
    HTTP_REQUEST_TIMEOUT_S: seconds(30),
    LOGIN_FREE_FAILURES: wholeNumber(5, 1, 100),
    LOGIN_MAX_DELAY_S: wholeNumber(900, 1, 86_400),
    LOGIN_ADDRESS_FAILURES: wholeNumber(20, 1, 10_000),
    EVENTS_RECHECK_S: seconds(2),
    ALLOW_PRIVATE_DESTINATIONS: flag,
    MAX_DESTINATIONS_PER_STREAM: wholeNumber(20, 1, 1000),
    PREVIEW_MAX_VIEWERS: wholeNumber(10, 1, 1000),
    RECORDINGS_DIR: optionalText,
    RECORDINGS_MAX_AGE_DAYS: wholeNumber(30, 0, 36_500),
    RECORDINGS_MAX_TOTAL_GB: wholeNumber(0, 0, 1_000_000),
    RECORDINGS_MIN_FREE_GB: wholeNumber(1, 0, 1_000_000),
    WEBHOOK_TIMEOUT_S: seconds(10),
    WEBHOOK_RETRY_FIRST_S: seconds(15),
    WEBHOOK_RETENTION_DAYS: wholeNumber(30, 1, 3650),
    DATA_DIR: z.string().trim().min(1).default('.data'),
    EMBEDDED_PG_PORT: port(54329),
    ADMIN_EMAIL: optionalText.pipe(z.email('must be an email address').optional()),
    ADMIN_PASSWORD: optionalText.pipe(passwordSchema.optional()),
    SECRET_KEY: optionalText.pipe(
      z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
        .optional(),
    ),
    INGEST_GRACE_S: seconds(10),
    INGEST_STALL_S: seconds(1.5),
    INGEST_FAILBACK_S: seconds(10),
    FFMPEG_PATH: z.string().trim().min(1).default('ffmpeg'),
    RTMP_MAX_CONNECTIONS: wholeNumber(1000, 1, 100_000),
    RTMP_MAX_CONNECTIONS_PER_ADDRESS: wholeNumber(50, 1, 100_000),
    RTMP_PUBLISH_TIMEOUT_S: seconds(10),
    RTMP_IDLE_TIMEOUT_S: seconds(30),
    RTMP_PREAUTH_MAX_MESSAGE_BYTES: wholeNumber(65_536, 4_096, 16_777_215),
    RTMP_MAX_MESSAGE_BYTES: wholeNumber(16_777_215, 65_536, 16_777_215),
    RTMP_HELD_MEDIA_MAX_BYTES: wholeNumber(4 * 1024 * 1024, 65_536, 64 * 1024 * 1024),
    RTMP_BAD_KEY_FREE: wholeNumber(5, 1, 1000),
    RTMP_BAD_KEY_MAX_DELAY_S: seconds(4),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .optional(),
  })
  .superRefine((cfg, ctx) => {
    if (Boolean(cfg.ADMIN_EMAIL) !== Boolean(cfg.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [cfg.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
    if (Boolean(cfg.RTMPS_CERT_FILE) !== Boolean(cfg.RTMPS_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: [cfg.RTMPS_CERT_FILE ? 'RTMPS_KEY_FILE' : 'RTMPS_CERT_FILE'],
        message: 'RTMPS_CERT_FILE and RTMPS_KEY_FILE must be set together',
      });
    }
    if (cfg.HTTP_HEADERS_TIMEOUT_S > cfg.HTTP_REQUEST_TIMEOUT_S) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_S'], message: `must not exceed HTTP_REQUEST_TIMEOUT_S (${cfg.HTTP_REQUEST_TIMEOUT_S})` });
    }
    if (cfg.RTMP_PUBLISH_TIMEOUT_S < 1) ctx.addIssue({ code: 'custom', path: ['RTMP_PUBLISH_TIMEOUT_S'], message: 'must be at least 1 second (encoders need a moment to connect)' });
    if (cfg.RTMP_IDLE_TIMEOUT_S < 5) ctx.addIssue({ code: 'custom', path: ['RTMP_IDLE_TIMEOUT_S'], message: 'must be at least 5 seconds' });
    if (cfg.RTMP_BAD_KEY_MAX_DELAY_S > 10) ctx.addIssue({ code: 'custom', path: ['RTMP_BAD_KEY_MAX_DELAY_S'], message: 'must be at most 10 seconds (a valid key waits this long behind a flood of bad ones)' });
    if (cfg.RTMP_MAX_CONNECTIONS_PER_ADDRESS > cfg.RTMP_MAX_CONNECTIONS) ctx.addIssue({ code: 'custom', path: ['RTMP_MAX_CONNECTIONS_PER_ADDRESS'], message: `must not exceed RTMP_MAX_CONNECTIONS (${cfg.RTMP_MAX_CONNECTIONS})` });
    if (cfg.EVENTS_RECHECK_S < 0.5 || cfg.EVENTS_RECHECK_S > 5) ctx.addIssue({ code: 'custom', path: ['EVENTS_RECHECK_S'], message: 'must be between 0.5 and 5 seconds' });
    if (cfg.WEBHOOK_TIMEOUT_S < 1 || cfg.WEBHOOK_TIMEOUT_S > 60) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_TIMEOUT_S'], message: 'must be between 1 and 60 seconds' });
    if (cfg.WEBHOOK_RETRY_FIRST_S < 0.05 || cfg.WEBHOOK_RETRY_FIRST_S > 3600) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_RETRY_FIRST_S'], message: 'must be between 0.05 and 3600 seconds' });
    for (const name of ['HTTP_HEADERS_TIMEOUT_S', 'HTTP_REQUEST_TIMEOUT_S'] as const) {
      if (cfg[name] <= 0) ctx.addIssue({ code: 'custom', path: [name], message: 'must be more than 0 seconds' });
    }
    const ports = { API_PORT: cfg.API_PORT, WEB_PORT: cfg.WEB_PORT, RTMP_PORT: cfg.RTMP_PORT };
    const seen = new Map<number, string>();
    for (const [name, value] of Object.entries(ports)) {
      const other = seen.get(value);
      if (other) ctx.addIssue({ code: 'custom', path: [name], message: `must differ from ${other} (both ${value})` });
      seen.set(value, name);
    }
  });

export type Config = z.output<typeof configSchema>;

/** One line per variable for the README table and `--help`. */
export const configDocs: Record<keyof z.input<typeof configSchema>, string> = {
  NODE_ENV: '`production`, `development` (pretty logs) or `test`.',
  HOST: 'Address the API and RTMP listeners bind to.',
  PUBLIC_HOST: 'Host name shown in ingest URLs (`rtmp://PUBLIC_HOST:1935/live`). Default: this machine\'s host name as seen by the browser.',
  API_PORT: 'HTTP port of the API.',
  WEB_PORT: 'HTTP port of the dashboard; it proxies `/api/*` to the API.',
  RTMP_PORT: 'RTMP ingest port that OBS publishes to.',
  API_INTERNAL_URL: 'Where the dashboard server reaches the API. Default `http://127.0.0.1:API_PORT` (set it when they run in separate containers).',
  RTMPS_PORT: 'RTMPS ingest port, used only when a certificate is configured.',
  RTMPS_CERT_FILE: 'PEM certificate for the RTMPS ingest listener (with `RTMPS_KEY_FILE`).',
  RTMPS_KEY_FILE: 'PEM private key for the RTMPS ingest listener.',
  DATABASE_URL: 'PostgreSQL URL. Unset: an embedded PostgreSQL is started with its data in `DATA_DIR/postgres`.',
  TRUST_PROXY: 'Which proxies may set `X-Forwarded-For`/`-Proto`/`-Host` (client address for rate limits and the audit log, https for `Secure` cookies and HSTS), for the API and the dashboard server alike: `loopback`, `none`, a hop count, or addresses/CIDRs such as `172.16.0.0/12` for the dashboard container. The dashboard overwrites these headers with what it saw itself before proxying `/api`, so a browser cannot choose its own address.',
  PUBLIC_HOSTS: 'Host names the dashboard and API answer to, separated by commas (`fanout.example.com,*.lan.example`; `*` allows any). Other `Host` headers get 403 `HOST_NOT_ALLOWED`, so a DNS-rebinding page cannot reach the API (first-run setup included) through a name it controls. Default: this machine\'s host name and interface addresses; `localhost`, `127.0.0.1`, `[::1]` and `PUBLIC_HOST` are always allowed.',
  HTTP_HEADERS_TIMEOUT_S: 'Seconds a client has to send the request headers (API and dashboard). A slow-loris connection is closed after this.',
  HTTP_REQUEST_TIMEOUT_S: 'Seconds a client has to send a whole request, body included (API and dashboard); a trickled body is cut with 408. Bodies are at most 1 MiB, so 30 s is generous; responses (events streams) are not limited.',
  LOGIN_FREE_FAILURES: 'Wrong passwords one address may try for one account before sign-in slows down. Then each failure doubles a delay (30 s, 1 min, 2 min...) up to `LOGIN_MAX_DELAY_S`; a success clears it. Never counted per account alone, so nobody can lock the owner out by typing wrong passwords for their email (OWASP Authentication Cheat Sheet).',
  LOGIN_MAX_DELAY_S: 'The longest such delay, in seconds (default 15 minutes).',
  LOGIN_ADDRESS_FAILURES: 'Failed sign-ins one address may make across all accounts in 15 minutes (password spraying), then 429 until the oldest leaves the window. Addresses are the real client, per `TRUST_PROXY`.',
  EVENTS_RECHECK_S: 'How often a live events stream (SSE) re-checks its session or token and the viewer\'s access to the stream; it ends within this of a sign-out, revocation, demotion or deletion. 0.5 to 5 s; each check is one small query.',
  ALLOW_PRIVATE_DESTINATIONS: '`true` lets members\' destinations use private, loopback, link-local and metadata addresses too. Off by default: a member could otherwise make the server connect into its own network (SSRF). Streams of owners and admins may always use them (a LAN server), with a warning.',
  MAX_DESTINATIONS_PER_STREAM: 'Destinations one stream may have (each is one outbound connection while live). Default 20, far above what any platform mix needs; raise it for benchmarks.',
  PREVIEW_MAX_VIEWERS: 'Live preview viewers one stream may have at once (each is an HTTP-FLV response at the ingest bitrate, with its own bounded queue; a viewer that stops reading is dropped after 5 s). More are refused with 409.',
  RECORDINGS_DIR: 'Where recordings are written (fragmented MP4, one folder per stream). Unset: `DATA_DIR/recordings`. It must exist when set: Fanout does not create it, so recordings never land on the root disk when the disk meant for them is not mounted.',
  RECORDINGS_MAX_AGE_DAYS: 'Recordings older than this are deleted (checked hourly and after each broadcast). 0 keeps them forever.',
  RECORDINGS_MAX_TOTAL_GB: 'When all recordings together pass this size, the oldest are deleted until they fit; never the one being written. 0: no size limit (the free-space floor still applies).',
  RECORDINGS_MIN_FREE_GB: 'A recording stops, with "low disk space" in the dashboard, rather than take its file system below this many GiB free (or 5% of a small disk); the live broadcast goes on. 0 turns the floor off.',
  WEBHOOK_TIMEOUT_S:
    'Seconds one webhook delivery may take, connecting included (1 to 60); a receiver that has not answered by then counts as failed and is retried. Connecting alone gets at most 5 s. Answers are read up to 64 KiB.',
  WEBHOOK_RETRY_FIRST_S:
    'Seconds before a failed webhook delivery is retried the first time; each further retry waits 5× longer (±20% jitter), at most 10 h, for 8 attempts in all: about 24 h with the default 15.',
  WEBHOOK_RETENTION_DAYS: 'Days the webhook delivery log keeps deliveries and their events. Retries give up after about a day, so only finished ones get this old, unless their endpoint stays disabled (then they are dropped too).',
  DATA_DIR: 'Where Fanout keeps its state (embedded database, generated secret key).',
  EMBEDDED_PG_PORT: 'Loopback port of the embedded PostgreSQL.',
  ADMIN_EMAIL: 'With `ADMIN_PASSWORD`, creates this owner account at start when the database has no user.',
  ADMIN_PASSWORD: 'Password of that first owner: the same policy as the dashboard (at least 10 characters, not only spaces, not a common password).',
  SECRET_KEY: '64 hex characters that encrypt destination keys at rest. Unset: generated once into `DATA_DIR/secret.key`.',
  INGEST_GRACE_S: 'Seconds destinations stay connected after the publisher drops, waiting for it to return (the slate on air meanwhile); a stream may set its own (graceSeconds, up to an hour).',
  INGEST_STALL_S: 'An encoder that sends no media for this long is stalled: the backup encoder (or the slate) goes on air.',
  INGEST_FAILBACK_S: 'After a failover to the backup, the primary goes back on air once it has been healthy this long (at its keyframe).',
  FFMPEG_PATH: 'The ffmpeg that renders slates (a still card matching the ingest, sent while no encoder is on air). Without a working one, the start-up log says so once and destinations wait with nothing sent.',
  RTMP_MAX_CONNECTIONS:
    'Open RTMP/RTMPS connections the ingest holds at most; more are closed on accept. SRS\'s default: enough for any single box, small enough that a flood of idle sockets cannot exhaust memory or file descriptors.',
  RTMP_MAX_CONNECTIONS_PER_ADDRESS:
    'Open connections from one client address at most (IPv4-mapped IPv6 counts as IPv4). Encoders behind one NAT must fit; one attacker must not take the whole pool.',
  RTMP_PUBLISH_TIMEOUT_S:
    'A connection that has not sent `publish` this long after it was accepted is closed, however it trickles bytes (the idle timeout alone is reset by each byte). OBS publishes within a second.',
  RTMP_IDLE_TIMEOUT_S: 'A connection that sends nothing for this long is closed (a publisher that stopped sending, a dead peer).',
  RTMP_PREAUTH_MAX_MESSAGE_BYTES:
    'Largest message an anonymous connection may send before `publish` (connect, createStream: a few hundred bytes in practice), and the reassembly it may hold is 4× this. Keeps a half-sent 16 MiB message from parking memory before any key is checked.',
  RTMP_MAX_MESSAGE_BYTES: 'Largest message once a publish is accepted (the protocol\'s own 24-bit limit by default; a 4K keyframe fits).',
  RTMP_HELD_MEDIA_MAX_BYTES:
    'Media an encoder may send behind `publish` while its key is checked; it is kept and delivered in order once accepted (some encoders do not wait for NetStream.Publish.Start). Past it, or 3 s of media, the connection is closed and the log says why.',
  RTMP_BAD_KEY_FREE:
    'Bad stream keys per address per minute answered at once; after that each attempt from the address waits (doubling from 0.25 s up to RTMP_BAD_KEY_MAX_DELAY_S) before its key is checked. Counted before the lookup. A valid key is always checked and always publishes, so a NAT neighbour or an encoder retrying a rotated key cannot keep a streamer off the air.',
  RTMP_BAD_KEY_MAX_DELAY_S: 'Longest wait before a key from an address with many bad keys is checked (at most 10 s: OBS gives up on a publish after about 15).',
  LOG_LEVEL: '`fatal` `error` `warn` `info` `debug` `trace` or `silent`.',
  LOG_PRETTY: '`true` for human-readable logs; default is JSON in production and pretty in development.',
};

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parse the environment into a Config, or throw one ConfigError naming every bad variable.
 * Empty strings count as unset, as shells and compose files often produce them.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = Object.keys(configDocs);
  const input: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
  }
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? 'config'),
    message: issue.message,
  }));
  throw new ConfigError(problems);
}

/** `TRUST_PROXY` as Fastify and proxy-addr take it: false, a hop count, or addresses/CIDRs/`loopback`. */
export function trustProxySetting(value: string): boolean | number | string[] {
  if (value === 'none') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}
