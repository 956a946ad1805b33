import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file gets its own process, so the environment a file sets for its handlers
    // (table name, endpoint) cannot leak into another file.
    pool: 'forks',
    testTimeout: 60_000,
    // Starting DynamoDB Local (a JVM) takes a few seconds on a cold machine.
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    // The environment the functions read once on load, set before any test file is imported.
    setupFiles: ['test/support/test-env.ts'],
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
