import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Flash-era "digest" (complex) handshake, as published by Adobe's FMS and reimplemented
 * by librtmp, ffmpeg, nginx-rtmp and crtmpserver. C1/S1 carry an HMAC-SHA256 digest at an
 * offset derived from four bytes of the packet; scheme 0 keeps them at 8..11, scheme 1 at
 * 772..775.
 */

export const HANDSHAKE_SIZE = 1536;
export const DIGEST_SIZE = 32;

const KEY_TAIL = Buffer.from([
  0xf0, 0xee, 0xc2, 0x4a, 0x80, 0x68, 0xbe, 0xe8, 0x2e, 0x00, 0xd0, 0xd1, 0x02, 0x9e, 0x7e, 0x57, 0x6e, 0xec, 0x5d,
  0x2d, 0x29, 0x80, 0x6f, 0xab, 0x93, 0xb8, 0xe6, 0x36, 0xcf, 0xeb, 0x31, 0xae,
]);

/** "Genuine Adobe Flash Player 001" followed by the 32-byte tail. */
export const FP_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Player 001', 'latin1'), KEY_TAIL]);
/** "Genuine Adobe Flash Media Server 001" followed by the 32-byte tail. */
export const FMS_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001', 'latin1'), KEY_TAIL]);
/** The key prefixes used for C1 and S1 digests. */
export const FP_KEY_SHORT = FP_KEY.subarray(0, 30);
export const FMS_KEY_SHORT = FMS_KEY.subarray(0, 36);

export type DigestScheme = 0 | 1;

export function hmacSha256(key: Uint8Array, ...data: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** Offset of the digest inside a 1536-byte C1/S1 for a scheme. */
export function digestOffset(packet: Buffer, scheme: DigestScheme): number {
  const base = scheme === 0 ? 8 : 772;
  const sum = packet[base]! + packet[base + 1]! + packet[base + 2]! + packet[base + 3]!;
  return (sum % 728) + base + 4;
}

/** HMAC of the packet with the digest bytes left out. */
export function computeDigest(packet: Buffer, offset: number, key: Uint8Array): Buffer {
  return hmacSha256(key, packet.subarray(0, offset), packet.subarray(offset + DIGEST_SIZE));
}

/** Returns the scheme whose digest validates under `key`, or undefined. */
export function findDigest(packet: Buffer, key: Uint8Array): { scheme: DigestScheme; offset: number } | undefined {
  for (const scheme of [0, 1] as const) {
    const offset = digestOffset(packet, scheme);
    const expected = computeDigest(packet, offset, key);
    if (timingSafeEqual(expected, packet.subarray(offset, offset + DIGEST_SIZE))) return { scheme, offset };
  }
  return undefined;
}

/** Writes the digest into a 1536-byte packet in place at the scheme's offset. */
export function signPacket(packet: Buffer, scheme: DigestScheme, key: Uint8Array): number {
  const offset = digestOffset(packet, scheme);
  computeDigest(packet, offset, key).copy(packet, offset);
  return offset;
}

/** The S2 (or C2) of a digest handshake: random bytes whose last 32 sign the peer's digest. */
export function signResponse(random: Buffer, peerDigest: Uint8Array, key: Uint8Array): Buffer {
  const packet = Buffer.from(random.subarray(0, HANDSHAKE_SIZE));
  const tempKey = hmacSha256(key, peerDigest);
  hmacSha256(tempKey, packet.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)).copy(packet, HANDSHAKE_SIZE - DIGEST_SIZE);
  return packet;
}
