import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ClientHandshake,
  DIGEST_SIZE,
  FMS_KEY,
  FMS_KEY_SHORT,
  FP_KEY,
  FP_KEY_SHORT,
  HANDSHAKE_SIZE,
  ServerHandshake,
  digestOffset,
  findDigest,
  signPacket,
} from '..';
import { splits } from '../../test/support/bytes';

/** Deterministic "random" bytes: a counter pattern seeded per call. */
function fakeRandom(seed: number): (size: number) => Buffer {
  let call = 0;
  return (size) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + seed + call++ * 13) & 0xff));
}

const clock = (): number => 1000;

/** A plain C0+C1 as a Flash-less client sends it: version 3, time, four zero bytes, random. */
function plainC0C1(): Buffer {
  const c1 = Buffer.from(Array.from({ length: HANDSHAKE_SIZE }, (_, i) => (i * 31) & 0xff));
  c1.writeUInt32BE(0x11223344, 0);
  c1.writeUInt32BE(0, 4);
  return Buffer.concat([Buffer.from([3]), c1]);
}

/** A digest C1 as Flash Player / ffmpeg send it: a non-zero version and an FP-key digest. */
function digestC1(scheme: 0 | 1): Buffer {
  const c1 = Buffer.from(Array.from({ length: HANDSHAKE_SIZE }, (_, i) => (i * 17 + 5) & 0xff));
  c1.writeUInt32BE(0, 0);
  c1.writeUInt32BE(0x09007c02, 4); // Flash Player 9.0.124.2, what ffmpeg claims
  signPacket(c1, scheme, FP_KEY_SHORT);
  return c1;
}

describe('server handshake', () => {
  it('answers a plain C0+C1 with S0, S1 (time, zero, random) and S2 echoing C1', () => {
    const hs = new ServerHandshake({ randomBytes: fakeRandom(1), now: clock });
    const c0c1 = plainC0C1();
    const step = hs.push(c0c1);
    expect(step.done).toBe(false);
    const reply = step.reply!;
    expect(reply.length).toBe(1 + 2 * HANDSHAKE_SIZE);
    expect(reply[0]).toBe(3);
    const s1 = reply.subarray(1, 1 + HANDSHAKE_SIZE);
    expect(s1.readUInt32BE(0)).toBe(1000);
    expect(s1.readUInt32BE(4)).toBe(0);
    const s2 = reply.subarray(1 + HANDSHAKE_SIZE);
    expect(s2.readUInt32BE(0)).toBe(0x11223344); // C1 time echoed
    expect(s2.readUInt32BE(4)).toBe(1000); // time we read C1
    expect(s2.subarray(8).equals(c0c1.subarray(9))).toBe(true);
    expect(hs.kind).toBe('plain');
  });

  it('completes after C2 and hands back the bytes that follow it', () => {
    const c2 = Buffer.alloc(HANDSHAKE_SIZE, 0x42);
    const after = Buffer.from('chunk-stream');
    const input = Buffer.concat([plainC0C1(), c2, after]);
    for (const [head, tail] of splits(input)) {
      const hs = new ServerHandshake({ randomBytes: fakeRandom(1), now: clock });
      const first = hs.push(head);
      const second = hs.push(tail);
      const replies = [first.reply, second.reply].filter(Boolean);
      expect(replies).toHaveLength(1);
      expect(second.done).toBe(true);
      const rest = Buffer.concat([first.done ? (first.rest ?? Buffer.alloc(0)) : Buffer.alloc(0), second.rest ?? Buffer.alloc(0)]);
      expect(rest.toString()).toBe('chunk-stream');
    }
  });

  for (const scheme of [0, 1] as const) {
    it(`answers a digest C1 (scheme ${scheme}) with S1 signed by the FMS key and S2 signing the client digest`, () => {
      const c1 = digestC1(scheme);
      expect(findDigest(c1, FP_KEY_SHORT)?.scheme).toBe(scheme);
      const hs = new ServerHandshake({ randomBytes: fakeRandom(2), now: clock });
      const reply = hs.push(Buffer.concat([Buffer.from([3]), c1])).reply!;
      expect(hs.kind).toBe('digest');
      const s1 = reply.subarray(1, 1 + HANDSHAKE_SIZE);
      const s2 = reply.subarray(1 + HANDSHAKE_SIZE);
      expect(s1.readUInt32BE(4)).not.toBe(0);
      // S1 carries a valid digest at the client's scheme, keyed with the 36-byte FMS key.
      const s1Digest = findDigest(s1, FMS_KEY_SHORT);
      expect(s1Digest?.scheme).toBe(scheme);
      // S2's last 32 bytes are HMAC(HMAC(FMS_KEY, client digest), S2[0..1504)).
      const offset = digestOffset(c1, scheme);
      const clientDigest = c1.subarray(offset, offset + DIGEST_SIZE);
      const tempKey = createHmac('sha256', FMS_KEY).update(clientDigest).digest();
      const expected = createHmac('sha256', tempKey).update(s2.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)).digest();
      expect(s2.subarray(HANDSHAKE_SIZE - DIGEST_SIZE).equals(expected)).toBe(true);
    });
  }

  it('falls back to the plain handshake when a versioned C1 has no valid digest', () => {
    const c1 = digestC1(0);
    c1[digestOffset(c1, 0)]! ^= 0xff;
    const hs = new ServerHandshake({ randomBytes: fakeRandom(3), now: clock });
    hs.push(Buffer.concat([Buffer.from([3]), c1]));
    expect(hs.kind).toBe('plain');
  });

  it('uses the documented key prefixes', () => {
    expect(FP_KEY.length).toBe(62);
    expect(FMS_KEY.length).toBe(68);
    expect(FP_KEY_SHORT.toString('latin1')).toBe('Genuine Adobe Flash Player 001');
    expect(FMS_KEY_SHORT.toString('latin1')).toBe('Genuine Adobe Flash Media Server 001');
  });

  for (const version of [0, 6, 0x47]) {
    it(`rejects C0 version ${version} with HANDSHAKE_BAD_VERSION at the first byte`, () => {
      const hs = new ServerHandshake();
      expect(() => hs.push(Buffer.from([version]))).toThrow(expect.objectContaining({ code: 'HANDSHAKE_BAD_VERSION' }));
    });
  }

  it('reports which stage it waits for (for timeouts)', () => {
    const hs = new ServerHandshake();
    expect(hs.waitingFor).toBe('C0+C1');
    hs.push(plainC0C1());
    expect(hs.waitingFor).toBe('C2');
    hs.push(Buffer.alloc(HANDSHAKE_SIZE));
    expect(hs.waitingFor).toBe('nothing');
  });
});

