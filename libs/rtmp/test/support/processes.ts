import { ChildProcess, execFile, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Spawns a process whose stderr is kept (bounded) and which is killed after `timeoutMs`. */
export function run(command: string, args: string[], timeoutMs: number): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, signal: null, stderr: String(error) });
    });
  });
  return { child, exit };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface StreamCounts {
  video: number;
  audio: number;
  videoCodec?: string;
  audioCodec?: string;
}

/** Decoded frame counts per stream, via `ffprobe -count_frames`. */
export function probeFrames(file: string): Promise<StreamCounts> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffprobe',
      ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,nb_read_frames', '-of', 'json', file],
      { timeout: 30_000 },
      (error, stdout) => {
        if (error) return reject(error);
        const streams = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string; nb_read_frames: string }> }).streams;
        const video = streams.find((s) => s.codec_type === 'video');
        const audio = streams.find((s) => s.codec_type === 'audio');
        resolve({
          video: Number(video?.nb_read_frames ?? 0),
          audio: Number(audio?.nb_read_frames ?? 0),
          videoCodec: video?.codec_name,
          audioCodec: audio?.codec_name,
        });
      },
    );
  });
}

/** Retries `attempt` until it resolves or `ms` pass (for peers that take a moment to listen). */
export async function retry<T>(attempt: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The lavfi test source of the brief: H.264 640x360@30 with a 60-frame GOP, AAC sine. */
export function testSourceArgs(seconds: number): string[] {
  return [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine',
    '-c:v', 'libx264', '-g', '60', '-c:a', 'aac',
    '-t', String(seconds),
  ];
}
