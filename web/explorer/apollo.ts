/**
 * Apollo Client over the public API: HTTP for queries, graphql-ws for
 * subscriptions, to the server that served the page. The cache's type
 * policies come from the stream-type registry.
 */
import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { authHeaders, createSocket, httpUrl } from '../shared/connection';
import { setConnectionState } from './connection-state';
import { registryTypePolicies } from './streams/registry';

export function createApolloClient(): ApolloClient {
  const socket = createSocket(setConnectionState);
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(socket),
    new HttpLink({ uri: httpUrl, headers: authHeaders() }),
  );
  const cache = new InMemoryCache({ typePolicies: registryTypePolicies() });
  return new ApolloClient({ link, cache });
}
