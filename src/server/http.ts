/**
 * HTTP and WebSocket on one port: POST /graphql (Apollo Server 5 on
 * Express 5), ws://.../graphql (graphql-ws), GET /healthz, /readyz, /metrics.
 * Every request gets an id (X-Request-Id, echoed back) that the log lines
 * written about it carry (access, authentication, unexpected errors).
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
import { createVerifier } from '../auth/verify.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import { formatError, unexpectedError } from '../graphql/errors.js';
import { noIntrospection } from '../graphql/introspection.js';
import { aliasLimit, depthLimit } from '../graphql/limits.js';
import { buildSchema } from '../graphql/schema.js';
import { authenticate, principalOf } from './authenticate.js';
import { cors } from './cors.js';
import { Drain } from './drain.js';
import { clientKey, countRuleRefusals, createGuard } from './guard.js';
import { healthz, metricsEndpoint, readyz } from './health.js';
import { hostCheck } from './hosts.js';
import { attachWebSocket } from './websocket.js';
import { webPages } from './web.js';

export interface RunningServer {
  readonly httpServer: Server;
  /** e.g. http://127.0.0.1:4000/graphql */
  readonly url: string;
  readonly wsUrl: string;
  /** Subscriptions set up on this server's WebSockets (their subscribe resolvers returned) and not yet ended. */
  liveSubscriptions(): number;
  /** Answers 503 to new work, lets in-flight requests finish, then closes sockets and the store. */
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
  const schema = buildSchema(app.modules);
  const rules = [depthLimit(app.config.maxQueryDepth), aliasLimit(app.config.maxQueryAliases), ...(app.config.introspection ? [] : [noIntrospection])];
  const verify = createVerifier(app.config.auth);
  const guard = createGuard(schema, app);
  const expressApp = express();
  expressApp.disable('x-powered-by');
  expressApp.disable('etag');
  const httpServer = createServer(expressApp);
  const drain = new Drain();
  const ws = attachWebSocket(httpServer, app, { schema, rules, guard, verify, maxTokens: MAX_TOKENS, draining: () => drain.active });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    // GRAPHQL_INTROSPECTION decides, through `rules`, on both transports; Apollo's own switch would follow NODE_ENV.
    introspection: true,
    // main.ts drains on SIGTERM; Apollo's own handler (on outside NODE_ENV=test) would stop the server beside it.
    stopOnTerminationSignals: false,
    validationRules: rules,
    // Unexpected errors are logged in didEncounterErrors, where the request id is known.
    formatError: (formatted, error) => formatError(formatted, error),
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      { serverWillStart: async () => ({ drainServer: () => ws.close() }) },
      {
        // Subscriptions live on the WebSocket; over HTTP they would only ever answer null.
        requestDidStart: async () => ({
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
        }),
      },
    ],
  });
  await apollo.start();

  // A request id for every request (logged with it and echoed back), and one access-log line.
  expressApp.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      app.log.info({ requestId, method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms }, 'request');
    });
    next();
  });
  expressApp.use(drain.track, hostCheck(app.config.allowedHosts), drain.refuse);
  expressApp.get('/healthz', healthz(app));
  expressApp.get('/readyz', readyz(app, () => drain.active));
  expressApp.get('/metrics', metricsEndpoint(app));
  // CORS first: it answers preflights itself, before the pages' router would.
  expressApp.use('/graphql', cors(app.config.corsOrigins));
  // The IDE and explorer pages need no token: they ask for one and send it with their requests.
  expressApp.use(webPages());
  expressApp.use(
    '/graphql',
    authenticate(app, verify),
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const principal = principalOf(res);
        return createContext(app, {
          requestId: res.locals.requestId as string,
          principal,
          client: clientKey(principal.kind === 'user' ? principal.userId : undefined, req.socket.remoteAddress),
        });
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
    liveSubscriptions: () => ws.liveSubscriptions(),
    close: () => (closing ??= (async () => {
      await drain.start();
      await apollo.stop();
      await app.close();
    })()),
  };
}
