import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { RtmpError } from '../errors';
import {
  DIGEST_SIZE,
  FMS_KEY,
  FMS_KEY_SHORT,
  FP_KEY_SHORT,
  HANDSHAKE_SIZE,
  findDigest,
  signPacket,
  signResponse,
} from './digest';

export const RTMP_VERSION = 3;
/** Version bytes we put in a digest S1 (ffmpeg validates S1 digests only when byte 0 is >= 3). */
export const SERVER_VERSION = Buffer.from([5, 0, 3, 1]);

export interface HandshakeOptions {
  /** Source of random bytes (tests inject a deterministic one). */
  randomBytes?: (size: number) => Buffer;
  /** Milliseconds for the 4-byte time field (default: ms since this handshake was created). */
  now?: () => number;
}

/** What one `push` produced: bytes to send, whether the handshake finished, and bytes after it. */
export interface HandshakeStep {
  /** Bytes to write to the peer, if any. */
  readonly reply: Buffer | null;
  readonly done: boolean;
  /** Bytes received after the handshake ended: the start of the chunk stream. */
  readonly rest: Buffer | null;
}

/** Collects bytes until a fixed-size packet is complete. */
class Accumulator {
  private parts: Buffer[] = [];
  private size = 0;

  add(buf: Buffer): void {
    if (buf.length === 0) return;
    this.parts.push(buf);
    this.size += buf.length;
  }

  get length(): number {
    return this.size;
  }

  /** Removes and returns the first `n` bytes (caller checks length first). */
  take(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    const head = all.subarray(0, n);
    const tail = all.subarray(n);
    this.parts = tail.length ? [tail] : [];
    this.size = tail.length;
    return head;
  }

  rest(): Buffer | null {
    return this.size ? this.take(this.size) : null;
  }
}

function defaultClock(): () => number {
  const start = Date.now();
  return () => Date.now() - start;
}

export type ServerHandshakeKind = 'plain' | 'digest';

/**
 * Server side of the RTMP handshake (spec section 5.2). Waits for C0+C1, answers S0+S1+S2
 * in one write, then waits for C2. A C1 that carries a valid Flash Player digest (scheme 0 or
 * 1) gets a digest S1/S2 signed with the FMS key; any other C1 gets the plain handshake.
 */
export class ServerHandshake {
  private readonly input = new Accumulator();
  private readonly random: (size: number) => Buffer;
  private readonly now: () => number;
  private stage: 'c0c1' | 'c2' | 'done' = 'c0c1';
  /** Which handshake the client used; known after C1. */
  kind: ServerHandshakeKind | undefined;

  constructor(options: HandshakeOptions = {}) {
    this.random = options.randomBytes ?? cryptoRandomBytes;
    this.now = options.now ?? defaultClock();
  }

  get done(): boolean {
    return this.stage === 'done';
  }

  /** Name of the stage waiting for bytes, for timeout errors. */
  get waitingFor(): 'C0+C1' | 'C2' | 'nothing' {
    return this.stage === 'c0c1' ? 'C0+C1' : this.stage === 'c2' ? 'C2' : 'nothing';
  }

  push(buf: Buffer): HandshakeStep {
    if (this.stage === 'done') return { reply: null, done: true, rest: buf };
    this.input.add(buf);
    let reply: Buffer | null = null;
    if (this.stage === 'c0c1') {
      if (this.input.length >= 1) {
        const peek = this.input.take(1);
        const version = peek[0]!;
        if (version !== RTMP_VERSION) {
          throw new RtmpError('HANDSHAKE_BAD_VERSION', `client asked for RTMP version ${version}`);
        }
        // Put C0 back in front; we consume C0+C1 together below.
        const rest = this.input.rest();
        this.input.add(peek);
        if (rest) this.input.add(rest);
      }
      if (this.input.length < 1 + HANDSHAKE_SIZE) return { reply: null, done: false, rest: null };
      const c0c1 = this.input.take(1 + HANDSHAKE_SIZE);
      reply = this.answer(c0c1.subarray(1));
      this.stage = 'c2';
    }
    if (this.input.length < HANDSHAKE_SIZE) return { reply, done: false, rest: null };
    this.input.take(HANDSHAKE_SIZE); // C2: not verified, like every server in the wild
    this.stage = 'done';
    return { reply, done: true, rest: this.input.rest() };
  }

