export { RtmpServer, addressKey } from './rtmp-server';
export type { RtmpServerOptions, RtmpServerEvents, ConnectionInfo } from './rtmp-server';
