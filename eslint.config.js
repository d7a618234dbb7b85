// Typed lint for every package. Workflow files get an extra rule: the Temporal workflow sandbox
// replays code deterministically, so Node built-ins and I/O libraries must not be imported there.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/*.config.ts',
      '**/scripts/**',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely typed JSON bodies on purpose.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['workflows/src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.',
            },
            {
              group: [
                '@lasso/server',
                '@lasso/server/*',
                '@lasso/client',
                'undici',
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
              ],
              message:
                'Workflow code runs in a deterministic sandbox: call an activity for I/O instead.',
            },
          ],
          paths: [
            {
              name: '@lasso/contracts',
              message:
                'Import a zod-free module such as @lasso/contracts/delivery-workflow, not the whole contracts package.',
            },
          ],
        },
      ],
    },
  },
);
