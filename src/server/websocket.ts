/**
 * graphql-ws on the same port and path as HTTP. Apollo's validation rules,
 * plugins and error formatting do not run here, so the same limits, the
 * same authentication and the same masking are applied explicitly.
 *
 * - Browsers must name the server by an allowed host and come from an
 *   allowed origin (the upgrade answers 403); while draining it answers 503.
 * - With authentication on, `connectionParams.authorization` must hold a
 *   valid "Bearer <token>": missing closes with 4401, invalid or expired
 *   with 4403, and a connection is closed with 4403 when its token expires.
 * - A client (user, else address) may hold MAX_CONNECTIONS_PER_CLIENT
 *   sockets when set (more close with 4430) and run
 *   MAX_SUBSCRIPTIONS_PER_CONNECTION operations on each.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { GraphQLError, getOperationAST, type ExecutionArgs, type GraphQLSchema, type ValidationRule } from 'graphql';
import { CloseCode as ProtocolCloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/verify.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import { formatGraphQLError } from '../graphql/errors.js';
import { documentCache } from '../graphql/document-cache.js';
import { sharedSubscribe } from '../subscriptions/shared-execution.js';
import type { FrameSink } from '../subscriptions/frames.js';
import { CloseCode } from '../subscriptions/close-codes.js';
import { originAllowed } from './cors.js';
import { websocketTracing } from './trace-websocket.js';
import { SHUTTING_DOWN } from './drain.js';
import { HOST_REFUSED, hostAllowed } from './hosts.js';
import { clientKey, countRuleRefusals, type OperationGuard } from './guard.js';

export interface WebSocketOptions {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[];
  guard: OperationGuard;
  verify: TokenVerifier;
  /** Close sockets that do not send connection_init within this many ms. */
  connectionInitTimeoutMs?: number;
  /** Ping idle clients this often (ms); a client that misses a pong is dropped. */
  keepAliveMs?: number;
  maxTokens?: number;
  /** True once the server drains: new connections are refused with 503. */
  draining?: () => boolean;
}

interface Connection {
  principal: Principal;
  client: string;
  expiry?: NodeJS.Timeout;
}

/** What a subscriber may see depends only on this: open server, admin, or which user. */
function viewerKey(principal: Principal): string {
  if (principal.kind === 'open') return 'open';
  return principal.admin ? 'admin' : `user:${principal.userId}`;
}

