/**
 * Events that changed shape: money_deposited and money_withdrawn gained a
 * `reference` in schema version 2. A database written before (the events
 * table without schema versions, rows in the version 1 shape, a snapshot)
 * is upgraded and read through every path: aggregate replay from a snapshot,
 * time travel, the `events` query, a subscription catching up from "0" and
 * going live, and projection rebuilds. Appends are checked against the
 * current schema, with nothing written when they do not match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { DomainError } from '../src/domain/errors.js';
import { migrate, migrationNames } from '../src/eventstore/migrate.js';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { connect } from './helpers/raw-sql.js';
import { collect } from './helpers/subscribe.js';
import { wsClient } from './helpers/ws.js';

const THIS_RELEASE = '20261202140000_event_schema_version';
const T = new Date('2026-11-30T10:00:00.000Z');

/** Rows as the release before schema versions wrote them (no schema_version column; version 1 shapes). */
const OLD_EVENTS: Array<[string, string, number, string, Record<string, string>]> = [
  ['old', 'User', 1, 'user_registered', { userId: 'old', email: 'old@example.com', name: 'Old' }],
  ['old-acc', 'BankAccount', 1, 'account_created', { accountId: 'old-acc', ownerId: 'old', currency: 'USD', initialBalance: '100.00' }],
  ['old-acc', 'BankAccount', 2, 'money_deposited', { accountId: 'old-acc', amount: '10.00', description: 'first pay' }],
  ['old-acc', 'BankAccount', 3, 'money_deposited', { accountId: 'old-acc', amount: '5.50' }],
  ['old-acc', 'BankAccount', 4, 'money_withdrawn', { accountId: 'old-acc', amount: '20.00' }],
];

