export { connectRtmp, publish, RtmpClientConnection, RtmpPublisher } from './rtmp-client';
export type { RtmpConnectOptions, PublishOptions } from './rtmp-client';
