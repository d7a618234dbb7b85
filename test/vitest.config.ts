import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/support/global-setup.ts'],
    // Workers run the Temporal SDK's native runtime, which wants a process of its own.
    pool: 'forks',
    testTimeout: 120_000,
    // The first run may build the Temporal CLI, which takes minutes.
    hookTimeout: 1_200_000,
  },
});
