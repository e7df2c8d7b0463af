/**
 * eventsAppended (events in batches) over real graphql-ws clients, on every
 * backend: catch-up pages and live batches in log order with no gap and no
 * duplicate at the hand-over, a resume after a reconnect, filters, limits,
 * and authorization with shared results.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { wsClient } from './helpers/ws.js';
import { collect, logPositions, strictlyIncreasing, subscribed, type Collected } from './helpers/subscribe.js';
import { AUDIENCE, ISSUER, SECRET, hsToken } from './helpers/tokens.js';

const BATCHES = `subscription($streamId: ID, $types: [String!], $after: String, $max: Int) {
  eventsAppended(streamId: $streamId, types: $types, afterPosition: $after, maxBatch: $max) {
    caughtUp
    events { id streamId streamType type version position data metadata timestamp }
  }
}`;

interface Batch {
  caughtUp: boolean;
  events: Array<{ position: string; streamId: string; type: string; [field: string]: unknown }>;
}

const batchOf = (data: any) => data.eventsAppended as Batch;
const positionsOf = (batches: readonly Batch[]) => batches.flatMap((batch) => batch.events.map((event) => event.position));

/** Collects batches until they hold `count` events. */
async function eventsFrom(collected: Collected<Batch>, count: number): Promise<Batch[]> {
  while (positionsOf(collected.items).length < count) await collected.waitFor(collected.items.length + 1, 20_000);
  return collected.items;
}

describe.each(backends)('eventsAppended on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  let url: string;
  let client: Client;
  const deposit = (account: string) => ok(url, `mutation($a: ID!) { deposit(input: {accountId: $a, amount: "1"}) { account { id } } }`, { a: account });
  const deposits = (account: string, writers: number, each: number) =>
    Promise.all(Array.from({ length: writers }, async () => {
      for (let i = 0; i < each; i++) await deposit(account);
    }));

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
    url = server.url;
    client = wsClient(server.wsUrl);
    await ok(url, `mutation { registerUser(input: {userId: "b", email: "b@example.com", name: "B"}) { user { id } } }`);
    for (const id of ['b1', 'b2']) await ok(url, `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "b"}) { account { id } } }`, { id });
    // A log long enough for several catch-up pages.
    for (let i = 0; i < 5; i++) {
      const events = Array.from({ length: 50 }, () => ({ type: 'money_deposited', data: { accountId: 'b1', amount: '1.00', reference: null }, metadata: {} }));
      const result = await app.store.append({ streamId: 'b1', streamType: 'BankAccount', expectedVersion: 'any', events });
      expect(result.status).toBe('appended');
    }
  });
  afterEach(() => subscribed(server, 0));
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await db?.drop();
  });

  it('replays the log in pages of maxBatch while writers keep writing, then goes live with no gap or duplicate', async () => {
    const writing = deposits('b2', 4, 10);
    const replay = collect(client, BATCHES, batchOf, { after: '0', max: 40 });
    await writing;
    const total = (await logPositions(url, '0')).length;
    const batches = await eventsFrom(replay, total);
    // A few more after the replay: they come live.
    await deposits('b2', 1, 3);
    const all = await eventsFrom(replay, total + 3);
    replay.stop();
    const positions = positionsOf(all);
    expect(strictlyIncreasing(positions)).toBe(true);
    expect(positions).toEqual(await logPositions(url, '0'));
    expect(all.every((batch) => batch.events.length >= 1 && batch.events.length <= 40)).toBe(true);
    // The replay comes in pages (a page can be short when it reached the tailer while writers moved it on);
    // once a batch says it caught up, every later one does too.
    const firstLive = all.findIndex((batch) => batch.caughtUp);
    expect(firstLive).toBeGreaterThan(0);
    expect(all.slice(0, firstLive).filter((batch) => batch.events.length === 40).length).toBeGreaterThanOrEqual(Math.floor(200 / 40));
    expect(all.slice(firstLive).every((batch) => batch.caughtUp)).toBe(true);
    expect(batches.length).toBeLessThan(total / 2);
  });

  it('delivers the same events, field for field, as eventAppended and the events query', async () => {
    const start = (await logPositions(url, '0')).at(-1)!;
    const batched = collect(client, BATCHES, batchOf, { after: start, max: 10 });
    const single = collect(client, `subscription($a: String) { eventAppended(afterPosition: $a) { id streamId streamType type version position data metadata timestamp } }`, (d) => d.eventAppended, { a: start });
    await subscribed(server, 2);
    await deposits('b1', 1, 3);
    const batches = await eventsFrom(batched, 3);
    const events = await single.waitFor(3);
    batched.stop();
    single.stop();
    const queried = (await ok(url, `query($a: String) { events(first: 3, after: $a) { edges { node { id streamId streamType type version position data metadata timestamp } } } }`, { a: start })).events.edges.map((edge: any) => edge.node);
    expect(batches.flatMap((batch) => batch.events)).toEqual(queried);
    expect(events).toEqual(queried);
  });

  it('lets a client that reconnects after the last position it saw miss nothing and see nothing twice', async () => {
    const start = (await logPositions(url, '0')).at(-1)!;
    const first = wsClient(server.wsUrl);
    const before = collect(first, BATCHES, batchOf, { after: start, max: 5 });
    await subscribed(server, 1);
    await deposits('b1', 2, 3);
    const seen = positionsOf(await eventsFrom(before, 6));
    await first.dispose();
    await deposits('b2', 2, 4); // written while the client is away
    const second = wsClient(server.wsUrl);
    const resumed = collect(second, BATCHES, batchOf, { after: seen.at(-1), max: 5 });
    await deposits('b1', 1, 2);
    const rest = positionsOf(await eventsFrom(resumed, 10));
    await second.dispose();
    expect([...seen, ...rest]).toEqual(await logPositions(url, start));
  });

  it('applies stream and event-type filters to every batch', async () => {
    const start = (await logPositions(url, '0')).at(-1)!;
    await deposits('b2', 1, 2);
    await ok(url, `mutation { withdraw(input: {accountId: "b1", amount: "1"}) { account { id } } }`);
    const byStream = collect(client, BATCHES, batchOf, { after: start, streamId: 'b2', max: 100 });
    const byType = collect(client, BATCHES, batchOf, { after: start, types: ['money_withdrawn'], max: 100 });
    const streamEvents = (await eventsFrom(byStream, 2)).flatMap((batch) => batch.events);
    const typeEvents = (await eventsFrom(byType, 1)).flatMap((batch) => batch.events);
    await ok(url, `mutation { withdraw(input: {accountId: "b2", amount: "1"}) { account { id } } }`);
    const laterStream = (await eventsFrom(byStream, 3)).flatMap((batch) => batch.events);
    const laterType = (await eventsFrom(byType, 2)).flatMap((batch) => batch.events);
    byStream.stop();
    byType.stop();
    expect(streamEvents.every((event) => event.streamId === 'b2')).toBe(true);
    expect(typeEvents.map((event) => [event.streamId, event.type])).toEqual([['b1', 'money_withdrawn']]);
    expect(laterStream.at(-1)).toMatchObject({ streamId: 'b2', type: 'money_withdrawn' });
    expect(laterType.map((event) => event.streamId)).toEqual(['b1', 'b2']);
  });

  it('refuses a maxBatch outside 1 to 1000 with BAD_USER_INPUT naming the field', async () => {
    for (const max of [0, 1001]) {
      const bad = collect(client, BATCHES, batchOf, { max });
      await expect(bad.waitFor(1, 5_000)).rejects.toThrow(/"code":"BAD_USER_INPUT".*"field":"maxBatch"|"field":"maxBatch".*"code":"BAD_USER_INPUT"/);
    }
    const overHttp = await gql(url, `subscription { eventsAppended { caughtUp } }`);
    expect(overHttp.status).toBe(400);
  });
});