describe.each(backends)('events written before their shape changed, on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    await migrate(db.url, { upTo: migrationNames(db.url).filter((name) => name < THIS_RELEASE).at(-1)! });
    const old = await connect(backend, db.url);
    for (const [i, [streamId, streamType, version, type, data]] of OLD_EVENTS.entries()) {
      await old.sql.execute('INSERT INTO events ("position", id, stream_id, stream_type, version, type, data, metadata, "timestamp") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        BigInt(i + 1), `old-${i + 1}`, streamId, streamType, version, type, JSON.stringify(data), JSON.stringify({ correlationId: `c-${i}` }), T,
      ]);
    }
    await old.sql.execute('UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', [BigInt(OLD_EVENTS.length), T]);
    // A snapshot at version 2, as the account decider (revision 1) wrote it then.
    const state = { status: 'open', id: 'old-acc', ownerId: 'old', currency: 'USD', balance: '110.00', createdAt: T.toISOString() };
    await old.sql.execute('INSERT INTO snapshots (stream_id, version, stream_type, revision, state, created_at) VALUES (?, ?, ?, ?, ?, ?)', ['old-acc', 2, 'BankAccount', 1, JSON.stringify(state), T]);
    await old.close();

    ({ app, server } = await startTestServer(db.url, { SNAPSHOT_EVERY: '2' }));
    // The read models were not carried over: a rebuild reads every old event through the upcasters.
    for (const projection of app.projections) await app.store.rebuildProjection(projection.name);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('reads old events in the current shape, with the version each was written at', async () => {
    const { events } = await ok(server.url, `{ events(streamId: "old-acc") { edges { node { type version schemaVersion storedSchemaVersion data } } } }`);
    const deposits = events.edges.map((edge: any) => edge.node).filter((event: any) => event.type !== 'account_created');
    expect(deposits).toEqual([
      { type: 'money_deposited', version: 2, schemaVersion: 2, storedSchemaVersion: 1, data: { accountId: 'old-acc', amount: '10.00', reference: null, description: 'first pay' } },
      { type: 'money_deposited', version: 3, schemaVersion: 2, storedSchemaVersion: 1, data: { accountId: 'old-acc', amount: '5.50', reference: null } },
      { type: 'money_withdrawn', version: 4, schemaVersion: 2, storedSchemaVersion: 1, data: { accountId: 'old-acc', amount: '20.00', reference: null } },
    ]);
    const types = (await ok(server.url, `{ eventTypes(streamType: "BankAccount") { type version schema } }`)).eventTypes;
    const deposited = types.find((type: any) => type.type === 'money_deposited');
    expect(deposited.version).toBe(2);
    expect(deposited.schema.required).toContain('reference');
  });

  it('replays them through snapshots and time travel, and rebuilds read models that agree', async () => {
    const data = await ok(
      server.url,
      `{ now: account(id: "old-acc") { balance version } v3: account(id: "old-acc", version: 3) { balance } summary: accountSummary(id: "old-acc") { totalDeposits totalWithdrawals transactionCount }
         listed: accounts(ownerId: "old") { edges { node { balance version } } } }`,
    );
    expect(data.now).toEqual({ balance: '95.50', version: 4 });
    expect(data.v3).toEqual({ balance: '115.50' });
    expect(data.summary).toEqual({ totalDeposits: '15.50', totalWithdrawals: '20.00', transactionCount: 3 });
    expect(data.listed.edges).toEqual([{ node: { balance: '95.50', version: 4 } }]);
  });

  it('delivers old events upcast when a subscriber catches up from "0", then new ones live', async () => {
    const client = wsClient(server.wsUrl);
    const seen = collect(client, `subscription { eventAppended(streamId: "old-acc", afterPosition: "0") { version schemaVersion data } }`, (data) => data.eventAppended);
    expect((await seen.waitFor(4)).slice(1).map((event: any) => event.data.reference)).toEqual([null, null, null]);
    await ok(server.url, `mutation { deposit(input: {accountId: "old-acc", amount: "1.00", reference: "INV-9"}) { account { version } } }`);
    const [live] = (await seen.waitFor(5)).slice(4);
    expect(live).toEqual({ version: 5, schemaVersion: 2, data: { accountId: 'old-acc', amount: '1.00', reference: 'INV-9' } });
    seen.stop();
    await client.dispose();
    // The new event is stored at version 2, and found by its reference.
    const stored = await app.store.reader.query<{ schema_version: unknown }>('SELECT schema_version FROM events WHERE stream_id = ? AND version = 5', ['old-acc']);
    expect(Number(stored[0]!.schema_version)).toBe(2);
    const found = await ok(server.url, `{ account(id: "old-acc") { events(reference: "INV-9") { edges { node { version } } } } }`);
    expect(found.account.events.edges).toEqual([{ node: { version: 5 } }]);
    // References are kept trimmed, and searched the same way.
    const spaced = await ok(server.url, `{ account(id: "old-acc") { events(reference: "  INV-9 ") { edges { node { version } } } } }`);
    expect(spaced.account.events.edges).toEqual([{ node: { version: 5 } }]);
  });

  it('refuses an append whose data does not match its schema, writing nothing', async () => {
    const head = await app.store.headPosition();
    const attempt = (data: Record<string, unknown>) =>
      app.store.append({ streamId: 'old-acc', streamType: 'BankAccount', expectedVersion: 'any', events: [{ type: 'money_deposited', data: data as never, metadata: {} }] });
    for (const [data, field] of [
      [{ accountId: 'old-acc', amount: '1.00' }, 'reference'],
      [{ accountId: 'old-acc', amount: 1, reference: null }, 'amount'],
      [{ accountId: 'old-acc', amount: '1.00', reference: null, extra: true }, ''],
    ] as const) {
      const error = await attempt(data).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('BAD_USER_INPUT');
      expect((error as DomainError).details).toMatchObject({ eventType: 'money_deposited', ...(field ? { field } : {}) });
    }
    expect(await app.store.headPosition()).toBe(head);
  });
});
