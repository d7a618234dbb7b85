import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only the sources: the compiled copies in dist/ would run every test twice.
    include: ['src/**/*.test.ts'],
  },
});
