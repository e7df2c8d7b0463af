/**
 * What Apollo runs for each operation over HTTP, besides its own pipeline:
 * subscriptions refused (they live on the WebSocket), the guard (text, cost,
 * mutation rate), unexpected errors logged with the request id, and limit
 * refusals counted. One listener object serves every request: Apollo calls
 * `requestDidStart` per request, and a fresh object of closures each time
 * was pure garbage.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { App } from '../app.js';
import type { GraphQLContext } from '../graphql/context.js';
import { formatError, unexpectedError } from '../graphql/errors.js';
import { countRuleRefusals, type OperationGuard } from './guard.js';

function plugin(app: App, guard: OperationGuard): ApolloServerPlugin<GraphQLContext> {
  const listener: GraphQLRequestListener<GraphQLContext> = {
    didResolveOperation: async ({ operation, document, request, contextValue }) => {
      if (operation?.operation === 'subscription') {
        throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at this same path', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      }
      const refused = guard({ document, operationName: request.operationName, variables: request.variables, client: contextValue.client });
      if (refused) throw refused;
    },
    didEncounterErrors: async ({ errors, contextValue }) => {
      for (const error of errors) {
        const unexpected = unexpectedError(error);
        if (unexpected) app.log.error({ requestId: contextValue?.requestId, err: unexpected.cause }, 'unexpected error');
      }
      countRuleRefusals(app.metrics, errors);
    },
  };
  return { requestDidStart: async () => listener };
}

export const operationChecks = {
  plugin,
  formatError: (formatted: Parameters<typeof formatError>[0], error: unknown) => formatError(formatted, error),
};
