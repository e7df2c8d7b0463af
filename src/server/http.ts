/**
 * HTTP and WebSocket on one port, on node:http: POST /graphql (Apollo
 * Server 5 through `executeHTTPGraphQLRequest`, graphql-http.ts),
 * ws://.../graphql (graphql-ws), GET /healthz, /readyz, /metrics, and the
 * browser pages (web.ts, the one part still on Express: static files).
 * Every request gets an id (X-Request-Id, echoed back) that the log lines
 * written about it carry (access, authentication, unexpected errors), and
 * passes the Host check and the drain before anything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import express, { type ErrorRequestHandler } from 'express';
import type { App } from '../app.js';
import { createVerifier } from '../auth/verify.js';
import type { GraphQLContext } from '../graphql/context.js';
import { noIntrospection } from '../graphql/introspection.js';
import { aliasLimit, depthLimit } from '../graphql/limits.js';
import { buildSchema } from '../graphql/schema.js';
import { authenticator } from './authenticate.js';
import { cors } from './cors.js';
import { Drain } from './drain.js';
import { graphqlHandler, type GraphQLHandler } from './graphql-http.js';
import { createGuard } from './guard.js';
import { healthz, metricsEndpoint, readyz, type Handler } from './health.js';
import { HOST_REFUSED, hostAllowed } from './hosts.js';
import { operationChecks } from './operation-checks.js';
import { pathOf, sendError } from './respond.js';
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

const MAX_TOKENS = 10_000;
const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The browser pages on Express; GET /graphql that is not a page goes on to GraphQL. */
function pagesApp(graphql: GraphQLHandler, requestIds: WeakMap<ServerResponse, string>) {
  const pages = express();
  pages.disable('x-powered-by');
  pages.disable('etag');
  // The IDE and explorer pages need no token: they ask for one and send it with their requests.
  pages.use(webPages());
  pages.use('/graphql', (req, res, next) => {
    graphql(req, res, requestIds.get(res) ?? randomUUID()).catch(next);
  });
  // Errors from the static files carry their status (a missing asset: 404); anything else is ours.
  pages.use(((error: { status?: unknown }, _req, res, _next) => {
    if (res.headersSent) return;
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 404) sendError(res, 404, 'NOT_FOUND', 'Not found');
    else if (status < 500) sendError(res, status, 'BAD_REQUEST', 'Bad request');
    else sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  }) as ErrorRequestHandler);
  return pages;
}

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (set PORT to a free one)',
  EADDRNOTAVAIL: 'no network interface of this machine has that address (set HOST to one it has, or 0.0.0.0)',
  EACCES: 'permission denied (ports below 1024 need privileges: set PORT above 1023)',
  ENOTFOUND: 'the host name does not resolve (set HOST to an address)',
  EAI_AGAIN: 'the host name could not be resolved now (set HOST to an address)',
};

/** Listens, or fails with one line naming HOST and PORT and what to change. */
async function listen(httpServer: Server, options: { port: number; host: string }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const problem = (error.code && LISTEN_PROBLEMS[error.code]) ?? `${error.code ?? 'error'}: ${error.message}`;
      reject(new Error(`Cannot listen on HOST=${options.host} PORT=${options.port}: ${problem}`));
    };
    httpServer.once('error', failed);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', failed);
      resolve();
    });
  });
}

export async function startServer(app: App, options: { port: number; host: string }): Promise<RunningServer> {
  const schema = buildSchema(app.modules);
  const rules = [depthLimit(app.config.maxQueryDepth), aliasLimit(app.config.maxQueryAliases), ...(app.config.introspection ? [] : [noIntrospection])];
  const verify = createVerifier(app.config.auth);
  const guard = createGuard(schema, app);
  const httpServer = createServer();
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
    formatError: operationChecks.formatError,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Its per-field hooks wrap every resolver; nothing here sets cache hints (graphql-http.ts sends no-store).
      ApolloServerPluginCacheControlDisabled(),
      { serverWillStart: async () => ({ drainServer: () => ws.close() }) },
      operationChecks.plugin(app, guard),
    ],
  });
  await apollo.start();

  const graphql = graphqlHandler(app, apollo, authenticator(app, verify));
  const requestIds = new WeakMap<ServerResponse, string>();
  const pages = pagesApp(graphql, requestIds);
  const corsFor = cors(app.config.corsOrigins);
  const probes = new Map<string, Handler>([
    ['/healthz', healthz(app)],
    ['/readyz', readyz(app, () => drain.active)],
    ['/metrics', metricsEndpoint(app)],
  ]);
  const failed = (res: ServerResponse, requestId: string) => (error: unknown) => {
    app.log.error({ requestId, err: error }, 'unexpected error');
    if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    else res.destroy();
  };

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // A request id for every request (logged with it and echoed back), and one access-log line.
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = pathOf(req.url);
    const started = performance.now();
    const tracked = drain.track();
    res.once('close', () => {
      if (tracked) drain.done();
      if (!res.writableFinished) return;
      const ms = Math.round((performance.now() - started) * 10) / 10;
      app.log.info({ requestId, method: req.method, path, status: res.statusCode, ms }, 'request');
    });
    if (!hostAllowed(req.headers, app.config.allowedHosts)) {
      sendError(res, 403, 'FORBIDDEN', HOST_REFUSED);
      return;
    }
    if (drain.refuse(path, res)) return;
    if (path === '/graphql') {
      // CORS first: it answers preflights itself, before the pages would.
      if (corsFor(req, res)) return;
      // GET (and HEAD) may be a browser asking for the IDE: the pages decide, then hand GraphQL over GET back.
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        graphql(req, res, requestId).catch(failed(res, requestId));
        return;
      }
    } else {
      const probe = req.method === 'GET' || req.method === 'HEAD' ? probes.get(path) : undefined;
      if (probe) {
        probe(req, res).catch(failed(res, requestId));
        return;
      }
    }
    requestIds.set(res, requestId);
    pages(req, res);
  });

  await listen(httpServer, options);
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
