import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { PreviewUrl } from '@fanout/contracts';
import { writableFlvTarget, type FlvWritable } from '@fanout/restream';
import type { AuthContext, User } from '../auth/auth.types';
import { type CredentialRef, Credentials } from '../auth/credentials';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import { LiveControl } from '../ingest/live-control';
import { LOGGER, type Logger } from '../logging/logger';
import { DEFAULT_LIVE_EVENTS_TIMING, LIVE_EVENTS_TIMING, type LiveEventsTiming } from '../live/live-events.service';
import { StreamAccess } from '../streams/stream-access';

/** How long a signed preview URL may be used to start playing (the connection then lives while access does). */
export const PREVIEW_URL_TTL_S = 60;
const PURPOSE = 'preview';

const FLV_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'video/x-flv',
  'cache-control': 'no-store',
  // Proxies must pass each tag on at once.
  'x-accel-buffering': 'no',
};

/** The parts of a Fastify reply a preview needs (narrow, so tests can fake it). */
export interface PreviewReply {
  hijack(): unknown;
  getHeaders(): Record<string, string | number | string[] | undefined>;
  raw: FlvWritable & {
    writeHead(status: number, headers: Record<string, string | number | string[]>): unknown;
    on(event: 'close', listener: () => void): unknown;
  };
}

/** What a signed preview URL carries: the stream, the credential it was made with, its expiry. */
interface PreviewClaim {
  streamId: string;
  credential: CredentialRef;
  /** Unix seconds. */
  expires: number;
}

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer): string => bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** 37 bytes (stream id, credential kind and id, expiry): with its MAC, a 73-character URL segment. */
function packClaim(claim: PreviewClaim): Buffer {
  const out = Buffer.alloc(37);
  uuidBytes(claim.streamId).copy(out, 0);
  out[16] = claim.credential.via === 'session' ? 1 : 2;
  uuidBytes(claim.credential.via === 'session' ? claim.credential.sessionId : claim.credential.tokenId).copy(out, 17);
  out.writeUInt32BE(claim.expires, 33);
  return out;
}

function unpackClaim(bytes: Buffer | undefined): PreviewClaim | undefined {
  if (bytes?.length !== 37 || (bytes[16] !== 1 && bytes[16] !== 2)) return undefined;
  const id = uuidOf(bytes.subarray(17, 33));
  return {
    streamId: uuidOf(bytes.subarray(0, 16)),
    credential: bytes[16] === 1 ? { via: 'session', sessionId: id } : { via: 'token', tokenId: id },
    expires: bytes.readUInt32BE(33),
  };
}

/**
 * The live preview: `GET /api/streams/:id/preview` plays the stream's ingest as HTTP-FLV, from
 * its current keyframe, to whoever may see the stream (session cookie or API token), or to a
 * player holding a signed URL made for them (`POST /api/streams/:id/preview-url`; never the
 * stream key). Each viewer is an engine sink with its own bounded queue: a slow one loses GOP
 * tails, a stopped one is dropped, and neither touches a destination. At most
 * PREVIEW_MAX_VIEWERS per stream; access is checked again every EVENTS_RECHECK_S, as for the
 * events stream.
 */
@Injectable()
export class PreviewService implements OnModuleDestroy {
  private readonly log: Logger;
  private readonly viewers = new Map<string, number>();
  private readonly open = new Set<(reason: string) => void>();
  private readonly recheckMs: number;

  constructor(
    private readonly access: StreamAccess,
    private readonly credentials: Credentials,
    private readonly live: LiveControl,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'PREVIEW_MAX_VIEWERS'>,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(LIVE_EVENTS_TIMING) timing?: Partial<LiveEventsTiming>,
  ) {
    this.log = logger.child({ component: 'preview' });
    this.recheckMs = timing?.recheckMs ?? DEFAULT_LIVE_EVENTS_TIMING.recheckMs;
  }

