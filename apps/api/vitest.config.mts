import { defineConfig } from 'vitest/config';
import { workspaceVitest } from '../../vitest.shared.mjs';

// Medium tests start real embedded PostgreSQL servers: run files one at a time on this 2-core box.
export default defineConfig(workspaceVitest(import.meta.dirname, { fileParallelism: false, testTimeout: 60_000 }));
