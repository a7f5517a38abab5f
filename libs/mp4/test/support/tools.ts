import { spawnSync } from 'node:child_process';

/** True when `command` runs (looked up on PATH). */
export function hasCommand(command: string, args: string[] = ['-version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * Whether a suite needing an external tool should skip. Locally a missing tool skips it; with
 * CI=true a missing tool is a failure, so this throws.
 */
export function skipWithout(tool: string, available: boolean): boolean {
  if (available) return false;
  if (process.env.CI === 'true') throw new Error(`${tool} is required on CI but is not installed`);
  return true;
}

export const FFMPEG_AVAILABLE = hasCommand('ffmpeg') && hasCommand('ffprobe');

/** Runs a tool to completion with bounded time and output; never throws. */
export function run(command: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}
