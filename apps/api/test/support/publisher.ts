import { publish, type RtmpPublisher } from '@fanout/rtmp';

/** Our RTMP client publishing small AVC keyframes at 10 fps, so the ingest stays live. */
export async function startPublisher(url: string, frameBytes = 400) {
  const publisher: RtmpPublisher = await publish(url);
  let ts = 0;
  const timer = setInterval(() => {
    publisher.sendVideo(ts, Buffer.concat([Buffer.from([0x17, 0x01, 0x00, 0x00, 0x00]), Buffer.alloc(frameBytes, ts % 251)]));
    ts += 100;
  }, 100);
  return {
    publisher,
    async stop() {
      clearInterval(timer);
      await publisher.close();
    },
  };
}
