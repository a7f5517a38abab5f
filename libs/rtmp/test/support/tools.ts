import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True when `command` runs (looked up on PATH). */
export function hasCommand(command: string, args: string[] = ['-version']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function hasFile(path: string): boolean {
  return existsSync(path);
}

/**
 * Whether a suite needing an external tool should be skipped. Locally a missing tool skips
 * the suite; on CI (CI=true) a missing tool is a failure, so this throws.
 */
export function skipWithout(tool: string, available: boolean): boolean {
  if (available) return false;
  if (process.env['CI'] === 'true') {
    throw new Error(`${tool} is required on CI but is not installed`);
  }
  return true;
}

export const FFMPEG_AVAILABLE = hasCommand('ffmpeg') && hasCommand('ffprobe');
export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
export const NGINX_AVAILABLE = hasCommand('nginx', ['-v']) && hasFile(NGINX_RTMP_MODULE);
export const OPENSSL_AVAILABLE = hasCommand('openssl', ['version']);
/** nginx's stream module (Debian: libnginx-mod-stream), used as a TLS terminator in front of nginx-rtmp. */
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
export const NGINX_STREAM_AVAILABLE = NGINX_AVAILABLE && hasFile(NGINX_STREAM_MODULE);
