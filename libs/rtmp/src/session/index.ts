export { RtmpSession, toRtmpError } from './rtmp-session';
export type { SessionOptions, StatusInfo } from './rtmp-session';
export { ServerSession } from './server-session';
export type {
  ServerSessionState,
  ServerSessionEvents,
  ServerSessionOptions,
  ConnectRequest,
  PublishRequest,
  PlayRequest,
  PublishType,
  PublishRejectReason,
  PlayRejectReason,
} from './server-session';
export { ClientSession } from './client-session';
export type {
  ClientSessionState,
  ClientSessionEvents,
  ClientSessionOptions,
  ClientConnectOptions,
  ConnectResult,
} from './client-session';
export { Csid } from './chunk-streams';
export type { SessionTransport } from './transport';
