import { execFileSync } from 'node:child_process';

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
