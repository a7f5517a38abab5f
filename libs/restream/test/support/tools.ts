import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Mirrors libs/rtmp/test/support/tools.ts: missing tools skip locally and fail on CI. */
export function hasCommand(command: string, args: string[] = ['-version']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function skipWithout(tool: string, available: boolean): boolean {
  if (available) return false;
  if (process.env['CI'] === 'true') throw new Error(`${tool} is required on CI but is not installed`);
  return true;
}

export const FFMPEG_AVAILABLE = hasCommand('ffmpeg') && hasCommand('ffprobe');
export const OPENSSL_AVAILABLE = hasCommand('openssl', ['version']);
/** A tmpfs can be mounted in a mount namespace of our own (root, or user namespaces): a real small file system for ENOSPC and statfs tests. */
export const TMPFS_AVAILABLE = hasCommand('unshare', ['-m', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d" && rmdir "$d"']);

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
export const NGINX_AVAILABLE = hasCommand('nginx', ['-v']) && existsSync(NGINX_RTMP_MODULE);

/** GStreamer with the elements the slate tests publish with (as apps/api's HAVE_GSTREAMER). */
export const GSTREAMER_AVAILABLE =
  hasCommand('gst-launch-1.0', ['--version']) &&
  ['videotestsrc', 'audiotestsrc', 'x264enc', 'voaacenc', 'flvmux', 'h264parse', 'aacparse', 'rtmp2sink'].every((element) => hasCommand('gst-inspect-1.0', [element]));
