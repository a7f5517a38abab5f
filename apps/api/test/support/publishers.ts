import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import {
  ChunkDecoder,
  ClientHandshake,
  Csid,
  MessageType,
  type AmfValue,
  type FlvTag,
  type RtmpMessage,
  decodeMessage,
  encodeAmf0,
  encodeMessage,
  parseRtmpUrl,
  publish,
  readFlv,
  serialiseMessage,
} from '@fanout/rtmp';
import { run } from './media';

/**
 * Publishers that behave like the encoders streamers use. Each one also leaves an FLV file of
 * exactly what it sent (`source`), so a test can compare every destination with it frame by frame.
 */
export interface TestPublisher {
  name: string;
  /** FLV of what was published (a tee of the encoder's output, or the file it sent). */
  source: string;
  /** Resolves when the publisher finished cleanly; rejects with its stderr otherwise. */
  done: Promise<void>;
  kill(): void;
  /** Ends the publish early but cleanly (ffmpeg on SIGINT flushes every output): `done` still resolves. */
  interrupt?(): void;
}

export interface LiveEncode {
  seconds: number;
  width?: number;
  height?: number;
  fps?: number;
  /** Frames per GOP. */
  gop?: number;
  /** lavfi video source (default testsrc2): two encoders of different patterns never send the same frame. */
  pattern?: string;
  /** Sine tone, Hz (default 440). */
  tone?: number;
  /** x264 preset (default veryfast). */
  preset?: string;
}

function exitedCleanly(name: string, proc: ReturnType<typeof run>): Promise<void> {
  return proc.exited.then((code) => {
    if (code !== 0) throw new Error(`${name} exited ${code}: ${proc.stderr()}`);
  });
}

/** ffmpeg encoding a test pattern in real time (lavfi → libx264 + aac), teed to `source`. */
export function ffmpegLive(url: string, source: string, encode: LiveEncode): TestPublisher {
  const { seconds, width = 1280, height = 720, fps = 30, gop = 30, pattern = 'testsrc2', tone = 440, preset = 'veryfast' } = encode;
  const proc = run('ffmpeg', [
    '-nostdin', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', `${pattern}=size=${width}x${height}:rate=${fps}`,
    '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000`,
    '-t', String(seconds), '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', preset, '-tune', 'zerolatency', '-b:v', '2000k', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    // The tee muxer does not ask encoders for global headers: without this, x264 would put its
    // SPS/PPS in band and FLV would carry an empty AVC sequence header and Annex B frames.
    '-c:a', 'aac', '-b:a', '128k', '-flags', '+global_header',
    '-f', 'tee', `[f=flv:onfail=abort]${url}|[f=flv]${source}`,
  ]);
  let interrupted = false;
  const done = proc.exited.then((code) => {
    // ffmpeg exits 255 after a SIGINT it handled: that is the clean end asked for.
    if (code !== 0 && !(interrupted && code === 255)) throw new Error(`ffmpeg exited ${code}: ${proc.stderr()}`);
  });
  return {
    name: 'ffmpeg live encode',
    source,
    done,
    kill: () => proc.child.kill('SIGKILL'),
    interrupt: () => {
      interrupted = true;
      proc.child.kill('SIGINT');
    },
  };
}

/** Makes an FLV file the way a recording would be: ffmpeg, H.264 + AAC, fixed GOP. */
export function encodeFile(path: string, encode: LiveEncode): Promise<void> {
  const { seconds, width = 1280, height = 720, fps = 30, gop = 30 } = encode;
  const proc = run('ffmpeg', [
    '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '2000k', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', path,
  ]);
  return exitedCleanly('ffmpeg encode', proc);
}

/** `ffmpeg -re -i file.flv -c copy -f flv rtmp://…`: a recorded file replayed in real time. */
export function ffmpegCopy(url: string, file: string): TestPublisher {
  const proc = run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-i', file, '-c', 'copy', '-f', 'flv', url]);
  return { name: 'ffmpeg -c copy', source: file, done: exitedCleanly('ffmpeg -c copy', proc), kill: () => proc.child.kill('SIGKILL') };
}

