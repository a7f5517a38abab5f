import { execFileSync } from 'node:child_process';

/** True when `command args` runs and exits 0. */
export function commandWorks(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, [...args], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
