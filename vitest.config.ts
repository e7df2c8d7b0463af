import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Resolve graphql-js the way Node does (its CommonJS entry), so code under
    // test shares one copy with Apollo Server and graphql-ws; vite would
    // otherwise pick the ESM build and schema objects would come from two realms.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // In CI, fails the run when the PostgreSQL suites did not run.
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // Two cores: a little parallelism, not so much that timing-sensitive tests starve.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