/**
 * GStreamer: videotestsrc → x264enc and audiotestsrc → voaacenc into flvmux, teed to `source`
 * and to the RTMP sink: `rtmp2sink` (GStreamer's own client) or `rtmpsink` (librtmp, the
 * library family OBS's RTMP output comes from).
 */
export function gstreamer(element: 'rtmp2sink' | 'rtmpsink', url: string, source: string, encode: LiveEncode): TestPublisher {
  const { seconds, width = 1280, height = 720, fps = 30, gop = 30 } = encode;
  const frames = seconds * fps;
  const audioBuffers = Math.ceil((seconds * 48_000) / 1024);
  const location = element === 'rtmpsink' ? `${url} live=1` : url;
  const proc = run('gst-launch-1.0', [
    '-q', '-e',
    'videotestsrc', 'is-live=true', `num-buffers=${frames}`, 'pattern=smpte',
    '!', `video/x-raw,width=${width},height=${height},framerate=${fps}/1`,
    // A fixed GOP (no scene-cut keyframes), so the keyframe interval has one right answer.
    '!', 'x264enc', `key-int-max=${gop}`, 'tune=zerolatency', 'speed-preset=veryfast', 'bitrate=2000', `option-string=scenecut=0:min-keyint=${gop}`,
    '!', 'h264parse', '!', 'queue', '!', 'mux.',
    'audiotestsrc', 'is-live=true', `num-buffers=${audioBuffers}`, 'samplesperbuffer=1024',
    '!', 'audio/x-raw,rate=48000,channels=2',
    '!', 'audioconvert', '!', 'voaacenc', 'bitrate=128000', '!', 'aacparse', '!', 'queue', '!', 'mux.',
    'flvmux', 'name=mux', 'streamable=true',
    '!', 'tee', 'name=t',
    't.', '!', 'queue', '!', element, `location=${location}`,
    't.', '!', 'queue', '!', 'filesink', `location=${source}`,
  ]);
  return { name: `GStreamer ${element}`, source, done: exitedCleanly(`gst ${element}`, proc), kill: () => proc.child.kill('SIGKILL') };
}

interface ScriptedMessage {
  kind: 'video' | 'audio' | 'data';
  timestamp: number;
  payload: Buffer;
}

/** A file's tags as an encoder would send them: metadata as `@setDataFrame`, then audio and video. */
function messagesOf(file: string): ScriptedMessage[] {
  const out: ScriptedMessage[] = [];
  for (const tag of readFlv(readFileSync(file)).tags as FlvTag[]) {
    if (tag.kind === 'script') out.push({ kind: 'data', timestamp: tag.timestamp, payload: Buffer.concat([encodeAmf0('@setDataFrame'), tag.data]) });
    else if (tag.kind === 'video' || tag.kind === 'audio') out.push({ kind: tag.kind, timestamp: tag.timestamp, payload: Buffer.from(tag.data) });
  }
  return out;
}

const CSID = { video: Csid.Video, audio: Csid.Audio, data: Csid.Stream } as const;
const TYPE = { video: MessageType.Video, audio: MessageType.Audio, data: MessageType.DataAmf0 } as const;

function serialise(m: ScriptedMessage, streamId: number, chunkSize: number): Buffer {
  return serialiseMessage({ csid: CSID[m.kind], type: TYPE[m.kind], streamId, timestamp: m.timestamp, payload: m.payload }, chunkSize);
}

/** Writes the rest in real time (by media timestamp from `wallStart`), returns when all is written. */
async function pace(messages: ScriptedMessage[], write: (m: ScriptedMessage) => void, wallStart: number, signal: { killed: boolean }): Promise<void> {
  for (const m of messages) {
    if (signal.killed) return;
    const wait = wallStart + m.timestamp - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    write(m);
  }
}

/**
 * Waits for NetStream.Publish.Start, then writes its metadata, sequence headers and first second
 * of frames in one write, then the rest in real time. This is what OBS does: it flushes the
 * packets it queued while connecting the instant the publish starts.
 */
