// ESLint (flat config): typescript-eslint's recommended rules, promises that
// are awaited or handled, and the import boundaries that keep the layers
// apart. `npm test` runs it (`npm run lint`).
import tseslint from 'typescript-eslint';

/**
 * Import boundaries as allow-lists: each rule names what a layer MAY import
 * (relative specifiers are matched against a regular expression that flags
 * everything else), so a new aggregate folder is outside every lower layer
 * without being listed anywhere. The layers below the aggregate modules are
 * these folders and top-level files of src/:
 */
const LAYERS = 'domain|commands|eventstore|subscriptions|graphql|server|auth|observability|projections|privacy|generated';
const KERNEL_FILES = 'app|module|config|paths';
const forbid = (regex, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] });

/** Pure code imports only its own folder's pure files, the shared domain, zod and node:crypto. */
const PURE = forbid(
  String.raw`^(?!\./(?!(projections|read-model|resolvers|use-cases|loaders|index)\.js$)|\.\./domain/|(\.\./)+src/domain/|zod$|node:crypto$)`,
  'Domain code (deciders, events, rules, money) is pure: it imports its own pure files, src/domain, zod and node:crypto only.',
);
/** The store, the command handler and the log tailer: the domain and each other, nothing above. */
const BELOW_THE_STORE = forbid(
  String.raw`^\.\./(?!(domain|eventstore|commands|subscriptions|generated)/|paths\.js$)|^\.\./\.\./`,
  'The event store, the command handler and subscriptions import nothing from graphql/, auth/, server/, the aggregate modules or the app.',
);
/** The layers below the modules: each other and the kernel files, never a module, the module list, main or the CLI. */
const BELOW_THE_MODULES = forbid(
  String.raw`^\.\./(?!(${LAYERS})/|(${KERNEL_FILES})\.js$)|^\.\./\.\./`,
  'Only src/modules.ts, main.ts and the CLI name aggregate modules; the layers below them import each other and the kernel files only.',
);
const KERNEL = forbid(
  String.raw`^\./(?!(${LAYERS})/|(${KERNEL_FILES})\.js$)`,
  'app.ts and module.ts import the layers below the modules only (main.ts composes the module list).',
);

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
    files: ['src/domain/**/*.ts', 'src/*/decider.ts', 'src/*/events.ts', 'src/*/errors.ts', 'src/*/rules.ts', 'src/*/transfer.ts', 'test/fixtures/*/decider.ts', 'test/fixtures/*/events.ts'],
    rules: PURE,
  },
  { files: ['src/eventstore/**/*.ts', 'src/commands/**/*.ts', 'src/subscriptions/**/*.ts'], rules: BELOW_THE_STORE },
  {
    files: ['src/graphql/**/*.ts', 'src/server/**/*.ts', 'src/auth/**/*.ts', 'src/observability/**/*.ts', 'src/projections/**/*.ts', 'src/privacy/**/*.ts'],
    rules: BELOW_THE_MODULES,
  },
  { files: ['src/app.ts', 'src/module.ts'], rules: KERNEL },
);
