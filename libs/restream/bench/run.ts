/**
 * `npm run bench -w @fanout/restream` (and the root's `npm run bench`, through Nx): the fan-out
 * benchmark (fanout-bench.ts), then the sinks benchmark (sinks-bench.ts), one after the other so
 * neither measures the other's load.
 *
 *   --quick and --tsx       go to both
 *   --sinks-<flag>[=value]  go to the sinks bench as --<flag> (e.g. --sinks-repeat=7)
 *   --only=fanout|sinks     runs one of them
 *   anything else           goes to the fan-out bench
 *
 * Each runs in its own node process (each kills its own children, however it ends); a signal
 * to this one is passed on. The exit code is the first failure's, else 0.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only !== undefined && only !== 'fanout' && only !== 'sinks') throw new Error('--only is fanout or sinks');
const shared = argv.filter((a) => a === '--quick' || a === '--tsx');
const sinks = [...shared, ...argv.filter((a) => a.startsWith('--sinks-')).map((a) => `--${a.slice('--sinks-'.length)}`)];
const fanout = argv.filter((a) => !a.startsWith('--sinks-') && !a.startsWith('--only='));

let current: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    current?.kill(signal);
    process.exitCode = 130;
  });
}

function run(script: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, join(__dirname, script), ...args], { stdio: 'inherit' });
    current = child;
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

async function main(): Promise<void> {
  const codes: number[] = [];
  if (only !== 'sinks') codes.push(await run('fanout-bench.ts', fanout));
  if (only !== 'fanout' && process.exitCode !== 130) codes.push(await run('sinks-bench.ts', sinks));
  process.exitCode ??= codes.find((c) => c !== 0) ?? 0;
}

void main();
