import { resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

/**
 * One Vitest setup for every project: workspace libs resolve to their TypeScript
 * sources (no build needed to test), and slow real-process suites get room.
 */
export function workspaceVitest(projectDir: string, extra: ViteUserConfig['test'] = {}): ViteUserConfig {
  const root = resolve(import.meta.dirname);
  return {
    resolve: {
      alias: {
        '@fanout/rtmp': resolve(root, 'libs/rtmp/src/index.ts'),
        '@fanout/mp4': resolve(root, 'libs/mp4/src/index.ts'),
        '@fanout/restream': resolve(root, 'libs/restream/src/index.ts'),
        '@fanout/contracts': resolve(root, 'libs/contracts/src/index.ts'),
      },
    },
    test: {
      root: projectDir,
      include: ['src/**/*.{spec,test}.ts', 'test/**/*.{spec,test}.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...extra,
    },
  };
}
