import { defineConfig } from 'vitest/config';
import { workspaceVitest } from '../../vitest.shared.mjs';

export default defineConfig(workspaceVitest(import.meta.dirname));