export function scriptedEager(url: string, file: string, burstMs = 1_000): TestPublisher {
  const signal = { killed: false };
  let close: (() => void) | undefined;
  const done = (async () => {
    const publisher = await publish(url);
    close = () => publisher.connection.close();
    const messages = messagesOf(file);
    const { streamId } = publisher;
    const chunkSize = publisher.session.outChunkSize;
    const burst = messages.filter((m) => m.timestamp < burstMs);
    const wallStart = Date.now();
    publisher.writeRaw(burst.map((m) => serialise(m, streamId, chunkSize)));
    await pace(messages.slice(burst.length), (m) => publisher.writeRaw(serialise(m, streamId, chunkSize)), wallStart, signal);
    if (!signal.killed) await publisher.close();
  })();
  return {
    name: 'scripted: first second in one write after Publish.Start',
    source: file,
    done,
    kill: () => {
      signal.killed = true;
      close?.();
    },
  };
}

/**
 * Does not wait for any answer: right after the handshake it writes connect, releaseStream,
 * FCPublish, createStream, publish (on stream 1, what every server hands out first) and the first
 * second of media, all in one write, then the rest in real time. Some hardware encoders pipeline
 * media behind `publish` like this.
 */
export function scriptedPipelined(url: string, file: string, burstMs = 1_000): TestPublisher {
  const target = parseRtmpUrl(url);
  const signal = { killed: false };
  let socket: Socket | undefined;
  const done = new Promise<void>((resolve, reject) => {
    const handshake = new ClientHandshake();
    const replies: string[] = [];
    const decoder = new ChunkDecoder({
      onMessage: (raw) => {
        const message = decodeMessage(raw.type, raw.payload);
        if (message.kind === 'command' && message.name === 'onStatus') {
          const info = message.args[0] as Record<string, AmfValue> | undefined;
          replies.push(String(info?.['code']));
        }
      },
    });
    socket = connect(target.port, target.host);
    socket.on('error', reject);
    socket.on('close', () => {
      if (signal.killed) return resolve();
      if (replies.includes('NetStream.Publish.Start')) resolve();
      else reject(new Error(`pipelined publisher: closed without Publish.Start (got ${replies.join(', ') || 'nothing'})`));
    });
    let started = false;
    socket.on('data', (data: Buffer) => {
      if (!handshake.done) {
        const step = handshake.push(data);
        if (step.reply) socket!.write(step.reply);
        if (!handshake.done) return;
        if (step.rest && step.rest.length > 0) decoder.push(step.rest);
      } else {
        decoder.push(data);
      }
      if (started) return;
      started = true;
      void run();
    });
    socket.write(handshake.start());

    const command = (streamId: number, name: string, transactionId: number, object: AmfValue, ...args: AmfValue[]): Buffer => {
      const { type, payload } = encodeMessage({ kind: 'command', name, transactionId, commandObject: object, args } as RtmpMessage);
      return serialiseMessage({ csid: streamId === 0 ? Csid.Command : Csid.Stream, type, streamId, timestamp: 0, payload }, CHUNK);
    };
    const CHUNK = 4096;
    async function run(): Promise<void> {
      const messages = messagesOf(file);
      const burst = messages.filter((m) => m.timestamp < burstMs);
      const setChunk = encodeMessage({ kind: 'setChunkSize', chunkSize: CHUNK });
      const wallStart = Date.now();
      socket!.write(
        Buffer.concat([
          serialiseMessage({ csid: Csid.Control, type: setChunk.type, streamId: 0, timestamp: 0, payload: setChunk.payload }, 128),
          command(0, 'connect', 1, { app: target.app, type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: target.tcUrl }),
          command(0, 'releaseStream', 2, null, target.streamName),
          command(0, 'FCPublish', 3, null, target.streamName),
          command(0, 'createStream', 4, null),
          command(1, 'publish', 5, null, target.streamName, 'live'),
          ...burst.map((m) => serialise(m, 1, CHUNK)),
        ]),
      );
      await pace(messages.slice(burst.length), (m) => socket!.write(serialise(m, 1, CHUNK)), wallStart, signal);
      if (signal.killed) return;
      socket!.write(Buffer.concat([command(0, 'FCUnpublish', 6, null, target.streamName), command(0, 'deleteStream', 7, null, 1)]));
      setTimeout(() => socket!.end(), 200);
    }
  });
  return {
    name: 'scripted: media pipelined behind publish',
    source: file,
    done,
    kill: () => {
      signal.killed = true;
      socket?.destroy();
    },
  };
}
