import { RtmpError, RtmpServer, type ServerSession, publish } from '@fanout/rtmp';
import { afterEach, describe, expect, it } from 'vitest';
import { type IngestSource, type SourceEnd, rtmpIngestSource } from '../src';
import { waitFor } from './support/harness';

const servers: RtmpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** An RtmpServer whose accepted publishes become ingest sources, with what each one ended with. */
async function ingest() {
  const server = new RtmpServer();
  servers.push(server);
  const sources: { source: IngestSource; session: ServerSession; ends: [SourceEnd, string | undefined][]; video: number[] }[] = [];
  server.on('session', (session) => {
    session.on('publish', (request) => {
      const source = rtmpIngestSource(session);
      const entry = { source, session, ends: [] as [SourceEnd, string | undefined][], video: [] as number[] };
      source.on('ended', (end, code) => entry.ends.push([end, code]));
      source.on('video', (ts) => entry.video.push(ts));
      sources.push(entry);
      request.accept();
    });
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { url: `rtmp://127.0.0.1:${port}/live/key`, sources };
}

describe('rtmpIngestSource', () => {
  it('ends as "stopped" on a clean unpublish (FCUnpublish / deleteStream), once', async () => {
    const { url, sources } = await ingest();
    const publisher = await publish(url);
    publisher.sendVideo(0, Buffer.from('1700000000', 'hex'));
    await waitFor('the frame', () => sources[0]?.video.length === 1);
    await publisher.close();
    await waitFor('the end', () => sources[0]!.ends.length > 0 && sources[0]!.session.closed);
    expect(sources[0]!.ends).toEqual([['stopped', undefined]]);
    expect(sources[0]!.source.ended).toBe(true);
  });

  it('ends as "lost" when the connection drops, although the session also says unpublish as it closes', async () => {
    const { url, sources } = await ingest();
    const publisher = await publish(url);
    await waitFor('the publish', () => sources.length === 1);
    publisher.destroy(new RtmpError('SESSION_CLOSED', 'test'));
    await waitFor('the end', () => sources[0]!.ends.length > 0);
    expect(sources[0]!.ends.map(([end]) => end)).toEqual(['lost']);
  });
});