  private answer(c1: Buffer): Buffer {
    const out = Buffer.allocUnsafe(1 + 2 * HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION;
    const s1 = out.subarray(1, 1 + HANDSHAKE_SIZE);
    const s2 = out.subarray(1 + HANDSHAKE_SIZE);
    const clientVersion = c1.readUInt32BE(4);
    const digest = clientVersion !== 0 ? findDigest(c1, FP_KEY_SHORT) : undefined;
    this.random(HANDSHAKE_SIZE).copy(s1, 0, 0, HANDSHAKE_SIZE);
    s1.writeUInt32BE(this.now() >>> 0, 0);
    if (digest) {
      this.kind = 'digest';
      SERVER_VERSION.copy(s1, 4);
      signPacket(s1, digest.scheme, FMS_KEY_SHORT);
      const clientDigest = c1.subarray(digest.offset, digest.offset + DIGEST_SIZE);
      signResponse(this.random(HANDSHAKE_SIZE), clientDigest, FMS_KEY).copy(s2);
    } else {
      this.kind = 'plain';
      s1.writeUInt32BE(0, 4);
      // S2 echoes C1: its time, then the time we read it, then its random bytes.
      c1.copy(s2);
      s2.writeUInt32BE(this.now() >>> 0, 4);
    }
    return out;
  }
}

/**
 * Client side of the plain RTMP handshake. {@link start} returns C0+C1; C2 (an echo of S1)
 * is sent once S0+S1 arrive; the handshake is done when S2 has arrived too.
 */
export class ClientHandshake {
  private readonly input = new Accumulator();
  private readonly random: (size: number) => Buffer;
  private readonly now: () => number;
  private stage: 'start' | 's0s1' | 's2' | 'done' = 'start';

  constructor(options: HandshakeOptions = {}) {
    this.random = options.randomBytes ?? cryptoRandomBytes;
    this.now = options.now ?? defaultClock();
  }

  get done(): boolean {
    return this.stage === 'done';
  }

  get waitingFor(): 'S0+S1' | 'S2' | 'nothing' {
    return this.stage === 's2' ? 'S2' : this.stage === 'done' ? 'nothing' : 'S0+S1';
  }

  /** C0+C1 to send first. */
  start(): Buffer {
    if (this.stage !== 'start') throw new RtmpError('INVALID_STATE', 'client handshake already started');
    const out = Buffer.allocUnsafe(1 + HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION;
    this.random(HANDSHAKE_SIZE).copy(out, 1, 0, HANDSHAKE_SIZE);
    out.writeUInt32BE(this.now() >>> 0, 1);
    out.writeUInt32BE(0, 5);
    this.stage = 's0s1';
    return out;
  }

  push(buf: Buffer): HandshakeStep {
    if (this.stage === 'start') throw new RtmpError('INVALID_STATE', 'client handshake not started');
    if (this.stage === 'done') return { reply: null, done: true, rest: buf };
    this.input.add(buf);
    let reply: Buffer | null = null;
    if (this.stage === 's0s1') {
      if (this.input.length >= 1) {
        const peek = this.input.take(1);
        if (peek[0] !== RTMP_VERSION) {
          throw new RtmpError('HANDSHAKE_BAD_VERSION', `server answered RTMP version ${peek[0]}`);
        }
        const rest = this.input.rest();
        this.input.add(peek);
        if (rest) this.input.add(rest);
      }
      if (this.input.length < 1 + HANDSHAKE_SIZE) return { reply: null, done: false, rest: null };
      const s1 = this.input.take(1 + HANDSHAKE_SIZE).subarray(1);
      reply = Buffer.from(s1);
      reply.writeUInt32BE(this.now() >>> 0, 4);
      this.stage = 's2';
    }
    if (this.input.length < HANDSHAKE_SIZE) return { reply, done: false, rest: null };
    this.input.take(HANDSHAKE_SIZE); // S2
    this.stage = 'done';
    return { reply, done: true, rest: this.input.rest() };
  }
}
