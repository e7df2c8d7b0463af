/**
 * graphql-ws on the same port and path as HTTP. Apollo's validation rules
 * and error formatting do not run here, so the same limits and the same
 * masking are applied explicitly.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, validate, specifiedRules, getOperationAST, type GraphQLSchema, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.js';
import { createContext } from '../graphql/context.js';
import { formatGraphQLError } from '../graphql/errors.js';
import { sharedSubscribe } from '../subscriptions/shared-execution.js';

export interface WebSocketOptions {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[];
  /** Close sockets that do not send connection_init within this many ms. */
  connectionInitTimeoutMs?: number;
  /** Ping idle clients this often (ms); a client that misses a pong is dropped. */
  keepAliveMs?: number;
  maxTokens?: number;
}

export function attachWebSocket(httpServer: Server, app: App, options: WebSocketOptions) {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const cleanup = useServer(
    {
      schema: options.schema,
      subscribe: (args) => sharedSubscribe(args),
      connectionInitWaitTimeout: options.connectionInitTimeoutMs ?? 3_000,
      // The place authentication hooks in (connectionParams.authorization).
      onConnect: () => true,
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens ?? 10_000 });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
        }
        const errors = validate(options.schema, document, [...specifiedRules, ...options.rules]);
        if (errors.length > 0) return errors;
        if (!getOperationAST(document, payload.operationName)) return [new GraphQLError('Unknown operation name', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
        return {
          schema: options.schema,
          document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue: createContext(app, randomUUID(), (code, reason) => ctx.extra.socket.close(code, reason)),
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(formatGraphQLError),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(formatGraphQLError) } : undefined),
    },
    wsServer,
  );
  // Keep-alive: ping every client; one that did not answer the previous ping is gone.
  const alive = new WeakSet<object>();
  wsServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wsServer.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, options.keepAliveMs ?? 15_000);
  timer.unref();
  return {
    wsServer,
    async close() {
      clearInterval(timer);
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
