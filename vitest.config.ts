import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Debian's Chromium: `npm run test:browser` (CI runs it). The integration
    // tier needs the AWS API emulator: `npm run test:integration` (vitest.integration.config.ts).
    exclude: [...configDefaults.exclude, 'test/browser/**', 'test/integration/**'],
    setupFiles: ['test/support/setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // AWS settings from the developer's shell must never leak into tests.
    env: { AWS_REGION: 'eu-west-3', AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_PROFILE: '', AWS_ENDPOINT_URL: '', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
