import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  {
    ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '**/generated/**', '**/next-env.d.ts', '**/.data/**', 'artifacts/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // rtmp and mp4 are protocols (wire and file format): they import nothing of ours.
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
            // restream is the engine: it builds on the protocols only (rtmp today, mp4 for recording).
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:protocol'] },
            // contracts are shared by api and web, and depend on nothing of ours.
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            // the dashboard may import only the contracts.
            { sourceTag: 'scope:frontend', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:backend', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Tool configs reach the shared workspace config by path, which is not a project import.
    files: ['**/vitest.config.mts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
