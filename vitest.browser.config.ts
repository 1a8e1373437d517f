import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:browser`: reports rendered in Debian's headless Chromium. */
export default defineConfig({ test: { ...base.test, include: ['test/browser/**/*.test.ts'], exclude: ['node_modules/**'] } });
