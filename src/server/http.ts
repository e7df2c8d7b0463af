/**
 * HTTP and WebSocket on one port: POST /graphql (Apollo Server 5 on
 * Express 5), ws://.../graphql (graphql-ws), GET /healthz.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type ErrorRequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { App } from '../app.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { depthLimit } from '../graphql/limits.js';
import { buildSchema } from '../graphql/schema.js';
import { attachWebSocket } from './websocket.js';
import { webPages } from './web.js';

export interface RunningServer {
  readonly httpServer: Server;
  /** e.g. http://127.0.0.1:4000/graphql */
  readonly url: string;
  readonly wsUrl: string;
  /** Stops taking work, lets in-flight requests finish, closes sockets and the store. */
  close(): Promise<void>;
}

const BODY_LIMIT = '1mb';
const MAX_TOKENS = 10_000;
const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** JSON errors for bodies Express could not read (malformed JSON: 400, too large: 413). */
const bodyErrors: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: `Request body is larger than ${BODY_LIMIT}`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    return;
  }
  if (error.type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    res.status(error.status).json({ errors: [{ message: 'Bad request', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  next(error);
};

export async function startServer(app: App, options: { port: number; host: string }): Promise<RunningServer> {
  const schema = buildSchema();
  const rules = [depthLimit(app.config.maxQueryDepth)];
  const expressApp = express();
  expressApp.disable('x-powered-by');
  const httpServer = createServer(expressApp);
  const ws = attachWebSocket(httpServer, app, { schema, rules, maxTokens: MAX_TOKENS });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    validationRules: rules,
    formatError,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      { serverWillStart: async () => ({ drainServer: () => ws.close() }) },
      {
        // Subscriptions live on the WebSocket; over HTTP they would only ever answer null.
        requestDidStart: async () => ({
          didResolveOperation: async ({ operation }) => {
            if (operation?.operation === 'subscription') {
              throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at this same path', {
                extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
              });
            }
          },
        }),
      },
    ],
  });
  await apollo.start();

  expressApp.get('/healthz', async (_req, res) => {
    try {
      const head = await app.store.headPosition();
      res.json({ status: 'ok', head: head.toString() });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  expressApp.use(webPages());
  expressApp.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        return createContext(app, requestId);
      },
    }),
  );
  expressApp.use(bodyErrors);
  expressApp.use(((_error, _req, res, _next) => {
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  }) as ErrorRequestHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    httpServer,
    url: `http://${host}:${address.port}/graphql`,
    wsUrl: `ws://${host}:${address.port}/graphql`,
    close: () => (closing ??= (async () => {
      await apollo.stop();
      await app.close();
    })()),
  };
}
