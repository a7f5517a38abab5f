export { connectRtmp, publish, publishTarget, RtmpClientConnection, RtmpPublisher, serialisationKeyOf } from './rtmp-client';
export type { RtmpConnectOptions, PublishOptions, RtmpPublisherEvents } from './rtmp-client';
