/**
 * Snapshots: used only by the decider that wrote them (stream type and
 * revision), and really used: a read at version v reads only the events after
 * the newest snapshot at or below v (counted with the store's eventsRead).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../src/app.js';
import { AggregateRepository } from '../src/commands/repository.js';
import { accountDecider } from '../src/accounts/decider.js';
import { userDecider } from '../src/users/decider.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';

/** A user with `updates` renames after registering, and an account with `deposits` deposits after opening. */
async function streams(url: string, id: string, updates: number, deposits: number) {
  await ok(url, `mutation { registerUser(input: {userId: "${id}", email: "${id}@example.com", name: "N0"}) { user { id } } }`);
  for (let i = 1; i <= updates; i++) await ok(url, `mutation { updateUser(input: {userId: "${id}", name: "N${i}"}) { user { id } } }`);
  await ok(url, `mutation { openAccount(input: {accountId: "${id}-acc", ownerId: "${id}"}) { account { id } } }`);
  for (let i = 1; i <= deposits; i++) await ok(url, `mutation { deposit(input: {accountId: "${id}-acc", amount: "${i}.00"}) { account { id } } }`);
}

async function waitForSnapshots(app: App, streamId: string, count: number) {
  await vi.waitFor(async () => {
    const rows = await app.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM snapshots WHERE stream_id = ?', [streamId]);
    expect(Number(rows[0]!.n)).toBe(count);
  });
}

describe.each(backends)('snapshots on %s', (backend) => {
  const servers: Array<{ db: TestDatabase; app: App; server: RunningServer }> = [];
  /** Events a read takes from the log (not from a snapshot). */
  const eventsRead = async (app: App, read: () => Promise<unknown>) => {
    const before = app.store.stats.eventsRead;
    await read();
    return app.store.stats.eventsRead - before;
  };

  const start = async (snapshotEvery: string) => {
    const db = await createDatabase(backend);
    const started = { db, ...(await startTestServer(db.url, { SNAPSHOT_EVERY: snapshotEvery })) };
    servers.push(started);
    return started;
  };
  afterAll(async () => {
    for (const { server, db } of servers) {
      await server.close();
      await db.drop();
    }
  });

  describe('every 2 events', () => {
    let app: App;
    let url: string;
    beforeAll(async () => {
      ({ app, server: { url } } = await start('2'));
      await streams(url, 'u1', 3, 3);
      await waitForSnapshots(app, 'u1', 2);
      await waitForSnapshots(app, 'u1-acc', 2);
    });

    it("answers a user id asked as an account (and the other way round) as if there were no snapshot", async () => {
      const read = await gql(url, `{ a: account(id: "u1") { id } b: account(id: "u1", version: 2) { id } u: user(id: "u1-acc") { id } v: user(id: "u1-acc", version: 2) { id } }`);
      expect(read).toMatchObject({ data: { a: null, b: null, u: null, v: null } });
      expect(read.errors).toBeUndefined();
      const deposit = await gql(url, `mutation { deposit(input: {accountId: "u1", amount: "1.00"}) { account { id } } }`);
      expect(deposit.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
      const update = await gql(url, `mutation { updateUser(input: {userId: "u1-acc", name: "X"}) { user { id } } }`);
      expect(update.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
      // Fresh repositories (nothing cached) take the batched path too.
      const accounts = new AggregateRepository(app.store, accountDecider, { snapshotEvery: 2 });
      expect((await accounts.loadMany(['u1'])).get('u1')).toMatchObject({ foreignType: 'User' });
      expect((await accounts.load('u1')).foreignType).toBe('User');
      const users = new AggregateRepository(app.store, userDecider, { snapshotEvery: 2 });
      expect((await users.loadMany(['u1'])).get('u1')).toMatchObject({ version: 4, state: { name: 'N3' } });
    });
  });

  describe('every 5 events', () => {
    let app: App;
    beforeAll(async () => {
      let url: string;
      ({ app, server: { url } } = await start('5'));
      await streams(url, 'u5', 11, 11);
      await waitForSnapshots(app, 'u5', 2);
      await waitForSnapshots(app, 'u5-acc', 2);
    });

    it('reads only the events after the newest snapshot at or below the version asked for', async () => {
      const accounts = new AggregateRepository(app.store, accountDecider, { snapshotEvery: 5 });
      const users = new AggregateRepository(app.store, userDecider, { snapshotEvery: 5 });
      for (const [repository, id] of [
        [accounts, 'u5-acc'],
        [users, 'u5'],
      ] as const) {
        for (let version = 1; version <= 12; version++) {
          expect(await eventsRead(app, () => repository.loadAt(id, { version })), `${id} at ${version}`).toBe(version % 5);
          // The same without snapshots: every event up to the version.
          expect(await eventsRead(app, () => repository.loadAt(id, { version }, false))).toBe(version);
        }
      }
      // Latest state with nothing cached: snapshot 10, then events 11 and 12; batched loads the same.
      const fresh = new AggregateRepository(app.store, accountDecider, { snapshotEvery: 5 });
      expect(await eventsRead(app, () => fresh.load('u5-acc'))).toBe(2);
      const batch = new AggregateRepository(app.store, userDecider, { snapshotEvery: 5 });
      expect(await eventsRead(app, () => batch.loadMany(['u5', 'u5-acc']))).toBe(2 + 12);
      // Cached: the tail after the cached version only (none).
      expect(await eventsRead(app, () => fresh.load('u5-acc'))).toBe(0);
    });
  });

  describe('turned off (0)', () => {
    it('writes no snapshot and reads every event', async () => {
      const { app, server } = await start('0');
      await streams(server.url, 'u0', 11, 11);
      const rows = await app.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM snapshots');
      expect(Number(rows[0]!.n)).toBe(0);
      const accounts = new AggregateRepository(app.store, accountDecider, { snapshotEvery: 0 });
      for (const version of [1, 5, 10, 12]) expect(await eventsRead(app, () => accounts.loadAt('u0-acc', { version }))).toBe(version);
      expect(await eventsRead(app, () => new AggregateRepository(app.store, userDecider, { snapshotEvery: 0 }).load('u0'))).toBe(12);
    });
  });
});