describe.each(backends)('eventsAppended with authentication on %s', (backend) => {
  let db: TestDatabase;
  let server: RunningServer;
  const clients: Client[] = [];
  const tokens: Record<string, string> = {};
  const as = (who: string, query: string) => gql(server.url, query, undefined, { authorization: `Bearer ${tokens[who]}` });
  const socketFor = (who: string) => {
    const socket = wsClient(server.wsUrl, { connectionParams: { authorization: `Bearer ${tokens[who]}` } });
    clients.push(socket);
    return socket;
  };

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
    for (const who of ['carol', 'dave']) tokens[who] = await hsToken({ sub: who });
    tokens.admin = await hsToken({ sub: 'root', roles: ['admin'] });
    for (const who of ['carol', 'dave']) {
      await as(who, `mutation { registerUser(input: {email: "${who}@example.com", name: "${who}"}) { user { id } } }`);
      await as('admin', `mutation { openAccount(input: {accountId: "${who}-acc", ownerId: "${who}"}) { account { id } } }`);
    }
  });
  afterAll(async () => {
    for (const socket of clients) await socket.dispose();
    await server?.close();
    await db?.drop();
  });

  it("refuses the log across streams and other owners' streams, and never shares a batch across rights", async () => {
    const carol = socketFor('carol');
    for (const variables of [{ after: '0' }, { streamId: 'dave-acc', after: '0' }]) {
      const refused = collect(carol, BATCHES, batchOf, variables);
      await expect(refused.waitFor(1, 5_000)).rejects.toThrow(/FORBIDDEN/);
    }
    // The same operation and variables from three rights: each sees only what it may.
    const mine = collect(carol, BATCHES, batchOf, { streamId: 'carol-acc', after: '0' });
    const daves = collect(socketFor('dave'), BATCHES, batchOf, { streamId: 'carol-acc', after: '0' });
    const admin = collect(socketFor('admin'), BATCHES, batchOf, { streamId: 'carol-acc', after: '0' });
    await expect(daves.waitFor(1, 5_000)).rejects.toThrow(/FORBIDDEN/);
    await mine.waitFor(1);
    await admin.waitFor(1);
    await as('carol', `mutation { deposit(input: {accountId: "carol-acc", amount: "4.00"}) { account { id } } }`);
    await as('dave', `mutation { deposit(input: {accountId: "dave-acc", amount: "5.00"}) { account { id } } }`);
    const carolSees = positionsOf(await eventsFrom(mine, 2));
    const adminSees = positionsOf(await eventsFrom(admin, 2));
    expect(carolSees).toEqual(adminSees);
    expect([...mine.items, ...admin.items].flatMap((batch) => batch.events).every((event) => event.streamId === 'carol-acc')).toBe(true);
    expect(daves.items).toEqual([]);
  });
});
