import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True when `command` runs. */
export function hasCommand(command: string, args: string[] = ['-version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
export const HAVE_FFMPEG = hasCommand('ffmpeg') && hasCommand('ffprobe');
export const HAVE_NGINX_RTMP = hasCommand('nginx', ['-v']) && existsSync(NGINX_RTMP_MODULE);

/**
 * Whether a suite needing a tool should skip. Locally a missing tool skips it; with CI=true
 * a missing tool is a failure, so this throws instead.
 */
export function skipWithout(tool: string, available: boolean): boolean {
  if (available) return false;
  if (process.env.CI === 'true') throw new Error(`${tool} is required on CI but is not installed`);
  return true;
}

/** GStreamer with the elements the encoder tests use: both RTMP sinks, x264enc and voaacenc. */
export const HAVE_GSTREAMER =
  hasCommand('gst-launch-1.0', ['--version']) &&
  ['rtmp2sink', 'rtmpsink', 'x264enc', 'voaacenc', 'flvmux', 'h264parse', 'aacparse'].every((element) => hasCommand('gst-inspect-1.0', [element]));
