/**
 * @fanout/rtmp: the RTMP protocol, layered so each layer is testable alone.
 *
 * - `errors`, `limits`: typed errors ({@link RtmpError} with a code) and every bound in one object.
 * - `amf/`: AMF0 encode/decode, AMF3 decode.
 * - `chunk/`: I/O-free chunk stream decoder (bytes → {@link RawMessage}) and serialisers.
 * - `handshake/`: server (plain + digest) and client (plain) handshakes.
 * - `message/`: one encode/decode pair per message type, and `decodeMessage`/`encodeMessage`.
 * - `session/`: I/O-free server and client state machines over a {@link SessionTransport}.
 * - `server/`, `client/`: thin net/tls adapters (`RtmpServer`, `publish()`).
 * - `flv/`, `url`: FLV / Enhanced RTMP tag parsing and rtmp:// URL parsing.
 */
export * from './errors';
export * from './limits';
export * from './amf';
export * from './chunk';
export * from './handshake';
export * from './message';
export * from './session';
export { SocketTransport, socketError } from './session/socket-transport';
export * from './server';
export * from './client';
export * from './flv';
export * from './url';
