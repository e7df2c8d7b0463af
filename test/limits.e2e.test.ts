/**
 * Abuse limits on both transports: aliases, cost, the mutation rate per
 * client, operations per connection, connections per client, and the
 * browser-origin allow-list for CORS and WebSocket upgrades.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { until } from './helpers/deadline.js';
import { subscribed } from './helpers/subscribe.js';
import { connectRaw, wsClient, wsRequest } from './helpers/ws.js';

const ALLOWED_ORIGIN = 'https://app.example.com';

describe.each(backends)('limits on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  const clients: Client[] = [];
  const socket = () => {
    const client = wsClient(server.wsUrl);
    clients.push(client);
    return client;
  };

  /** Resolves once the server counts `count` open WebSockets (per-client counts are released by then). */
  const openSockets = (count: number) => until(`${count} open WebSockets`, async () => (await app.metrics.webSockets.get()).values[0]?.value === count);

  beforeAll(async () => {
    db = await createDatabase(backend);
    // Set up through a server without limits, so the limited one starts with full buckets.
    const setup = await startTestServer(db.url);
    await ok(setup.server.url, `mutation { registerUser(input: {userId: "u", email: "u@example.com", name: "U"}) { user { id } } }`);
    await ok(setup.server.url, `mutation { openAccount(input: {accountId: "a", ownerId: "u"}) { account { id } } }`);
    await setup.server.close();
    ({ app, server } = await startTestServer(db.url, {
      MUTATION_RATE_LIMIT: '5',
      MAX_QUERY_ALIASES: '4',
      MAX_QUERY_COST: '500',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      MAX_CONNECTIONS_PER_CLIENT: '3',
      CORS_ORIGINS: ALLOWED_ORIGIN,
    }));
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await server?.close();
    await db?.drop();
  });

  it('refuses too many aliases and too costly operations on HTTP and WebSocket', async () => {
    const aliased = `{ ${[1, 2, 3, 4, 5].map((i) => `a${i}: account(id: "a") { id }`).join(' ')} }`;
    const costly = `{ accounts(first: 100) { edges { node { id events(first: 100) { edges { node { type } } } } } } }`;
    const client = socket();
    for (const [query, limit] of [
      [aliased, 'aliases'],
      [costly, 'cost'],
    ] as const) {
      expect((await gql(server.url, query)).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit });
      expect((await wsRequest(client, query)).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit });
    }
    // The cost follows the variables: the same shape with small pages is fine.
    const paged = `query($n: Int) { accounts(first: $n) { edges { node { id events(first: $n) { edges { node { type } } } } } } }`;
    expect((await gql(server.url, paged, { n: 5 })).errors).toBeUndefined();
    expect((await gql(server.url, paged, { n: 100 })).errors?.[0]?.extensions?.limit).toBe('cost');
    expect((await wsRequest(client, paged, { n: 5 })).errors).toBeUndefined();
  });

  it('rate-limits mutations per client with 429 and Retry-After, appending nothing refused', async () => {
    const deposit = `mutation { deposit(input: {accountId: "a", amount: "1.00"}) { account { balance } } }`;
    const onSocket = socket();
    expect((await wsRequest(onSocket, `{ account(id: "a") { id } }`)).errors).toBeUndefined();
    const before = await app.store.headPosition();
    // Sent at once; the bucket refills only by what the burst's own duration allows (5 a second).
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 16 }, () => gql(server.url, deposit)));
    const refilled = Math.ceil(((performance.now() - started) / 1000) * 5);
    const accepted = responses.filter((response) => !response.errors);
    const refused = responses.filter((response) => response.errors);
    // A burst of twice the rate (10) passes, then about 5 a second.
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    expect(accepted.length).toBeLessThanOrEqual(10 + refilled);
    expect(refused.length).toBeGreaterThanOrEqual(16 - 10 - refilled);
    for (const response of refused) {
      expect(response.status).toBe(429);
      expect(response.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(response.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(await app.store.headPosition()).toBe(before + BigInt(accepted.length));
    const balance = (await ok(server.url, `{ account(id: "a") { balance } }`)).account.balance;
    expect(balance).toBe(`${accepted.length}.00`);
    // Aliases count one each (four need 4 tokens, well over what refills meanwhile), and the WebSocket shares the budget.
    const four = [1, 2, 3, 4].map((i) => `d${i}: deposit(input: {accountId: "a", amount: "1.00"}) { account { id } }`).join(' ');
    const refusedOnSocket = await wsRequest(onSocket, `mutation { ${four} }`);
    expect(refusedOnSocket.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // Queries are not rate-limited.
    expect((await gql(server.url, `{ account(id: "a") { id } }`)).status).toBe(200);
    // The refusal says when four would fit; one fits then for sure.
    const retryAfterMs = refusedOnSocket.errors?.[0]?.extensions?.retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
    expect((await gql(server.url, deposit)).errors).toBeUndefined();
  });

  it('limits operations per connection and connections per client', async () => {
    const client = wsClient(server.wsUrl);
    clients.push(client);
    const results: unknown[] = [];
    const subscribe = () => {
      const errors: unknown[] = [];
      const stop = client.subscribe({ query: `subscription { eventAppended(streamId: "a") { position } }` }, { next: (value) => results.push(value), error: (error) => errors.push(error), complete: () => undefined });
      return { stop, errors };
    };
    const first = subscribe();
    const second = subscribe();
    await subscribed(server, 2);
    const third = await wsRequest(client, `subscription { eventAppended { position } }`);
    expect(third.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'subscriptions' });
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    first.stop();
    await subscribed(server, 1);
    expect((await wsRequest(client, `{ account(id: "a") { id } }`)).errors).toBeUndefined();
    second.stop();
    await client.dispose();
    await openSockets(0);

    // Three sockets at most per client (here: per address), counted while they are open.
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connectRaw(server.wsUrl));
    expect(open.every((connection) => connection.acked)).toBe(true);
    expect(await connectRaw(server.wsUrl)).toMatchObject({ acked: false, code: 4430 });
    open[0]!.socket.close();
    await openSockets(2);
    const again = await connectRaw(server.wsUrl);
    expect(again.acked).toBe(true);
    for (const connection of [...open.slice(1), again]) connection.socket.close();
    await openSockets(0);
  });

  it('answers CORS only for allowed origins and refuses WebSockets from others', async () => {
    const preflight = (origin: string) =>
      fetch(server.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const post = await gql(server.url, `{ __typename }`, undefined, { origin: 'https://evil.example' });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();

    expect(await connectRaw(server.wsUrl, undefined, { origin: 'https://evil.example' })).toMatchObject({ acked: false, code: 403 });
    const own = new URL(server.url).origin;
    for (const origin of [ALLOWED_ORIGIN, own]) {
      const connection = await connectRaw(server.wsUrl, undefined, { origin });
      expect(connection.acked, origin).toBe(true);
      connection.socket.close();
    }
    // Non-browser clients send no Origin at all.
    const plain = await connectRaw(server.wsUrl);
    expect(plain.acked).toBe(true);
    plain.socket.close();
  });
});
