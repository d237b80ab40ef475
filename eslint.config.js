// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  // Type-aware: floating and misused promises, unsafe any, needless assertions are errors.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    // The playground page runs in the browser as written (no build step): plain JavaScript, browser globals.
    files: ['src/playground/page/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'localStorage',
          'fetch',
          'EventSource',
          'Node',
          'Intl',
          'btoa',
          'console',
          'setTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use union types, not enums.' },
      ],
    },
  },
  {
    // Fakes implement async interfaces without awaiting, and vitest's asymmetric matchers
    // (expect.any, expect.stringMatching) are typed any: neither is a defect in a test.
    // The emulators were written beside the tests and keep their rules (fakes of async interfaces).
    files: [
      'test/**/*.ts',
      'bench/**/*.ts',
      'src/playground/discord/**/*.ts',
      'src/playground/gemini/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // expect(fake.method).toHaveBeenCalled() names a mock, not a method to call unbound.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Only config.ts reads the environment; everything else gets a Config.
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration from ctx.config.' },
      ],
    },
  },
  // The shared vocabulary lives in src/core/: images, gemini, store and jobs depend on it and never
  // on each other, and only the composition root and the register script know about commands/.
  ...['images', 'gemini', 'store', 'jobs'].map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['images', 'gemini', 'store', 'jobs']
                .filter((other) => other !== folder)
                .map((other) => `../${other}/*`),
              message: 'Import the shared types from src/core/ instead.',
            },
            {
              group: ['**/commands/*'],
              message: 'Only src/app.ts and src/discord/register-commands.ts import commands/.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/app.ts',
      'src/discord/register-commands.ts',
      'src/images/**',
      'src/gemini/**',
      'src/store/**',
      'src/jobs/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/commands/*'],
              message: 'Only src/app.ts and src/discord/register-commands.ts import commands/.',
            },
          ],
        },
      ],
    },
  },
);
