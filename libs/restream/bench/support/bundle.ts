/**
 * The node children (fan-out under test, sinks) run as plain JavaScript, the way the product
 * runs after `npm run build`, not through tsx's on-the-fly loader. They are bundled once per
 * bench run with esbuild (which tsx ships), engine and RTMP sources included, into a directory
 * the caller chooses. If esbuild cannot be loaded, they run through tsx instead (and say so).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface Runnable {
  /** File to fork. */
  file: string;
  /** Node flags it needs (tsx when it is TypeScript). */
  execArgv: string[];
  runtime: 'node (bundled)' | 'tsx';
}

interface EsbuildLike {
  buildSync(options: Record<string, unknown>): unknown;
}

function loadEsbuild(): EsbuildLike | undefined {
  const require = createRequire(__filename);
  for (const from of [__filename, safeResolve(require, 'tsx')]) {
    if (!from) continue;
    try {
      return createRequire(from)('esbuild') as EsbuildLike;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

function safeResolve(require: NodeJS.Require, id: string): string | undefined {
  try {
    return require.resolve(id);
  } catch {
    return undefined;
  }
}

/** Bundles each entry (absolute .ts paths) into `outDir`; falls back to running them with tsx. */
export function prepareRunnables(entries: readonly string[], outDir: string): Map<string, Runnable> {
  const out = new Map<string, Runnable>();
  const esbuild = loadEsbuild();
  for (const entry of entries) {
    if (esbuild) {
      try {
        const file = join(outDir, entry.slice(entry.lastIndexOf('/') + 1).replace(/\.ts$/, '.js'));
        esbuild.buildSync({
          entryPoints: [entry],
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          outfile: file,
          conditions: ['@fanout/source'],
          sourcemap: 'linked',
          logLevel: 'error',
        });
        out.set(entry, { file, execArgv: ['--enable-source-maps'], runtime: 'node (bundled)' });
        continue;
      } catch (error) {
        console.warn(`could not bundle ${entry} (${error instanceof Error ? error.message : String(error)}); running it with tsx`);
      }
    }
    out.set(entry, { file: entry, execArgv: ['--import', 'tsx'], runtime: 'tsx' });
  }
  return out;
}
