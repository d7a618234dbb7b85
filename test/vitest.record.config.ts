import { defineConfig } from 'vitest/config';

import base from './vitest.config.js';

// `npm run record-histories -w test`: records workflow histories of real deliveries as fixtures.
export default defineConfig({ test: { ...base.test, include: ['src/recording/**/*.record.ts'] } });
