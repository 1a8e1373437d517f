import { defineConfig } from 'vitest/config';

/**
 * The integration tier (`npm run test:integration`): the project against a local AWS API
 * emulator that `test/integration/global-setup.ts` starts on a free port and stops at the end.
 * `npm test` (vitest.config.ts) never picks these files up and stays offline.
 */
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    environment: 'node',
    // One emulator holds one state and one (fake) clock: files run one after another.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // AWS settings from the developer's shell must never leak in; the endpoint comes from the global setup.
    env: {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
