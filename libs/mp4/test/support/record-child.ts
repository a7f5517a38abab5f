/**
 * A recording host in miniature, for the kill -9 test: muxes a real stream into a file with
 * plain synchronous writes, each fragment followed by its commit (pwrite of 8 bytes); after
 * `whole` fragments it writes half of the next one, says "half" on stdout and waits to be
 * killed (30 s at most).  Usage: record-child <source> <out.mp4> <whole> <commit|append>
 */
import { openSync, writeSync } from 'node:fs';
import { Fmp4Muxer, type Fragment } from '../../src';
import { demux } from './media';
import { interleave } from './mux';

const [source, out, whole, mode] = process.argv.slice(2) as [string, string, string, 'commit' | 'append'];
const input = demux(source);
const muxer = new Fmp4Muxer({ tracks: input.tracks, writeMode: mode });
const fd = openSync(out, 'w');
writeSync(fd, muxer.init());

function* fragments(): Generator<Fragment> {
  for (const { track, sample } of interleave(input.samples)) yield* muxer.push(muxer.trackIds[track]!, sample);
}

let written = 0;
for (const fragment of fragments()) {
  if (written < Number(whole)) {
    writeSync(fd, fragment.bytes, 0, fragment.bytes.length, fragment.offset);
    if (fragment.commit) writeSync(fd, fragment.commit.bytes, 0, fragment.commit.bytes.length, fragment.commit.offset);
    written++;
    continue;
  }
  writeSync(fd, fragment.bytes, 0, fragment.bytes.length >> 1, fragment.offset);
  process.stdout.write('half\n');
  setTimeout(() => process.exit(2), 30_000);
  break;
}
if (written < Number(whole)) {
  process.stdout.write('too short\n');
  process.exit(1);
}
