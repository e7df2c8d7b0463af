/**
 * Forgetting a person (issue 14), on both databases: every read path shows
 * their email and name before the forget and null after it, at every
 * version, on a second app on the same database too (its key cache had the
 * key); accounts, balances and the log stay intact; the forgotten user
 * cannot act and their id is never reused; key look-ups come in batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { errorCode, ok } from './helpers/graphql.js';
import { wsClient } from './helpers/ws.js';
import { collect, subscribed } from './helpers/subscribe.js';

const EMAIL = 'alice.forget@example.com';
const NAME = 'Alice Forgettable';
const NEW_NAME = 'Alice Renamed';
const USER = `{ id email name forgotten version }`;

describe.each(backends)('forgetting a person on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  /** A second app on the same database (PostgreSQL: another process's caches; SQLite: the same file). */
  let other: { app: App; server: RunningServer };
  const clients: Client[] = [];
  let forgottenAt = '';
  let beforeForget = '';

  const views = async (url: string) => ({
    now: (await ok(url, `{ user(id: "alice") ${USER} }`)).user,
    v1: (await ok(url, `{ user(id: "alice", version: 1) ${USER} }`)).user,
    v2: (await ok(url, `{ user(id: "alice", version: 2) ${USER} }`)).user,
    asOf: (await ok(url, `query($t: DateTime!) { user(id: "alice", asOf: $t) ${USER} }`, { t: beforeForget })).user,
    events: (await ok(url, `{ events(streamId: "alice") { edges { node { type data } } } }`)).events.edges.map((edge: any) => edge.node),
    state: (await ok(url, `{ streamState(id: "alice", version: 2) { state } }`)).streamState.state,
    owner: (await ok(url, `{ account(id: "alice-acc") { balance owner { name email forgotten } } }`)).account,
    log: (await ok(url, `{ events(streamType: "User", first: 100) { edges { node { data } } } }`)).events.edges.map((edge: any) => edge.node.data),
  });

  const replay = async (wsUrl: string, count: number) => {
    const client = wsClient(wsUrl);
    clients.push(client);
    const single = collect(client, `subscription { eventAppended(streamId: "alice", afterPosition: "0") { type data } }`, (data) => data.eventAppended);
    const batches = collect(client, `subscription { eventsAppended(streamId: "alice", afterPosition: "0") { events { type data } } }`, (data) => data.eventsAppended.events);
    const events = await single.waitFor(count);
    await batches.waitFor(1);
    single.stop();
    batches.stop();
    return { single: events.slice(0, count), batched: batches.items.flat().slice(0, count) };
  };

  const fingerprints = async () =>
    (await app.readModels.processedCommand.findMany({ where: { streamId: 'alice' }, orderBy: { commandId: 'asc' } })).map((record) => record.fingerprint);

  beforeAll(async () => {
    db = await createDatabase(backend);
    // Snapshots every 2 events: time travel and loads go through sealed snapshots too.
    ({ app, server } = await startTestServer(db.url, { SNAPSHOT_EVERY: '2' }));
    other = await startTestServer(db.url, { SNAPSHOT_EVERY: '2' });
    await ok(server.url, `mutation { registerUser(input: {userId: "alice", email: "${EMAIL}", name: "${NAME}", commandId: "alice-register"}) { user { id } } }`);
    await ok(server.url, `mutation { updateUser(input: {userId: "alice", name: "${NEW_NAME}", commandId: "alice-rename"}) { user { id } } }`);
    await ok(server.url, `mutation { openAccount(input: {accountId: "alice-acc", ownerId: "alice", currency: "USD", initialBalance: "10.00"}) { account { id } } }`);
    await ok(server.url, `mutation { deposit(input: {accountId: "alice-acc", amount: "5.25"}) { account { id } } }`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    beforeForget = new Date().toISOString();
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await other?.server.close();
    await server?.close();
    await db?.drop();
  });

  it('shows the personal data on every read path before the forget, on both apps', async () => {
    for (const url of [server.url, other.server.url]) {
      const seen = await views(url);
      expect(seen.now).toEqual({ id: 'alice', email: EMAIL, name: NEW_NAME, forgotten: false, version: 2 });
      expect(seen.v1).toMatchObject({ email: EMAIL, name: NAME });
      expect(seen.asOf).toMatchObject({ email: EMAIL, name: NEW_NAME });
      expect(seen.events[0].data).toEqual({ userId: 'alice', email: EMAIL, name: NAME });
      expect(seen.events[1].data).toEqual({ userId: 'alice', name: NEW_NAME });
      expect(seen.state).toMatchObject({ email: EMAIL, name: NEW_NAME });
      expect(seen.owner).toEqual({ balance: '15.25', owner: { name: NEW_NAME, email: EMAIL, forgotten: false } });
    }
    const { single, batched } = await replay(other.server.wsUrl, 2);
    expect(single.map((event) => event.data.name)).toEqual([NAME, NEW_NAME]);
    // The command records' fingerprints hash inputs that held the name and email.
    expect((await fingerprints()).every((fingerprint) => fingerprint !== null)).toBe(true);
    expect(batched.map((event: any) => event.data.name)).toEqual([NAME, NEW_NAME]);
  });

  it('forgets: null everywhere, at every version, on the other app too, with the ledger intact', async () => {
    // A live subscriber on the other app sees the forget arrive.
    const client = wsClient(other.server.wsUrl);
    clients.push(client);
    const live = collect(client, `subscription { eventAppended(streamId: "alice") { type data } }`, (data) => data.eventAppended);
    await subscribed(other.server, 1);
    const forgotten = await ok(server.url, `mutation { forgetUser(input: {userId: "alice"}) { user ${USER} events { type data position } } }`);
    expect(forgotten.forgetUser.user).toEqual({ id: 'alice', email: null, name: null, forgotten: true, version: 3 });
    expect(forgotten.forgetUser.events).toMatchObject([{ type: 'user_forgotten', data: { userId: 'alice' } }]);
    forgottenAt = forgotten.forgetUser.events[0].position;
    expect((await live.waitFor(1))[0]).toEqual({ type: 'user_forgotten', data: { userId: 'alice' } });
    live.stop();

    for (const url of [server.url, other.server.url]) {
      const seen = await views(url);
      expect(seen.now).toEqual({ id: 'alice', email: null, name: null, forgotten: true, version: 3 });
      expect(seen.v1).toMatchObject({ email: null, name: null, forgotten: false });
      expect(seen.v2).toMatchObject({ email: null, name: null });
      expect(seen.asOf).toMatchObject({ email: null, name: null });
      expect(seen.events.map((event: any) => event.data)).toEqual([
        { userId: 'alice', email: null, name: null },
        { userId: 'alice', name: null },
        { userId: 'alice' },
      ]);
      expect(seen.state).toMatchObject({ email: null, name: null });
      expect(seen.owner).toEqual({ balance: '15.25', owner: { name: null, email: null, forgotten: true } });
      expect(JSON.stringify(seen.log)).not.toContain('Alice');
    }
    const { single, batched } = await replay(other.server.wsUrl, 3);
    expect(single.map((event) => event.data)).toEqual([{ userId: 'alice', email: null, name: null }, { userId: 'alice', name: null }, { userId: 'alice' }]);
    expect(batched.map((event: any) => event.data.name ?? null)).toEqual([null, null, null]);
    // The account and the log are whole: deposits still land, the summary still adds up.
    await ok(server.url, `mutation { deposit(input: {accountId: "alice-acc", amount: "1.00"}) { account { id } } }`);
    const summary = (await ok(other.server.url, `{ account(id: "alice-acc") { balance } accountSummary(id: "alice-acc") { totalDeposits transactionCount } }`));
    expect(summary).toEqual({ account: { balance: '16.25' }, accountSummary: { totalDeposits: '6.25', transactionCount: 2 } });
    expect(BigInt(forgottenAt)).toBeGreaterThan(0n);
    // No hash of the person's input is left to check a guess against; the command ids still replay.
    expect(await fingerprints()).toEqual([null, null]);
    const retried = await ok(server.url, `mutation { updateUser(input: {userId: "alice", name: "${NEW_NAME}", commandId: "alice-rename"}) { user { name version } events { version } } }`);
    expect(retried.updateUser).toEqual({ user: { name: null, version: 2 }, events: [{ version: 2 }] });
  });

  it('lets a forgotten user do nothing more and never reuses the id', async () => {
    expect(await errorCode(server.url, `mutation { updateUser(input: {userId: "alice", name: "Back"}) { user { id } } }`)).toBe('FORGOTTEN');
    expect(await errorCode(other.server.url, `mutation { updateUser(input: {userId: "alice", email: "b@example.com"}) { user { id } } }`)).toBe('FORGOTTEN');
    expect(await errorCode(server.url, `mutation { registerUser(input: {userId: "alice", email: "${EMAIL}", name: "${NAME}"}) { user { id } } }`)).toBe('ALREADY_EXISTS');
    expect(await errorCode(server.url, `mutation { openAccount(input: {accountId: "alice-acc-2", ownerId: "alice"}) { account { id } } }`)).toBe('NOT_FOUND');
    expect(await errorCode(server.url, `mutation { forgetUser(input: {userId: "nobody"}) { user { id } } }`)).toBe('NOT_FOUND');
    // Forgetting again changes nothing.
    const again = await ok(server.url, `mutation { forgetUser(input: {userId: "alice"}) { user { version forgotten } events { type } } }`);
    expect(again.forgetUser).toEqual({ user: { version: 3, forgotten: true }, events: [] });
  });

  it('fetches keys in batches: one statement for a page of many people, none again while cached, and no epoch read', async () => {
    // The log tailer reads (and opens) the log too: keep it out of the count.
    await app.tailer.stop();
    for (let i = 0; i < 30; i++) await ok(server.url, `mutation($id: ID!) { registerUser(input: {userId: $id, email: "p@example.com", name: "Person"}) { user { id } } }`, { id: `person-${i}` });
    app.privacy.keys.clear();
    const { fetches, epochReads } = app.privacy.keys.stats;
    const page = (await ok(server.url, `{ events(streamType: "User", first: 100) { edges { node { data } } } }`)).events.edges;
    expect(page.length).toBeGreaterThanOrEqual(33);
    expect(page.filter((edge: any) => edge.node.data.name === 'Person')).toHaveLength(30);
    expect(app.privacy.keys.stats.fetches - fetches).toBe(1);
    // The forget epoch came with the events, in their statement: no statement of its own.
    expect(app.privacy.keys.stats.epochReads - epochReads).toBe(0);
    await ok(server.url, `{ events(streamType: "User", first: 100) { edges { node { data } } } }`);
    expect(app.privacy.keys.stats.fetches - fetches).toBe(1);
  });
});

