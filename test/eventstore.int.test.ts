/** The event store itself, on every backend: versions, reads, filters, ordering, durability. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import type { NewEvent } from '../src/eventstore/types.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';

const projections = projectionsOf(modules);
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const event = (type: string, n = 0): NewEvent => ({ type, data: { n }, metadata: { source: 'test' } });

describe.each(backends)('event store on %s', (backend) => {
  let db: TestDatabase;
  let store: PrismaEventStore;

  beforeAll(async () => {
    db = await createDatabase(backend);
    store = await openEventStore({ databaseUrl: db.url, projections });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('checks expected versions of every kind', async () => {
    const first = await store.append({ streamId: 'ev-1', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a'), event('b')] });
    expect(first).toMatchObject({ status: 'appended', version: 2 });
    expect(await store.append({ streamId: 'ev-1', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('c')] })).toEqual({
      status: 'conflict',
      actualVersion: 2,
    });
    expect(await store.append({ streamId: 'ev-1', streamType: 'Thing', expectedVersion: 1, events: [event('c')] })).toEqual({ status: 'conflict', actualVersion: 2 });
    expect(await store.append({ streamId: 'ev-1', streamType: 'Thing', expectedVersion: 3, events: [event('c')] })).toEqual({ status: 'conflict', actualVersion: 2 });
    expect(await store.append({ streamId: 'ev-new', streamType: 'Thing', expectedVersion: 1, events: [event('c')] })).toEqual({
      status: 'conflict',
      actualVersion: 0,
    });
    expect(await store.append({ streamId: 'ev-1', streamType: 'Thing', expectedVersion: 2, events: [event('c')] })).toMatchObject({ status: 'appended', version: 3 });
    expect(await store.append({ streamId: 'ev-1', streamType: 'Thing', expectedVersion: 'any', events: [event('d')] })).toMatchObject({ status: 'appended', version: 4 });
    // A stream belongs to one type: another type cannot write into it.
    expect(await store.append({ streamId: 'ev-1', streamType: 'Other', expectedVersion: 'any', events: [event('x')] })).toEqual({ status: 'conflict', actualVersion: 4 });
    expect((await store.readStream('ev-1')).map((e) => [e.version, e.type])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
  });

  it('decides each request of one batch on its own, in submission order', async () => {
    // Submitted together: they share a transaction, yet each gets its own verdict.
    const results = await Promise.all([
      store.append({ streamId: 'batch-1', streamType: 'Thing', expectedVersion: 0, events: [event('a')] }),
      store.append({ streamId: 'batch-1', streamType: 'Thing', expectedVersion: 0, events: [event('b')] }),
      store.append({ streamId: 'batch-1', streamType: 'Thing', expectedVersion: 1, events: [event('c')] }),
      store.append({ streamId: 'batch-2', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('d')] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['appended', 'conflict', 'appended', 'appended']);
    expect((await store.readStream('batch-1')).map((e) => e.type)).toEqual(['a', 'c']);
  });

  it('reads a stream between versions and the log with every filter', async () => {
    const start = await store.headPosition();
    const before = new Date();
    await store.append({ streamId: 'log-a', streamType: 'Alpha', expectedVersion: 'no_stream', events: [event('created'), event('moved', 1), event('moved', 2)] });
    await store.append({ streamId: 'log-b', streamType: 'Beta', expectedVersion: 'no_stream', events: [event('created'), event('moved', 3)] });
    expect((await store.readStream('log-a', { afterVersion: 1, toVersion: 2 })).map((e) => e.version)).toEqual([2]);
    const all = await store.readLog({ afterPosition: start, limit: 100 });
    expect(all.map((e) => e.streamId)).toEqual(['log-a', 'log-a', 'log-a', 'log-b', 'log-b']);
    expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n, 5n].map((n) => start + n));
    expect((await store.readLog({ afterPosition: start, streamType: 'Beta', limit: 100 })).map((e) => e.type)).toEqual(['created', 'moved']);
    expect((await store.readLog({ afterPosition: start, types: ['moved'], limit: 100 })).map((e) => e.data.n)).toEqual([1, 2, 3]);
    expect((await store.readLog({ afterPosition: start, streamId: 'log-b', types: ['moved'], limit: 100 })).length).toBe(1);
    expect((await store.readLog({ afterPosition: start, limit: 2 })).length).toBe(2);
    expect((await store.readLog({ afterPosition: start + 4n, limit: 10 })).map((e) => e.position)).toEqual([start + 5n]);
    const stamp = all[0]!.timestamp;
    expect((await store.readLog({ afterPosition: start, since: stamp, until: stamp, limit: 100 })).length).toBeGreaterThan(0);
    expect(await store.readLog({ afterPosition: start, until: new Date(before.getTime() - 60_000), limit: 100 })).toEqual([]);
    expect(all[0]).toMatchObject({ streamType: 'Alpha', version: 1, metadata: { source: 'test' } });
    expect(typeof all[0]!.id).toBe('string');
  });

  it('keeps timestamps non-decreasing along the log', async () => {
    const log = await store.readLog({ limit: 10_000 });
    for (let i = 1; i < log.length; i++) expect(log[i]!.timestamp.getTime()).toBeGreaterThanOrEqual(log[i - 1]!.timestamp.getTime());
  });

  it('records a command id once, in the append transaction', async () => {
    const first = await store.append({ streamId: 'cmd-1', streamType: 'Thing', expectedVersion: 'any', events: [event('a')], command: { id: 'cmd-id-1', type: 'Do', actor: '' } });
    const again = await store.append({ streamId: 'cmd-1', streamType: 'Thing', expectedVersion: 'any', events: [event('a')], command: { id: 'cmd-id-1', type: 'Do', actor: '' } });
    expect(first.status).toBe('appended');
    expect(again).toMatchObject({ status: 'duplicate', command: { commandId: 'cmd-id-1', actor: '', commandType: 'Do', streamId: 'cmd-1', firstVersion: 1, lastVersion: 1 } });
    // Two at once with the same id: one lands.
    const pair = await Promise.all([
      store.append({ streamId: 'cmd-2', streamType: 'Thing', expectedVersion: 'any', events: [event('a')], command: { id: 'cmd-id-2', type: 'Do', actor: '' } }),
      store.append({ streamId: 'cmd-2', streamType: 'Thing', expectedVersion: 'any', events: [event('a')], command: { id: 'cmd-id-2', type: 'Do', actor: '' } }),
    ]);
    expect(pair.map((r) => r.status).sort()).toEqual(['appended', 'duplicate']);
    expect(await store.streamVersion('cmd-2')).toBe(1);
  });

  it('gives 50 concurrent appends to 50 streams consecutive positions', async () => {
    const start = await store.headPosition();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append({ streamId: `many-${i}`, streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a', i)] })),
    );
    expect(results.every((r) => r.status === 'appended')).toBe(true);
    const positions = (await store.readLog({ afterPosition: start, limit: 100 })).map((e) => e.position);
    expect(positions).toEqual(Array.from({ length: 50 }, (_, i) => start + BigInt(i + 1)));
  });

  it('keeps snapshots by stream type, revision and version', async () => {
    const thing = (revision: number) => ({ streamType: 'Thing', revision });
    await store.writeSnapshot({ streamId: 'snap', streamType: 'Thing', version: 5, revision: 1, state: { v: 5 } });
    await store.writeSnapshot({ streamId: 'snap', streamType: 'Thing', version: 10, revision: 1, state: { v: 10 } });
    await store.writeSnapshot({ streamId: 'snap', streamType: 'Thing', version: 12, revision: 2, state: { v: 12 } });
    expect((await store.readSnapshot('snap', 9, thing(1)))?.state).toEqual({ v: 5 });
    expect((await store.readSnapshot('snap', 100, thing(1)))?.state).toEqual({ v: 10 });
    expect((await store.readSnapshot('snap', 100, thing(2)))?.state).toEqual({ v: 12 });
    expect(await store.readSnapshot('snap', 4, thing(1))).toBeNull();
    expect((await store.readSnapshots(['snap', 'none'], thing(1))).get('snap')?.version).toBe(10);
    // Another decider at the same revision never gets a Thing's snapshot, in any of the three reads.
    const other = { streamType: 'Other', revision: 1 };
    expect(await store.readSnapshot('snap', 100, other)).toBeNull();
    expect((await store.readSnapshots(['snap'], other)).size).toBe(0);
    expect((await store.readStreamAt('snap', 0, other)).snapshot).toBeNull();
    expect((await store.readStreamAt('snap', 10, thing(1))).snapshot?.state).toEqual({ v: 10 });
  });

  it('keeps every committed event across a restart', async () => {
    const head = await store.headPosition();
    const log = await store.readLog({ limit: 10_000 });
    await store.close();
    store = await openEventStore({ databaseUrl: db.url, projections });
    expect(await store.headPosition()).toBe(head);
    expect(await store.readLog({ limit: 10_000 })).toEqual(log);
    const next = await store.append({ streamId: 'after-restart', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')] });
    expect(next).toMatchObject({ status: 'appended', events: [{ position: head + 1n }] });
  });

  it('builds the same read-model rows live as a rebuild does, also when one batch opens and changes an account', async () => {
    const account = (type: string, data: Record<string, string>): NewEvent => ({ type, data: { accountId: 'rm-1', ...data }, metadata: {} });
    await store.append({
      streamId: 'rm-1',
      streamType: 'BankAccount',
      expectedVersion: 'no_stream',
      events: [
        account('account_created', { ownerId: 'o', currency: 'EUR', initialBalance: '10.00' }),
        account('money_deposited', { amount: '5.00' }),
        account('money_withdrawn', { amount: '2.50' }),
        account('money_deposited', { amount: '1.00' }),
      ],
    });
    // One batch holding an opening and a change of an existing account.
    await Promise.all([
      store.append({ streamId: 'rm-2', streamType: 'BankAccount', expectedVersion: 'no_stream', events: [{ type: 'account_created', data: { accountId: 'rm-2', ownerId: 'o', currency: 'USD', initialBalance: '0.00' }, metadata: {} }, { type: 'account_closed', data: { accountId: 'rm-2' }, metadata: {} }] }),
      store.append({ streamId: 'rm-1', streamType: 'BankAccount', expectedVersion: 4, events: [account('money_deposited', { amount: '3.00' })] }),
    ]);
    const rows = async () => ({
      accounts: (await store.reader.query<Record<string, unknown>>("SELECT * FROM accounts WHERE account_id LIKE 'rm-%' ORDER BY account_id")).map((row): Record<string, unknown> => ({ ...row, is_active: Boolean(Number(row.is_active)) })),
      summaries: await store.reader.query("SELECT * FROM account_summaries WHERE account_id LIKE 'rm-%' ORDER BY account_id"),
    });
    const live = await rows();
    expect(live.accounts.map((row) => [row.account_id, String(row.balance), Number(row.version), row.is_active])).toEqual([
      ['rm-1', '1650', 5, true],
      ['rm-2', '0', 2, false],
    ]);
    expect(live.summaries.map((row) => [row.account_id, String(row.total_deposits), String(row.total_withdrawals), Number(row.transaction_count)])).toEqual([
      ['rm-1', '900', '250', 4],
      ['rm-2', '0', '0', 0],
    ]);
    for (const name of ['accounts', 'account_summaries']) await store.rebuildProjection(name);
    expect(await rows()).toEqual(live);
  });

  it('refuses appends once closed', async () => {
    const other = await openEventStore({ databaseUrl: db.url, projections });
    await other.close();
    await expect(other.append({ streamId: 'x', streamType: 'Thing', expectedVersion: 'any', events: [event('a')] })).rejects.toThrow(/closed/);
  });
});

/**
 * PostgreSQL's one-statement path: a batch decided on where the store last left
 * the log, checked under the head lock by `ledger_claim_head`. Whenever the
 * prediction is wrong the statement writes nothing and the locked path decides.
 */