describe('client handshake', () => {
  it('sends C0+C1 plain: version 3, time, zero, random', () => {
    const c0c1 = new ClientHandshake({ randomBytes: fakeRandom(4), now: clock }).start();
    expect(c0c1.length).toBe(1 + HANDSHAKE_SIZE);
    expect(c0c1[0]).toBe(3);
    expect(c0c1.readUInt32BE(1)).toBe(1000);
    expect(c0c1.readUInt32BE(5)).toBe(0);
  });

  it('answers S1 with a C2 echoing it and finishes after S2, split anywhere', () => {
    const s1 = Buffer.from(Array.from({ length: HANDSHAKE_SIZE }, (_, i) => (i * 3) & 0xff));
    const s2 = Buffer.alloc(HANDSHAKE_SIZE, 9);
    const input = Buffer.concat([Buffer.from([3]), s1, s2, Buffer.from('rest')]);
    for (const [head, tail] of splits(input)) {
      const hs = new ClientHandshake({ randomBytes: fakeRandom(4), now: clock });
      hs.start();
      const a = hs.push(head);
      const b = hs.push(tail);
      const c2 = (a.reply ?? b.reply)!;
      expect(c2.readUInt32BE(0)).toBe(s1.readUInt32BE(0));
      expect(c2.subarray(8).equals(s1.subarray(8))).toBe(true);
      expect(b.done).toBe(true);
      expect(Buffer.concat([a.rest ?? Buffer.alloc(0), b.rest ?? Buffer.alloc(0)]).toString()).toBe('rest');
    }
  });

  it('rejects a server answering another version with HANDSHAKE_BAD_VERSION', () => {
    const hs = new ClientHandshake();
    hs.start();
    expect(() => hs.push(Buffer.from([8]))).toThrow(expect.objectContaining({ code: 'HANDSHAKE_BAD_VERSION' }));
  });

  it('completes against our server handshake', () => {
    const client = new ClientHandshake();
    const server = new ServerHandshake();
    const s = server.push(client.start());
    const c = client.push(s.reply!);
    expect(c.done).toBe(true);
    expect(server.push(c.reply!).done).toBe(true);
  });
});