describe.each(backends)('who may forget on %s', (backend) => {
  let db: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    const { SECRET, ISSUER, AUDIENCE } = await import('./helpers/tokens.js');
    ({ server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('lets only the person themselves or an admin forget them', async () => {
    const { bearer, hsToken } = await import('./helpers/tokens.js');
    const { gql } = await import('./helpers/graphql.js');
    const as = async (sub: string, roles?: string[]) => bearer(await hsToken({ sub, ...(roles ? { roles } : {}) }));
    for (const id of ['ann', 'ben', 'cat']) {
      const registered = await gql(server.url, `mutation { registerUser(input: {email: "${id}@example.com", name: "${id}"}) { user { id } } }`, {}, await as(id));
      expect(registered.errors).toBeUndefined();
    }
    const admin = await as('root', ['admin']);
    const opened = await gql(server.url, `mutation { openAccount(input: {accountId: "ann-acc", ownerId: "ann", initialBalance: "9.00"}) { account { id } } }`, {}, admin);
    expect(opened.errors).toBeUndefined();
    const deposit = async (headers: Record<string, string>) =>
      (await gql(server.url, `mutation { deposit(input: {accountId: "ann-acc", amount: "1.00"}) { account { balance } } }`, {}, headers));
    expect((await deposit(await as('ann'))).data).toEqual({ deposit: { account: { balance: '10.00' } } });
    const forget = (id: string, headers: Record<string, string>) => gql(server.url, `mutation($id: ID!) { forgetUser(input: {userId: $id}) { user { forgotten } } }`, { id }, headers);
    expect((await forget('ann', await as('ben'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await forget('ann', {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await forget('ann', await as('ann'))).data).toEqual({ forgetUser: { user: { forgotten: true } } });
    expect((await forget('cat', admin)).data).toEqual({ forgetUser: { user: { forgotten: true } } });
    // Ann can no longer act, on her account either; the account itself is intact and an admin still can.
    expect((await deposit(await as('ann'))).errors?.[0]?.extensions?.code).toBe('FORGOTTEN');
    expect((await deposit(admin)).data).toEqual({ deposit: { account: { balance: '11.00' } } });
    const ben = await gql(server.url, `{ user(id: "ben") { name forgotten } }`, {}, await as('ben'));
    expect(ben.data).toEqual({ user: { name: 'ben', forgotten: false } });
  });
});
