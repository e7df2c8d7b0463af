/**
 * Upgrades: the migrations of this release applied to a database that holds
 * data written under the previous release's schema (only the older
 * migrations applied, rows inserted the way that release wrote them), then
 * the server started on it. And two processes starting at once on one fresh
 * PostgreSQL database: the migrations are applied once (the engine's lock).
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate, migrationNames } from '../src/eventstore/migrate.js';
import type { Dialect } from '../src/eventstore/sql.js';
import { connect } from './helpers/raw-sql.js';
import type { SqlExecutor } from '../src/eventstore/types.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer } from './helpers/process.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';

/** The first migration of this release: everything before it is the previous release. */
const THIS_RELEASE = '20261202120000_command_actor';
const T = new Date('2026-11-30T10:00:00.000Z');
const E18 = 10n ** 18n;

/** The previous release's rows: a user, accounts, command records (one of a no-op command), read models. */
async function writeOldRelease(sql: SqlExecutor, dialect: Dialect) {
  const events: Array<[string, string, number, string, Record<string, string>, Record<string, string>]> = [
    ['alice', 'User', 1, 'user_registered', { userId: 'alice', email: 'alice@example.com', name: 'Alice' }, { commandId: 'reg-a', userId: 'alice' }],
    ['alice-acc', 'BankAccount', 1, 'account_created', { accountId: 'alice-acc', ownerId: 'alice', currency: 'USD', initialBalance: '100.00' }, { commandId: 'open-a', userId: 'alice' }],
    ['alice-acc', 'BankAccount', 2, 'money_deposited', { accountId: 'alice-acc', amount: '25.00' }, { commandId: 'dep-a', userId: 'alice' }],
    // Written while the server was open: no userId.
    ['anon-acc', 'BankAccount', 1, 'account_created', { accountId: 'anon-acc', ownerId: 'alice', currency: 'USD', initialBalance: '0.00' }, { commandId: 'open-anon' }],
    ['float-acc', 'BankAccount', 1, 'account_created', { accountId: 'float-acc', ownerId: 'alice', currency: 'USD', initialBalance: '0.00' }, {}],
    ['float-acc', 'BankAccount', 2, 'money_deposited', { accountId: 'float-acc', amount: '999999999999999.99' }, {}],
    ['float-acc', 'BankAccount', 3, 'money_withdrawn', { accountId: 'float-acc', amount: '999999999999999.99' }, {}],
    ['float-acc', 'BankAccount', 4, 'money_deposited', { accountId: 'float-acc', amount: '0.03' }, {}],
  ];
  for (const [i, [streamId, streamType, version, type, data, metadata]] of events.entries()) {
    await sql.execute('INSERT INTO events ("position", id, stream_id, stream_type, version, type, data, metadata, "timestamp") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      BigInt(i + 1), `event-${i + 1}`, streamId, streamType, version, type, JSON.stringify(data), JSON.stringify({ correlationId: `c-${i}`, ...metadata }), T,
    ]);
  }
  const head = BigInt(events.length);
  await sql.execute('UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', [head, T]);
  const commands: Array<[string, string, string, number, number, bigint]> = [
    ['reg-a', 'RegisterUser', 'alice', 1, 1, 1n],
    ['open-a', 'OpenAccount', 'alice-acc', 1, 1, 2n],
    ['dep-a', 'Deposit', 'alice-acc', 2, 2, 3n],
    ['open-anon', 'OpenAccount', 'anon-acc', 1, 1, 4n],
    // A no-op (an update that changed nothing) appended no event.
    ['noop-a', 'UpdateUser', 'alice', 2, 1, 3n],
  ];
  for (const row of commands) {
    await sql.execute('INSERT INTO processed_commands (command_id, command_type, stream_id, first_version, last_version, "position", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [...row, T]);
  }
  const accounts: Array<[string, bigint, number, bigint, bigint]> = [
    ['alice-acc', 12_500n, 2, 2n, 3n],
    ['anon-acc', 0n, 1, 4n, 4n],
    ['float-acc', 3n, 4, 5n, 8n],
  ];
  for (const [id, balance, version, opened, last] of accounts) {
    await sql.execute('INSERT INTO accounts (account_id, owner_id, currency, balance, is_active, created_at, version, opened_position, last_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id, 'alice', 'USD', balance, true, T, version, opened, last,
    ]);
  }
  // alice-acc: a plain total; anon-acc: totals past one limb (5 * 10^18 + 7 fits a BIGINT); float-acc: on SQLite,
  // a total that overflowed into a float (the events hold the exact one), on PostgreSQL it could not exist.
  const summaries: Array<[string, unknown, unknown, number, bigint]> = [
    ['alice-acc', 2_500n, 0n, 1, 3n],
    ['anon-acc', 5n * E18 + 7n, 9n * E18, 0, 4n],
    ['float-acc', dialect === 'sqlite' ? 1.5e19 : 99_999_999_999_999_999n + 3n, dialect === 'sqlite' ? 9.3e18 : 99_999_999_999_999_999n, 3, 8n],
  ];
  for (const [id, deposits, withdrawals, count, last] of summaries) {
    await sql.execute(
      `INSERT INTO account_summaries (account_id, total_deposits, total_withdrawals, transaction_count, created_at, last_activity, last_position) VALUES (?, ${dialect === 'sqlite' ? '?, ?' : 'CAST(? AS BIGINT), CAST(? AS BIGINT)'}, ?, ?, ?, ?)`,
      [id, deposits, withdrawals, count, T, T, last],
    );
  }
  for (const name of ['accounts', 'account_summaries']) await sql.execute('INSERT INTO projection_checkpoints (name, "position", updated_at) VALUES (?, ?, ?)', [name, head, T]);
}

