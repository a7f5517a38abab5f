import type { RtmpPublisher } from '@fanout/rtmp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from './support/certs';
import { recording, type Recording } from './support/fixture';
import { Sink, publish, sendTags, waitFor } from './support/harness';
import { type Rig, closeRig, makeRig, specFor } from './support/rig';
import { FFMPEG_AVAILABLE, OPENSSL_AVAILABLE, skipWithout } from './support/tools';

const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE) || skipWithout('openssl', OPENSSL_AVAILABLE);

let rec: Recording;
let rig: Rig | undefined;
const publishers: RtmpPublisher[] = [];

describe.skipIf(skip)('RTMPS destinations', () => {
  beforeAll(async () => {
    rec = await recording();
  }, 60_000);

  afterEach(async () => {
    await closeRig(rig, publishers);
    rig = undefined;
  });

  it('publishes over TLS with the destination CA, and reports tls when the certificate is not trusted', async () => {
    const { cert, key } = selfSignedCert();
    const sink = await new Sink('k', false, { tls: { cert, key } }).listen();
    rig = await makeRig(0, {}, () => [
      specFor(sink, 'trusted', { tls: { ca: cert } }),
      specFor(sink, 'untrusted'),
    ]);
    try {
      const publisher = await publish(rig.ingest.url);
      publishers.push(publisher);
      const headers = rec.media.slice(0, rec.media.findIndex((t) => t.data[1] === 1));
      await sendTags(publisher, rec.metadata, headers);
      await rig.waitState('trusted', 'live');
      await sendTags(publisher, undefined, rec.media.slice(headers.length));
      await waitFor('every frame over TLS', () => sink.counts().video === rec.videoFrames);
      await waitFor('untrusted fails', () => rig!.states.some((s) => s.destinationId === 'untrusted' && s.reason === 'tls'));
      expect(sink.connections).toHaveLength(1);
    } finally {
      await sink.kill();
    }
  });
});