/** The longest a timer may wait in Node; later token expiries are not scheduled. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function attachWebSocket(httpServer: Server, app: App, options: WebSocketOptions) {
  const { config, metrics, log } = app;
  // noServer: the upgrade is handed over below, as ws's `server` option would, but the HTTP server's own
  // errors (a failed listen) stay with startServer instead of reaching graphql-ws, which prints them with a stack.
  const wsServer = new WebSocketServer({
    noServer: true,
    path: '/graphql',
    maxPayload: 1024 * 1024,
    verifyClient: (info, done) => {
      if (options.draining?.()) return done(false, 503, SHUTTING_DOWN);
      if (!hostAllowed(info.req.headers, config.allowedHosts)) {
        log.info({ host: info.req.headers.host }, 'websocket refused: host not allowed');
        return done(false, 403, HOST_REFUSED);
      }
      const allowed = originAllowed(info.origin || undefined, info.req, config.corsOrigins);
      if (!allowed) log.info({ origin: info.origin }, 'websocket refused: origin not allowed');
      done(allowed, 403, 'Origin not allowed');
    },
  });
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    wsServer.handleUpgrade(req, socket, head, (client) => wsServer.emit('connection', client, req));
  });
  const connections = new WeakMap<object, Connection>();
  // A user forgotten (through any process: the tailer follows the whole log) may no longer read
  // either: their open sockets close as their token's expiry would close them.
  const socketsOfUser = new Map<string, Set<{ close(code: number, reason: string): void }>>();
  const stopWatching = app.tailer.watch({
    deliver: (event) => {
      const field = app.catalog.forgetsOf(event.type);
      const subject = field === undefined ? undefined : event.data[field];
      if (typeof subject !== 'string') return;
      for (const socket of socketsOfUser.get(subject) ?? []) socket.close(ProtocolCloseCode.Forbidden, 'Forbidden: user forgotten');
    },
  });
  let liveSubscriptions = 0;
  const perClient = new Map<string, number>();
  const logError = (requestId?: string) => (cause: unknown) => log.error({ requestId, err: cause }, 'unexpected error');
  // Each subscription's results are written to its socket by the subscriptions layer (one JSON per shared result).
  const sinks = new WeakMap<object, FrameSink>();
  const checkDocument = documentCache(options.schema, options.rules, options.maxTokens ?? 10_000);

  // Results are shared only between subscribers with the same rights, and each event is
  // executed with a fresh context (no batch-loader cache lives as long as the subscription).
  const subscribe = (args: ExecutionArgs) =>
    sharedSubscribe(args, {
      viewerOf: (context) => viewerKey((context as GraphQLContext).principal),
      contextFor: (context) => {
        const { requestId, principal, client, closeConnection } = context as GraphQLContext;
        return createContext(app, { requestId, principal, client, ...(closeConnection ? { closeConnection } : {}) });
      },
      onStart: () => liveSubscriptions++,
      onEnd: () => liveSubscriptions--,
      sink: sinks.get(args.contextValue as object),
    });
  // Spans only when tracing is on (trace-websocket.ts); otherwise nothing here is wrapped.
  const traced = app.tracer.enabled ? websocketTracing(app.tracer) : undefined;

  const cleanup = useServer(
    {
      schema: options.schema,
      ...(traced ? { execute: (args: ExecutionArgs) => traced.execute(args) } : {}),
      subscribe: traced ? (args) => traced.subscribe(args, subscribe) : subscribe,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs ?? 3_000,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const authorization = ctx.connectionParams?.authorization;
        let principal: Principal;
        try {
          principal = await options.verify(typeof authorization === 'string' ? authorization : undefined);
        } catch (error) {
          const reason = error instanceof DomainError ? String(error.details.reason ?? 'invalid') : 'unavailable';
          metrics.authFailures.inc({ reason });
          if (reason === 'unavailable') log.error({ err: error }, 'token verification failed (key server unreachable?)');
          // graphql-ws's codes: 4401 asks for credentials, 4403 refuses the ones given.
          if (reason === 'missing') socket.close(ProtocolCloseCode.Unauthorized, 'Unauthorized: send connectionParams.authorization');
          else if (reason === 'unavailable') socket.close(ProtocolCloseCode.InternalServerError, 'Authentication is unavailable');
          else socket.close(ProtocolCloseCode.Forbidden, `Forbidden: ${reason} token`);
          return false;
        }
        const client = clientKey(principal.kind === 'user' ? principal.userId : undefined, ctx.extra.request.socket.remoteAddress);
        const open = perClient.get(client) ?? 0;
        if (config.maxConnectionsPerClient > 0 && open >= config.maxConnectionsPerClient) {
          metrics.rateLimited.inc({ limit: 'connections' });
          socket.close(CloseCode.TooManyConnections, `Too many connections: at most ${config.maxConnectionsPerClient} per client`);
          return false;
        }
        perClient.set(client, open + 1);
        const connection: Connection = { principal, client };
        if (principal.kind === 'user' && principal.expiresAt) {
          const remaining = principal.expiresAt.getTime() - Date.now();
          if (remaining < MAX_TIMER_MS) {
            connection.expiry = setTimeout(() => socket.close(ProtocolCloseCode.Forbidden, 'Forbidden: token expired'), Math.max(0, remaining));
            connection.expiry.unref();
          }
        }
        connections.set(ctx, connection);
        if (principal.kind === 'user') {
          const sockets = socketsOfUser.get(principal.userId) ?? new Set();
          socketsOfUser.set(principal.userId, sockets.add(socket));
        }
        return true;
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (!connection) return;
        connections.delete(ctx);
        clearTimeout(connection.expiry);
        if (connection.principal.kind === 'user') {
          const sockets = socketsOfUser.get(connection.principal.userId);
          sockets?.delete(ctx.extra.socket);
          if (sockets?.size === 0) socketsOfUser.delete(connection.principal.userId);
        }
        const open = (perClient.get(connection.client) ?? 1) - 1;
        if (open <= 0) perClient.delete(connection.client);
        else perClient.set(connection.client, open);
      },
      onSubscribe: (ctx, id, payload) => {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError('Connection not initialised')];
        // graphql-ws has already entered this operation in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > config.maxSubscriptionsPerConnection) {
          metrics.rateLimited.inc({ limit: 'subscriptions' });
          const cause = new DomainError(ErrorCode.LimitExceeded, `Too many operations on this connection: at most ${config.maxSubscriptionsPerConnection}`, { limit: 'subscriptions' });
          return [new GraphQLError(cause.message, { originalError: cause })];
        }
        let checked;
        try {
          checked = checkDocument(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
        }
        if (checked.errors) {
          countRuleRefusals(metrics, checked.errors);
          return [...checked.errors];
        }
        const document = checked.document;
        if (!getOperationAST(document, payload.operationName)) return [new GraphQLError('Unknown operation name', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
        const refused = options.guard({ document, operationName: payload.operationName, variables: payload.variables, client: connection.client });
        if (refused) return [refused];
        const socket = ctx.extra.socket;
        const contextValue = createContext(app, {
          requestId: randomUUID(),
          principal: connection.principal,
          client: connection.client,
          closeConnection: (code, reason) => socket.close(code, reason),
        });
        const log = logError(contextValue.requestId);
        traced?.remember(contextValue, { document, operationName: payload.operationName }, payload.extensions, ctx.connectionParams);
        const send = (frame: string, written: () => void) => (socket.readyState === socket.OPEN ? socket.send(frame, written) : written());
        sinks.set(contextValue, {
          id,
          send: traced ? traced.send(contextValue, id, send) : send,
          format: (result) => (result.errors ? { ...result, errors: result.errors.map((error) => formatGraphQLError(error, log)) } : result),
          bufferLimit: config.subscriptionBuffer,
          tooSlow: () => socket.close(CloseCode.SlowConsumer, 'Subscriber too slow: resubscribe with afterPosition'),
        });
        return { schema: options.schema, document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, contextValue };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatGraphQLError(error, logError())),
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors) return undefined;
        const log = logError((args.contextValue as GraphQLContext).requestId);
        return { ...result, errors: result.errors.map((error) => formatGraphQLError(error, log)) };
      },
    },
    wsServer,
    // No per-socket ping timers from graphql-ws: one timer below pings every socket.
    0,
  );
  // Keep-alive: ping every client; one that did not answer the previous ping is gone.
  const alive = new WeakSet<object>();
  wsServer.on('connection', (socket) => {
    metrics.webSockets.inc();
    socket.once('close', () => metrics.webSockets.dec());
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
    liveSubscriptions: () => liveSubscriptions,
    async close() {
      clearInterval(timer);
      stopWatching();
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
