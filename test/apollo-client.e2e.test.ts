/** What a frontend does: Apollo Client with HttpLink for queries and mutations, GraphQLWsLink beside it. */
import { ApolloClient, HttpLink, InMemoryCache, gql, split } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { subscribed } from './helpers/subscribe.js';
import { wsClient } from './helpers/ws.js';

const REGISTER = gql`
  mutation Register($input: RegisterUserInput!) {
    registerUser(input: $input) { user { id name email version } events { id type position } }
  }
`;
const OPEN = gql`
  mutation Open($input: OpenAccountInput!) {
    openAccount(input: $input) { account { id balance currency version } events { id type version } }
  }
`;
const DEPOSIT = gql`
  mutation Deposit($input: DepositInput!) {
    deposit(input: $input) { account { id balance version } events { id type data } }
  }
`;
const ACCOUNT = gql`
  query Account($id: ID!, $version: Int) {
    account(id: $id, version: $version) { id balance version owner { id name accounts { edges { node { id balance } } } } events(first: 10) { edges { cursor node { id type version } } pageInfo { hasNextPage endCursor } } }
  }
`;

describe.each(backends)('Apollo Client against %s', (backend) => {
  let db: TestDatabase;
  let server: RunningServer;
  let ws: Client;
  let client: ApolloClient;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ server } = await startTestServer(db.url));
    ws = wsClient(server.wsUrl);
    const link = split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      new GraphQLWsLink(ws),
      new HttpLink({ uri: server.url }),
    );
    client = new ApolloClient({ link, cache: new InMemoryCache() });
  });
  afterAll(async () => {
    client?.stop();
    await ws?.dispose();
    await server?.close();
    await db?.drop();
  });

  it('registers, opens, deposits and reads back, including the past', async () => {
    const registered = await client.mutate({ mutation: REGISTER, variables: { input: { email: 'fe@example.com', name: 'Frontend' } } });
    const userId = (registered.data as any).registerUser.user.id as string;
    const opened = await client.mutate({ mutation: OPEN, variables: { input: { ownerId: userId, initialBalance: '10' } } });
    const accountId = (opened.data as any).openAccount.account.id as string;
    const deposited = await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId, amount: '0.99', commandId: `fe-${accountId}` } } });
    expect((deposited.data as any).deposit.account).toMatchObject({ balance: '10.99', version: 2 });

    const now = await client.query({ query: ACCOUNT, variables: { id: accountId }, fetchPolicy: 'network-only' });
    const account = (now.data as any).account;
    expect(account.balance).toBe('10.99');
    expect(account.owner).toMatchObject({ id: userId, name: 'Frontend', accounts: { edges: [{ node: { id: accountId, balance: '10.99' } }] } });
    expect(account.events.edges.map((e: any) => e.node.type)).toEqual(['account_created', 'money_deposited']);

    const past = await client.query({ query: ACCOUNT, variables: { id: accountId, version: 1 }, fetchPolicy: 'network-only' });
    expect((past.data as any).account).toMatchObject({ balance: '10.00', version: 1 });

    // Retrying the mutation with the same commandId is safe: same answer, nothing new.
    const retried = await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId, amount: '0.99', commandId: `fe-${accountId}` } } });
    expect(retried.data).toEqual(deposited.data);
  });

  it('surfaces error codes to the frontend', async () => {
    const failure = await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId: 'nope', amount: '1' } } }).catch((error: unknown) => error);
    expect(CombinedGraphQLErrors.is(failure)).toBe(true);
    expect((failure as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId: 'nope', amount: 'abc' } } }).catch((error: unknown) => error);
    expect(CombinedGraphQLErrors.is(bad) && bad.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('receives live updates through the WebSocket link', async () => {
    const registered = await client.mutate({ mutation: REGISTER, variables: { input: { email: 'live@example.com', name: 'Live' } } });
    const ownerId = (registered.data as any).registerUser.user.id as string;
    const opened = await client.mutate({ mutation: OPEN, variables: { input: { ownerId } } });
    const accountId = (opened.data as any).openAccount.account.id as string;
    const updates: any[] = [];
    const received = new Promise<void>((resolve, reject) => {
      const subscription = client
        .subscribe({ query: gql`subscription Changed($id: ID!) { accountChanged(id: $id) { id balance version } }`, variables: { id: accountId } })
        .subscribe({
          next: (result) => {
            updates.push((result.data as any)?.accountChanged);
            if (updates.length === 2) {
              subscription.unsubscribe();
              resolve();
            }
          },
          error: reject,
        });
    });
    await subscribed(server, 1);
    await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId, amount: '4' } } });
    await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId, amount: '6' } } });
    await received;
    expect(updates).toEqual([
      { __typename: 'Account', id: accountId, balance: '4.00', version: 2 },
      { __typename: 'Account', id: accountId, balance: '10.00', version: 3 },
    ]);
  });
});
