import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { workspaceVitest } from '../../vitest.shared.mjs';

const base = workspaceVitest(import.meta.dirname, {
  environment: 'jsdom',
  // Unit and component specs, plus the browser end-to-end suite (real platform, chromium, ffmpeg).
  include: ['**/*.spec.{ts,tsx}', 'test/e2e/**/*.e2e.spec.ts'],
  exclude: ['node_modules/**', '.next/**'],
  setupFiles: ['./vitest.setup.ts'],
});

export default defineConfig({
  ...base,
  resolve: {
    ...base.resolve,
    alias: { ...(base.resolve?.alias as Record<string, string>), '@': resolve(import.meta.dirname) },
  },
  // tsconfig says `jsx: preserve` for Next; tests compile JSX themselves, React 19 automatic runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
});