describe.runIf(backends.includes('postgresql'))('one-statement appends on postgresql', () => {
  let db: TestDatabase;
  let a: PrismaEventStore;
  let b: PrismaEventStore;

  beforeAll(async () => {
    db = await createDatabase('postgresql');
    a = await openEventStore({ databaseUrl: db.url, projections });
    b = await openEventStore({ databaseUrl: db.url, projections });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('answers a conflict inside a one-statement batch for that command only, and lands the rest', async () => {
    await a.append({ streamId: 'os-1', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')] });
    const before = { ...a.stats };
    const results = await Promise.all([
      a.append({ streamId: 'os-1', streamType: 'Thing', expectedVersion: 1, events: [event('b')] }),
      a.append({ streamId: 'os-1', streamType: 'Thing', expectedVersion: 1, events: [event('c')] }),
      a.append({ streamId: 'os-2', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('d'), event('e')] }),
      a.append({ streamId: 'os-1', streamType: 'Other', expectedVersion: 'any', events: [event('f')] }),
    ]);
    expect(results).toMatchObject([
      { status: 'appended', version: 2 },
      { status: 'conflict', actualVersion: 2 },
      { status: 'appended', version: 2 },
      { status: 'conflict', actualVersion: 2 },
    ]);
    // One transaction, sent as one statement, with nothing mispredicted.
    expect(a.stats.commits - before.commits).toBe(1);
    expect(a.stats.oneStatement - before.oneStatement).toBe(1);
    expect(a.stats.mispredicted).toBe(before.mispredicted);
    expect((await a.readStream('os-1')).map((e) => e.type)).toEqual(['a', 'b']);
    expect((await a.readStream('os-2')).map((e) => e.version)).toEqual([1, 2]);
  });

  it('decides on the real log when another store moved it since (never on a stale prediction)', async () => {
    await a.append({ streamId: 'os-3', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')] });
    // b moves os-3 on; a still predicts version 1 at the old head.
    expect(await b.append({ streamId: 'os-3', streamType: 'Thing', expectedVersion: 1, events: [event('b')] })).toMatchObject({ status: 'appended', version: 2 });
    const missed = a.stats.mispredicted;
    expect(await a.append({ streamId: 'os-3', streamType: 'Thing', expectedVersion: 1, events: [event('c')] })).toEqual({ status: 'conflict', actualVersion: 2 });
    expect(a.stats.mispredicted).toBe(missed + 1);
    expect(await a.append({ streamId: 'os-3', streamType: 'Thing', expectedVersion: 2, events: [event('c')] })).toMatchObject({ status: 'appended', version: 3 });
    // After a miss a few batches go the locked path; then one statement again.
    for (let version = 3; version < 10; version++) await a.append({ streamId: 'os-3', streamType: 'Thing', expectedVersion: version, events: [event('n', version)] });
    const sent = a.stats.oneStatement;
    await a.append({ streamId: 'os-3', streamType: 'Thing', expectedVersion: 10, events: [event('n')] });
    expect(a.stats.oneStatement).toBe(sent + 1);
    const log = await a.readLog({ limit: 1000 });
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => BigInt(i + 1)));
    for (let i = 1; i < log.length; i++) expect(log[i]!.timestamp.getTime()).toBeGreaterThanOrEqual(log[i - 1]!.timestamp.getTime());
  });

  it('checks under the lock a stream it has not seen, taken to be at the expected version', async () => {
    await b.append({ streamId: 'os-4', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a'), event('b'), event('c')] });
    // A fresh store: its first batch learns the head under the lock, but knows nothing of os-4.
    const c = await openEventStore({ databaseUrl: db.url, projections });
    try {
      await c.append({ streamId: 'os-5', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')] });
      const missed = c.stats.mispredicted;
      expect(await c.append({ streamId: 'os-4', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('x')] })).toEqual({ status: 'conflict', actualVersion: 3 });
      expect(c.stats.mispredicted).toBe(missed + 1);
      for (let i = 0; i < 3; i++) await c.append({ streamId: 'os-5', streamType: 'Thing', expectedVersion: 'any', events: [event('b')] });
      expect(await c.append({ streamId: 'os-4', streamType: 'Other', expectedVersion: 3, events: [event('x')] })).toEqual({ status: 'conflict', actualVersion: 3 });
      for (let i = 0; i < 7; i++) await c.append({ streamId: 'os-5', streamType: 'Thing', expectedVersion: 'any', events: [event('b')] });
      const sent = c.stats.oneStatement;
      expect(await c.append({ streamId: 'os-6', streamType: 'Thing', expectedVersion: 0, events: [event('a')] })).toMatchObject({ status: 'appended', version: 1 });
      expect(c.stats.oneStatement).toBe(sent + 1);
      expect((await c.readStream('os-4')).map((e) => e.type)).toEqual(['a', 'b', 'c']);
    } finally {
      await c.close();
    }
  });

  it('answers a command id another store recorded as a duplicate, appending nothing', async () => {
    await b.append({ streamId: 'os-8', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')], command: { id: 'os-cmd', type: 'Do', actor: '' } });
    // Until a is back on the one-statement path with a head nobody has moved since.
    const sent = a.stats.oneStatement;
    for (let i = 0; i < 10 && a.stats.oneStatement === sent; i++) await a.append({ streamId: 'os-7', streamType: 'Thing', expectedVersion: 'any', events: [event('a')] });
    expect(a.stats.oneStatement).toBeGreaterThan(sent);
    const version = await a.streamVersion('os-7');
    // The statement fails on the command id's primary key, and the locked path finds the command.
    const missed = a.stats.mispredicted;
    expect(await a.append({ streamId: 'os-7', streamType: 'Thing', expectedVersion: 'any', events: [event('c')], command: { id: 'os-cmd', type: 'Do', actor: '' } })).toEqual({
      status: 'duplicate',
      command: { commandId: 'os-cmd', actor: '', commandType: 'Do', streamId: 'os-8', firstVersion: 1, lastVersion: 1, streams: [{ streamId: 'os-8', firstVersion: 1, lastVersion: 1 }], fingerprint: null },
    });
    expect(a.stats.mispredicted).toBe(missed + 1);
    expect(await a.streamVersion('os-7')).toBe(version);
  });

  it("lands another actor's command with a recorded id in one statement (the key is actor and id)", async () => {
    await b.append({ streamId: 'os-11', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')], command: { id: 'shared-id', type: 'Do', actor: 'alice' } });
    const sent = a.stats.oneStatement;
    for (let i = 0; i < 10 && a.stats.oneStatement === sent; i++) await a.append({ streamId: 'os-12', streamType: 'Thing', expectedVersion: 'any', events: [event('a')] });
    const before = { ...a.stats };
    const version = await a.streamVersion('os-12');
    const mallory = await a.append({ streamId: 'os-12', streamType: 'Thing', expectedVersion: version, events: [event('m')], command: { id: 'shared-id', type: 'Do', actor: 'mallory' } });
    expect(mallory).toMatchObject({ status: 'appended', version: version + 1 });
    expect(a.stats.oneStatement).toBe(before.oneStatement + 1);
    expect(a.stats.mispredicted).toBe(before.mispredicted);
    expect(await a.findCommand('shared-id', 'mallory')).toMatchObject({ streamId: 'os-12', firstVersion: version + 1 });
    expect(await a.findCommand('shared-id', 'alice')).toMatchObject({ streamId: 'os-11', firstVersion: 1 });
    // Alice's repeat fails the statement on the primary key and is answered on the locked path.
    expect(await a.append({ streamId: 'os-11', streamType: 'Thing', expectedVersion: 1, events: [event('b')], command: { id: 'shared-id', type: 'Do', actor: 'alice' } })).toMatchObject({
      status: 'duplicate',
      command: { actor: 'alice', streamId: 'os-11' },
    });
    expect(await a.streamVersion('os-11')).toBe(1);
  });

  it('sends NOTIFY from one-statement commits', async () => {
    const channel = 'ledger_test_events';
    const notified = await openEventStore({ databaseUrl: db.url, projections, notifyChannel: channel });
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const heads: string[] = [];
      listener.on('notification', (message) => heads.push(message.payload ?? ''));
      await listener.query(`LISTEN ${channel}`);
      await notified.append({ streamId: 'os-9', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')] });
      const sent = notified.stats.oneStatement;
      const second = await notified.append({ streamId: 'os-9', streamType: 'Thing', expectedVersion: 1, events: [event('b')] });
      expect(notified.stats.oneStatement).toBe(sent + 1);
      const head = second.status === 'appended' ? second.events[0]!.position.toString() : '';
      await expect.poll(() => heads).toContain(head);
    } finally {
      await listener.end();
      await notified.close();
    }
  });

  it('keeps appending on the locked path when the database lacks ledger_claim_head', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await a.append({ streamId: 'os-10', streamType: 'Thing', expectedVersion: 'no_stream', events: [event('a')] });
      await admin.query('DROP FUNCTION ledger_claim_head');
      const before = { ...a.stats };
      for (let version = 1; version <= 3; version++) {
        expect(await a.append({ streamId: 'os-10', streamType: 'Thing', expectedVersion: version, events: [event('b')] })).toMatchObject({ status: 'appended', version: version + 1 });
      }
      expect(a.stats.commits - before.commits).toBe(3);
      expect(a.stats.oneStatement).toBe(before.oneStatement);
    } finally {
      await admin.end();
    }
  });
});
