import { RtmpPublisher, decodeAmf0Sequence, isAmfObject, readFlv } from '../../src';

/**
 * Publishes an FLV file's tags through a publisher as fast as backpressure allows:
 * onMetaData as @setDataFrame, then audio and video with their timestamps.
 */
export async function publishFlv(publisher: RtmpPublisher, file: Buffer): Promise<{ audio: number; video: number }> {
  const counts = { audio: 0, video: 0 };
  for (const tag of readFlv(file).tags) {
    if (tag.kind === 'script') {
      const [name, value] = decodeAmf0Sequence(tag.data);
      if (name === 'onMetaData' && isAmfObject(value)) publisher.sendMetadata(value);
    } else if (tag.kind === 'audio') {
      publisher.sendAudio(tag.timestamp, tag.data);
      counts.audio++;
    } else if (tag.kind === 'video') {
      publisher.sendVideo(tag.timestamp, tag.data);
      counts.video++;
    }
    if (!publisher.writable) await new Promise<void>((resolve) => publisher.once('drain', resolve));
  }
  return counts;
}
