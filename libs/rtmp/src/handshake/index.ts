export { ServerHandshake, ClientHandshake, RTMP_VERSION, SERVER_VERSION } from './handshake';
export type { HandshakeOptions, HandshakeStep, ServerHandshakeKind } from './handshake';
export {
  HANDSHAKE_SIZE,
  DIGEST_SIZE,
  FP_KEY,
  FMS_KEY,
  FP_KEY_SHORT,
  FMS_KEY_SHORT,
  digestOffset,
  computeDigest,
  findDigest,
  signPacket,
  signResponse,
} from './digest';
export type { DigestScheme } from './digest';