  /** A URL that plays the preview without a cookie, for a minute; it dies with the session or token it was made with. */
  async url(auth: AuthContext, streamId: string): Promise<PreviewUrl> {
    await this.access.visible(auth.user, streamId);
    const expires = Math.floor(this.clock.now().getTime() / 1000) + PREVIEW_URL_TTL_S;
    const credential: CredentialRef = auth.via === 'session' ? { via: 'session', sessionId: auth.sessionId } : { via: 'token', tokenId: auth.tokenId };
    const token = this.secrets.sign(PURPOSE, packClaim({ streamId, credential, expires }));
    return { url: `/api/preview/${token}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** Plays the preview a signed URL names; an expired, tampered or orphaned one is 401. */
  async serveSigned(token: string, reply: PreviewReply): Promise<void> {
    const claim = unpackClaim(this.secrets.verify(PURPOSE, token));
    if (!claim || claim.expires * 1000 < this.clock.now().getTime()) throw new AppError('UNAUTHENTICATED', { internal: 'preview URL invalid or expired' });
    const user = await this.credentials.current(claim.credential);
    if (!user) throw new AppError('UNAUTHENTICATED', { internal: 'preview URL of a revoked credential' });
    return this.serve(claim.credential, user, claim.streamId, reply);
  }

  /** Plays the preview to `user`, signed in with `credential` (checked again while it plays). */
  async serve(credential: CredentialRef, user: User, streamId: string, reply: PreviewReply): Promise<void> {
    await this.access.visible(user, streamId);
    if (this.live.stats(streamId) === undefined) throw new AppError('CONFLICT', { message: 'Nothing is publishing to this stream right now.' });
    const count = this.viewers.get(streamId) ?? 0;
    if (count >= this.config.PREVIEW_MAX_VIEWERS) {
      throw new AppError('LIMIT_REACHED', { message: `This stream already has ${this.config.PREVIEW_MAX_VIEWERS} preview viewers, the most this server allows (PREVIEW_MAX_VIEWERS).` });
    }
    this.viewers.set(streamId, count + 1);

    reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined && name !== 'content-length') headers[name] = value;
    reply.raw.writeHead(200, { ...headers, ...FLV_HEADERS });

    const id = randomUUID();
    const log = this.log.child({ streamId, viewer: id.slice(0, 8) });
    const attached: { detach?: () => Promise<void> } = {}; // set once the engine has the viewer
    let done = false;
    const finish = (reason: string) => {
      if (done) return;
      done = true;
      clearInterval(recheck);
      this.open.delete(finish);
      const left = (this.viewers.get(streamId) ?? 1) - 1;
      if (left > 0) this.viewers.set(streamId, left);
      else this.viewers.delete(streamId);
      void attached.detach?.().catch(() => undefined);
      if (!reply.raw.destroyed) reply.raw.end();
      log.info({ reason, viewers: left }, 'preview viewer left');
    };
    const recheck = setInterval(() => {
      void this.credentials
        .current(credential)
        .then(async (user) => {
          if (!user) return finish('signed out or revoked');
          await this.access.visible(user, streamId);
        })
        .catch(() => finish('no longer allowed to see the stream'));
    }, this.recheckMs);
    recheck.unref();
    this.open.add(finish);
    reply.raw.on('close', () => finish('the player went away'));
    attached.detach = this.live.attachViewer(streamId, { id, target: writableFlvTarget(reply.raw), gone: (reason) => finish(reason) });
    if (attached.detach === undefined) return finish('the broadcast ended');
    log.info({ viewers: count + 1 }, 'preview viewer joined');
  }

  /** Viewers watching `streamId` now. */
  viewerCount(streamId: string): number {
    return this.viewers.get(streamId) ?? 0;
  }

  /** Server shutdown: end every preview so none holds the server open. */
  onModuleDestroy(): void {
    for (const finish of [...this.open]) finish('the server is stopping');
  }
}
