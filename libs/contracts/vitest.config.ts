import { defineConfig } from 'vitest/config';
import { workspaceVitest } from '../../vitest.shared';

export default defineConfig(workspaceVitest(__dirname));
