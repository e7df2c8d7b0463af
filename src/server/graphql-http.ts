/**
 * GraphQL over HTTP at /graphql on node:http: authentication, the body
 * (body.ts), then Apollo Server's `executeHTTPGraphQLRequest`, whose answer
 * is written as it comes. No framework sits in between: Express's router,
 * its request/response prototypes and body-parser cost more than Apollo's
 * own pipeline for a small operation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { App } from '../app.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import type { Authenticator } from './authenticate.js';
import { BodyError, readJsonBody } from './body.js';
import { clientKey } from './guard.js';
import { checkPersistedQuery } from './persisted-queries.js';
import { sendError } from './respond.js';

export type GraphQLHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

/** Apollo's headers as node:http wants them; `vary` joins what CORS set. */
function headersOf(res: ServerResponse, map: HeaderMap): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of map) {
    if (key === 'vary') {
      const before = res.getHeader('vary');
      headers.vary = before === undefined ? value : `${String(before)}, ${value}`;
    } else {
      headers[key] = value;
    }
  }
  return headers;
}

export function graphqlHandler(app: App, apollo: ApolloServer<GraphQLContext>, authenticate: Authenticator): GraphQLHandler {
  return async (req, res, requestId) => {
    const authenticated = authenticate(req, res, requestId);
    const principal = authenticated instanceof Promise ? await authenticated : authenticated;
    if (!principal) return;
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      if (error instanceof BodyError) sendError(res, error.status, error.code, error.message);
      else if (!res.headersSent) sendError(res, 400, 'BAD_REQUEST', 'Bad request');
      return;
    }
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const method = (req.method ?? 'GET').toUpperCase();
    const search = query < 0 ? '' : url.slice(query);
    const refused = checkPersistedQuery(method, body, search);
    if (refused) {
      sendError(res, 400, refused.code, refused.message, {}, { 'cache-control': 'no-store' });
      return;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body },
      context: async () =>
        createContext(app, {
          requestId,
          principal,
          client: clientKey(principal.kind === 'user' ? principal.userId : undefined, req.socket.remoteAddress),
        }),
    });
    const status = response.status ?? 200;
    // GraphQL answers describe one caller's data at one moment: never cached (Apollo's cache-control plugin, which said the same, is off).
    const out: Record<string, string> = { 'cache-control': 'no-store', ...headersOf(res, response.headers) };
    if (response.body.kind === 'complete') {
      out['content-length'] = String(Buffer.byteLength(response.body.string));
      res.writeHead(status, out);
      res.end(response.body.string);
      return;
    }
    res.writeHead(status, out);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
