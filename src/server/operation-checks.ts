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
import type { Tracer } from '../observability/tracing.js';
import { countRuleRefusals, type OperationGuard } from './guard.js';

function plugin(app: App, guard: OperationGuard): ApolloServerPlugin<GraphQLContext> {
  const { tracer } = app;
  const listener: GraphQLRequestListener<GraphQLContext> = {
    didResolveOperation: async ({ operation, document, request, contextValue }) => {
      // The request's span (trace-request.ts) is named after the operation, as OpenTelemetry's GraphQL conventions say.
      if (tracer.enabled) nameSpan(tracer, operation?.operation, operation?.name?.value ?? request.operationName ?? undefined);
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
      if (tracer.enabled && errors[0]) tracer.active()?.setAttributes({ 'ledger.outcome': String(formatError(errors[0].toJSON(), errors[0]).extensions?.code ?? 'error') });
    },
  };
  return { requestDidStart: async () => listener };
}

/** `query Account` (or the type alone for an anonymous operation), with the type, name and outcome as attributes. */
export function nameSpan(tracer: Tracer, type: string | undefined, name: string | undefined): void {
  const span = tracer.active();
  if (!span || !type) return;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': name, 'ledger.outcome': 'ok' });
}

export const operationChecks = {
  plugin,
  formatError: (formatted: Parameters<typeof formatError>[0], error: unknown) => formatError(formatted, error),
};
