/**
 * Time travel by time (`asOf`) over HTTP: at the exact timestamp of a later
 * event, between events, before the first, and with several events sharing
 * one timestamp, for accounts and users, with snapshots in the way (every 2
 * events). The store's clock is pinned, so timestamps are exactly known.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleApp } from '../src/app.js';
import { openEventStore } from '../src/eventstore/open.js';
import { catalogOf, projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { testConfig } from './helpers/app.js';
import { ok } from './helpers/graphql.js';

const T1 = new Date('2026-11-30T10:00:00.000Z');
const T2 = new Date('2026-11-30T11:00:00.000Z');
const T3 = new Date('2026-11-30T12:00:00.000Z');
const at = (time: Date, ms = 0) => new Date(time.getTime() + ms).toISOString();

describe.each(backends)('asOf on %s', (backend) => {
  let db: TestDatabase;
  let server: RunningServer;
  let now = T1;
  const mutate = (mutation: string) => ok(server.url, `mutation { ${mutation} }`);
  const asOf = (time: string) =>
    ok(server.url, `query($t: DateTime!) { account(id: "tt-acc", asOf: $t) { balance version } user(id: "tt", asOf: $t) { name version } }`, { t: time });

  beforeAll(async () => {
    db = await createDatabase(backend);
    const config = testConfig(db.url, { SNAPSHOT_EVERY: '2' });
    const store = await openEventStore({ databaseUrl: db.url, projections: projectionsOf(modules), schemas: catalogOf(modules), clock: () => now });
    server = await startServer(await assembleApp(config, store, modules), { port: 0, host: '127.0.0.1' });
    // T1: the user and the account. T2: two deposits and a rename, all sharing one timestamp. T3: one more of each.
    await mutate(`registerUser(input: {userId: "tt", email: "tt@example.com", name: "One"}) { user { id } }`);
    await mutate(`openAccount(input: {accountId: "tt-acc", ownerId: "tt", initialBalance: "10.00"}) { account { id } }`);
    now = T2;
    await mutate(`deposit(input: {accountId: "tt-acc", amount: "1.00"}) { account { id } }`);
    await mutate(`deposit(input: {accountId: "tt-acc", amount: "2.00"}) { account { id } }`);
    await mutate(`updateUser(input: {userId: "tt", name: "Two"}) { user { id } }`);
    now = T3;
    await mutate(`deposit(input: {accountId: "tt-acc", amount: "4.00"}) { account { id } }`);
    await mutate(`updateUser(input: {userId: "tt", name: "Three"}) { user { id } }`);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('records the pinned timestamps, several events sharing one', async () => {
    const log = await ok(server.url, `{ events(first: 10) { edges { node { streamId version timestamp } } } }`);
    expect(log.events.edges.map(({ node }: any) => [node.streamId, node.version, node.timestamp])).toEqual([
      ['tt', 1, at(T1)],
      ['tt-acc', 1, at(T1)],
      ['tt-acc', 2, at(T2)],
      ['tt-acc', 3, at(T2)],
      ['tt', 2, at(T2)],
      ['tt-acc', 4, at(T3)],
      ['tt', 3, at(T3)],
    ]);
  });

  it('answers the state after every event at or before the time', async () => {
    expect(await asOf(at(T1, -1))).toEqual({ account: null, user: null });
    expect(await asOf(at(T1))).toEqual({ account: { balance: '10.00', version: 1 }, user: { name: 'One', version: 1 } });
    expect(await asOf(at(T2, -1))).toEqual({ account: { balance: '10.00', version: 1 }, user: { name: 'One', version: 1 } });
    // Exactly at a later event's timestamp: every event sharing it is in.
    expect(await asOf(at(T2))).toEqual({ account: { balance: '13.00', version: 3 }, user: { name: 'Two', version: 2 } });
    expect(await asOf(at(T2, 1))).toEqual({ account: { balance: '13.00', version: 3 }, user: { name: 'Two', version: 2 } });
    expect(await asOf(at(T3))).toEqual({ account: { balance: '17.00', version: 4 }, user: { name: 'Three', version: 3 } });
    expect(await asOf(at(T3, 86_400_000))).toEqual({ account: { balance: '17.00', version: 4 }, user: { name: 'Three', version: 3 } });
  });

  it('lists only the events that made a past state', async () => {
    const past = await ok(server.url, `query($t: DateTime!) { account(id: "tt-acc", asOf: $t) { events { edges { node { version } } } } }`, { t: at(T2) });
    expect(past.account.events.edges.map(({ node }: any) => node.version)).toEqual([1, 2, 3]);
  });
});
