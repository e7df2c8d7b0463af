/**
 * GraphiQL's fetcher: HTTP for queries and mutations, graphql-ws for
 * subscriptions. GraphiQL's introspection query nests deeper than the
 * server's depth limit allows, so the IDE answers it from the schema bundled
 * at build time (the same schema.graphql the server serves, descriptions
 * included) instead of asking the server. So docs and completion work with
 * the server's GRAPHQL_INTROSPECTION=false too (test/introspection.e2e).
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import type { Fetcher } from '@graphiql/toolkit';
import { buildSchema, introspectionFromSchema } from 'graphql';
import sdl from '../../schema.graphql?raw';
import { authHeaders, createSocket, httpUrl } from '../shared/connection';

export function createFetcher(): Fetcher {
  const remote = createGraphiQLFetcher({ url: httpUrl, wsClient: createSocket(), headers: authHeaders() });
  const introspection = { data: { ...introspectionFromSchema(buildSchema(sdl)) } };
  return (params, options) => (params.operationName === 'IntrospectionQuery' ? introspection : remote(params, options));
}
