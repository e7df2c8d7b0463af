import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed resolvers from schema.graphql (SDL first), and typed operations for
 * the event explorer (web/explorer) from the documents it sends.
 * `npm run codegen` writes them; `npm run codegen:check` (part of `npm test`)
 * fails when they are stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/graphql/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#GraphQLContext',
        scalars: {
          DateTime: { input: 'Date', output: 'Date | string' },
          JSON: { input: 'unknown', output: 'unknown' },
          Decimal: { input: 'bigint', output: 'bigint | string' },
        },
        mappers: {
          Account: '../../accounts/read-model.js#AccountView',
          AccountSummary: '../../accounts/read-model.js#AccountSummaryView',
          User: '../../users/view.js#UserView',
          Event: '../../eventstore/types.js#StoredEvent',
          EventBatch: '../../subscriptions/event-batches.js#StoredEventBatch',
        },
      },
    },
    'web/explorer/gql/': {
      documents: ['web/explorer/**/*.{ts,tsx}', '!web/explorer/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
          Decimal: 'string',
        },
      },
    },
  },
};

export default config;
