// ESLint (flat config): typescript-eslint's recommended rules, promises that
// are awaited or handled, and the import boundaries that keep the layers
// apart. `npm test` runs it (`npm run lint`).
import tseslint from 'typescript-eslint';

/** Imports a layer may not make, as no-restricted-imports patterns with the reason shown on violation. */
const forbid = (groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
});

const INFRASTRUCTURE = ['**/eventstore/**', '**/commands/**', '**/subscriptions/**', '**/graphql/**', '**/server/**', '**/auth/**', '**/observability/**', '**/app.js', '**/modules.js', '**/module.js', '@prisma/*', 'pg', 'better-sqlite3', 'graphql', 'graphql-ws', 'ws', 'node:fs', 'node:http', 'node:net', 'dataloader'];
const ABOVE_THE_STORE = ['**/graphql/**', '**/server/**', '**/auth/**', '**/accounts/**', '**/users/**', '**/app.js', '**/modules.js', '**/module.js'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'src/graphql/generated/**', 'web/explorer/gql/**', 'coverage/**', 'scratch/**', 'bench/peers/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Deciders, events and the shared domain are pure: no I/O, no transport, no store.
    files: ['src/domain/**/*.ts', 'src/*/decider.ts', 'src/*/events.ts', 'src/*/errors.ts', 'test/fixtures/*/decider.ts', 'test/fixtures/*/events.ts'],
    rules: forbid([[INFRASTRUCTURE, 'Domain code (deciders, events, money) is pure: it imports no infrastructure.']]),
  },
  {
    // The store, the command handler and the log tailer know no aggregate and no transport.
    files: ['src/eventstore/**/*.ts', 'src/commands/**/*.ts', 'src/subscriptions/**/*.ts'],
    rules: forbid([[ABOVE_THE_STORE, 'The event store, the command handler and subscriptions import nothing from graphql/, auth/, server/, the aggregate modules or the app.']]),
  },
  {
    // Layers below the modules never name one.
    files: ['src/graphql/**/*.ts', 'src/server/**/*.ts', 'src/auth/**/*.ts', 'src/observability/**/*.ts', 'src/app.ts', 'src/module.ts'],
    rules: forbid([[['**/accounts/**', '**/users/**', '**/modules.js'], 'Only src/modules.ts, main.ts and the CLI name aggregate modules.']]),
  },
);
