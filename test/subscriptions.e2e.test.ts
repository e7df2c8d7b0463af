/** Subscriptions over real graphql-ws clients, on every backend, with one server process. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { wsClient } from './helpers/ws.js';
import { collect, logPositions, strictlyIncreasing, subscribed } from './helpers/subscribe.js';

const EVENTS = `subscription($streamId: ID, $streamType: String, $types: [String!], $after: String) {
  eventAppended(streamId: $streamId, streamType: $streamType, types: $types, afterPosition: $after) { id streamId type version position data metadata timestamp }
}`;
const position = (data: any) => data.eventAppended.position as string;

async function head(url: string): Promise<string> {
  return (await logPositions(url, '0')).at(-1) ?? '0';
}

describe.each(backends)('subscriptions on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  let url: string;
  let client: Client;
  const deposits = (account: string, writers: number, each: number) =>
    Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < each; i++) await ok(url, `mutation($a: ID!) { deposit(input: {accountId: $a, amount: "1"}) { account { id } } }`, { a: account });
      }),
    );

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url, { SUBSCRIPTION_BUFFER: '50' }));
    url = server.url;
    client = wsClient(server.wsUrl);
    await ok(url, `mutation { registerUser(input: {userId: "s", email: "s@example.com", name: "S"}) { user { id } } }`);
    for (const id of ['s1', 's2']) await ok(url, `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "s"}) { account { id } } }`, { id });
  });
  // Each test starts with no subscription left over, so counting them acknowledges its own.
  afterEach(() => subscribed(server, 0));
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await db?.drop();
  });

  it('streams live events from 8 concurrent writers in order, none missing or repeated', async () => {
    const start = await head(url);
    const live = collect(client, EVENTS, position);
    await subscribed(server, 1);
    await deposits('s1', 8, 10);
    const items = await live.waitFor(80);
    live.stop();
    expect(strictlyIncreasing(items)).toBe(true);
    expect(items).toEqual(await logPositions(url, start));
  });

  it('catches up from an old position while writers keep writing, then goes live without a gap', async () => {
    const start = await head(url);
    const writing = deposits('s2', 8, 8);
    const caughtUp = collect(client, EVENTS, position, { after: '0' });
    await writing;
    const total = Number(start) + 64;
    const items = await caughtUp.waitFor(total);
    caughtUp.stop();
    expect(items.length).toBe(total);
    expect(strictlyIncreasing(items)).toBe(true);
    expect(items).toEqual(await logPositions(url, '0'));
  });

  it('applies stream, stream-type and event-type filters on the server', async () => {
    const start = await head(url);
    const byStream = collect(client, EVENTS, (d) => d.eventAppended, { streamId: 's1', after: start });
    const byType = collect(client, EVENTS, (d) => d.eventAppended, { types: ['money_withdrawn'], after: start });
    const byStreamType = collect(client, EVENTS, (d) => d.eventAppended, { streamType: 'User', after: start });
    await ok(url, `mutation { deposit(input: {accountId: "s2", amount: "3"}) { account { id } } }`);
    await ok(url, `mutation { withdraw(input: {accountId: "s1", amount: "2"}) { account { id } } }`);
    await ok(url, `mutation { updateUser(input: {userId: "s", name: "Sam"}) { user { id } } }`);
    const [stream] = await byStream.waitFor(1);
    const [withdrawal] = await byType.waitFor(1);
    const [user] = await byStreamType.waitFor(1);
    // Events arrive in log order: once a later withdrawal on s1 has arrived, nothing else of s1 is coming.
    await ok(url, `mutation { withdraw(input: {accountId: "s1", amount: "1"}) { account { id } } }`);
    await byStream.waitFor(2);
    expect(byStream.items).toHaveLength(2);
    expect(byStream.items[1]).toMatchObject({ type: 'money_withdrawn', data: { amount: '1.00' } });
    expect(stream).toMatchObject({ streamId: 's1', type: 'money_withdrawn', data: { amount: '2.00' } });
    expect(withdrawal).toEqual(stream);
    expect(user).toMatchObject({ streamId: 's', type: 'user_updated' });
    // An event reads the same in a subscription as in a query.
    const queried = (await ok(url, `query($a: String) { events(first: 1, after: $a, streamId: "s1", types: ["money_withdrawn"]) { edges { node { id streamId type version position data metadata timestamp } } } }`, { a: start })).events.edges[0].node;
    expect(stream).toEqual(queried);
    for (const subscription of [byStream, byType, byStreamType]) subscription.stop();
  });

  it('streams an account state after each event, in order', async () => {
    const changes = collect(client, `subscription { accountChanged(id: "s1") { id balance version isActive } }`, (d) => d.accountChanged);
    await subscribed(server, 1);
    const before = (await ok(url, `{ account(id: "s1") { balance version } }`)).account;
    await ok(url, `mutation { deposit(input: {accountId: "s1", amount: "10"}) { account { id } } }`);
    await ok(url, `mutation { withdraw(input: {accountId: "s1", amount: "0.50"}) { account { id } } }`);
    const items = await changes.waitFor(2);
    changes.stop();
    const base = Number(before.balance);
    expect(items).toEqual([
      { id: 's1', balance: (base + 10).toFixed(2), version: before.version + 1, isActive: true },
      { id: 's1', balance: (base + 9.5).toFixed(2), version: before.version + 2, isActive: true },
    ]);
  });

  it('resolves nested fields afresh for each event (no cache lives as long as the subscription)', async () => {
    const changes = collect(client, `subscription { accountChanged(id: "s2") { version owner { name } } }`, (d) => d.accountChanged);
    await subscribed(server, 1);
    const name = (await ok(url, `{ user(id: "s") { name } }`)).user.name;
    await ok(url, `mutation { deposit(input: {accountId: "s2", amount: "1"}) { account { id } } }`);
    await changes.waitFor(1);
    await ok(url, `mutation { updateUser(input: {userId: "s", name: "Renamed"}) { user { id } } }`);
    await ok(url, `mutation { deposit(input: {accountId: "s2", amount: "1"}) { account { id } } }`);
    const items = await changes.waitFor(2);
    changes.stop();
    expect(items.map((item) => item.owner.name)).toEqual([name, 'Renamed']);
  });

  it('lets a client that reconnects with its last position miss nothing', async () => {
    const first = wsClient(server.wsUrl);
    const start = await head(url);
    const before = collect(first, EVENTS, position, { after: start });
    await deposits('s1', 2, 3);
    const seen = await before.waitFor(6);
    await first.dispose();
    await deposits('s1', 2, 3); // written while the client is away
    const second = wsClient(server.wsUrl);
    const resumed = collect(second, EVENTS, position, { after: seen.at(-1) });
    await deposits('s1', 1, 2);
    const rest = await resumed.waitFor(8);
    await second.dispose();
    expect([...seen, ...rest]).toEqual(await logPositions(url, start));
  });

  it('closes a slow consumer with 4413 while other subscribers carry on', async () => {
    const start = await head(url);
    // A raw graphql-ws conversation, so the client can stop reading.
    const slow = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => slow.on('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => slow.once('message', resolve));
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { eventAppended { position data } }` } }));
    const closed = new Promise<number>((resolve) => slow.on('close', (code) => resolve(code)));
    await subscribed(server, 1);
    slow.pause();

    const healthy = collect(client, EVENTS, position, { after: start });
    // Enough bulk to fill the socket buffers between the two ends and then the subscriber's.
    const blob = 'x'.repeat(8_000);
    const batches = 60;
    for (let i = 0; i < batches; i++) {
      const events = Array.from({ length: 50 }, (_, k) => ({ type: 'bulk_written', data: { blob, i, k }, metadata: {} }));
      await app.store.append({ streamId: `bulk-${i}`, streamType: 'Bulk', expectedVersion: 'no_stream', events });
      // A healthy subscriber keeps up: each commit is a whole buffer (50), so the writer waits for it
      // (an append can take less time than delivering 50 events of 8 kB in the same process).
      await healthy.waitFor((i + 1) * 50, 30_000);
    }
    const all = await healthy.waitFor(batches * 50, 30_000);
    expect(strictlyIncreasing(all)).toBe(true);
    slow.resume();
    expect(await closed).toBe(4413);
    healthy.stop();
  });

  it('refuses a malformed afterPosition', async () => {
    const bad = collect(client, EVENTS, position, { after: 'yesterday' });
    await expect(bad.waitFor(1, 5_000)).rejects.toThrow(/BAD_USER_INPUT/);
    const overHttp = await gql(url, `subscription { accountChanged(id: "s1") { id } }`);
    expect(overHttp.status).toBe(400);
    expect(overHttp.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