describe.each(backends)('upgrading a database of the previous release on %s', (backend) => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('keeps its data, and its command ids and totals keep working', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    const previous = migrationNames(db.url).filter((name) => name < THIS_RELEASE);
    expect(await migrate(db.url, { upTo: previous.at(-1)! })).toEqual(previous);
    const old = await connect(backend, db.url);
    await writeOldRelease(old.sql, backend);
    await old.close();

    // What the server does at start: apply what is pending.
    expect(await migrate(db.url)).toEqual(migrationNames(db.url).filter((name) => name >= THIS_RELEASE));
    const { app, server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    try {
      const actors = await app.store.reader.query<{ command_id: string; actor: string }>('SELECT command_id, actor FROM processed_commands ORDER BY command_id');
      expect(actors).toEqual([
        { command_id: 'dep-a', actor: 'alice' },
        { command_id: 'noop-a', actor: '' },
        { command_id: 'open-a', actor: 'alice' },
        { command_id: 'open-anon', actor: '' },
        { command_id: 'reg-a', actor: 'alice' },
      ]);
      const limbs = await app.store.reader.query<Record<string, unknown>>('SELECT account_id, total_deposits, total_deposits_hi, total_withdrawals, total_withdrawals_hi FROM account_summaries ORDER BY account_id');
      expect(limbs.map((row) => Object.values(row).map(String))).toEqual([
        ['alice-acc', '2500', '0', '0', '0'],
        ['anon-acc', '7', '5', '0', '9'],
        ['float-acc', String(99_999_999_999_999_999n + 3n), '0', String(99_999_999_999_999_999n), '0'],
      ]);

      const alice = bearer(await hsToken({ sub: 'alice' }));
      const mallory = bearer(await hsToken({ sub: 'mallory' }));
      const admin = bearer(await hsToken({ sub: 'root', roles: ['admin'] }));
      // Alice's repeat of a command from before the upgrade still answers its first result.
      const head = await app.store.headPosition();
      const replay = await gql(server.url, `mutation { deposit(input: {accountId: "alice-acc", amount: "25.00", commandId: "dep-a"}) { account { balance version } events { id } } }`, undefined, alice);
      expect(replay).toMatchObject({ data: { deposit: { account: { balance: '125.00', version: 2 }, events: [{ id: 'event-3' }] } } });
      expect(await app.store.headPosition()).toBe(head);
      // Mallory's use of Alice's command id is her own command: refused (users open accounts under UUIDs), and nothing of Alice's shown.
      await gql(server.url, `mutation { registerUser(input: {email: "m@example.com", name: "M"}) { user { id } } }`, undefined, mallory);
      const probe = await gql(server.url, `mutation { openAccount(input: {accountId: "alice-acc", ownerId: "mallory", commandId: "open-a"}) { account { balance } events { id } } }`, undefined, mallory);
      expect(probe.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(probe)).not.toMatch(/125\.00|event-2/);

      // Totals read exactly, and keep counting.
      const summary = `query($id: ID!) { accountSummary(id: $id) { totalDeposits totalWithdrawals transactionCount } }`;
      expect((await gql(server.url, summary, { id: 'anon-acc' }, admin)).data?.accountSummary).toEqual({ totalDeposits: '50000000000000000.07', totalWithdrawals: '90000000000000000.00', transactionCount: 0 });
      await gql(server.url, `mutation { deposit(input: {accountId: "anon-acc", amount: "0.93"}) { account { id } } }`, undefined, admin);
      expect((await gql(server.url, summary, { id: 'anon-acc' }, admin)).data?.accountSummary).toEqual({ totalDeposits: '50000000000000001.00', totalWithdrawals: '90000000000000000.00', transactionCount: 1 });
      expect((await gql(server.url, summary, { id: 'float-acc' }, admin)).data?.accountSummary).toEqual({ totalDeposits: '1000000000000000.02', totalWithdrawals: '999999999999999.99', transactionCount: 3 });
    } finally {
      await server.close();
    }
  });
});

describe.runIf(backends.includes('postgresql'))('two processes starting at once on one fresh postgresql database', () => {
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });

  it('applies each migration once, and both serve', async () => {
    db = await createDatabase('postgresql');
    const url = db.url;
    const [a, b] = await Promise.all([spawnServer({ DATABASE_URL: url, ...UNLIMITED }), spawnServer({ DATABASE_URL: url, ...UNLIMITED })]);
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const rows = (await client.query<{ migration_name: string; finished: boolean }>('SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name')).rows;
      await client.end();
      expect(rows).toEqual(migrationNames(url).map((name) => ({ migration_name: name, finished: true })));
      await ok(a.url, `mutation { registerUser(input: {userId: "both", email: "b@example.com", name: "B"}) { user { id } } }`);
      expect((await ok(b.url, `{ user(id: "both") { name } }`)).user.name).toBe('B');
    } finally {
      for (const server of [a, b]) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
  });
});
