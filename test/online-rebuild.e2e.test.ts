/**
 * Read models rebuilt online (src/eventstore/online-rebuild.ts): built into
 * shadow tables while the live ones serve and appends go on, switched in one
 * transaction. Deposits run the whole time (on PostgreSQL from a second app
 * with its own pool, as another process would); at the end every read model
 * equals a fold of the log and holds every acknowledged deposit, and /readyz
 * never said ready while a read model was incomplete. A read model new in a
 * release (no checkpoint) builds itself after start; the CLI rebuild and
 * every other rebuild path upcast old events.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, storeOptionsOf, type App } from '../src/app.js';
import { deposit, openAccount } from '../src/accounts/use-cases.js';
import { registerUser } from '../src/users/use-cases.js';
import { modules } from '../src/modules.js';
import { defineEvent } from '../src/domain/event-types.js';
import { openEventStore } from '../src/eventstore/open.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { masterKeyEnv, testConfig } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { until } from './helpers/deadline.js';
import { connect } from './helpers/raw-sql.js';
import { loansModule } from './fixtures/loans/index.js';
import { LOANS_TABLE } from './fixtures/loans/projection.js';
import { LoanRepaid } from './fixtures/loans/events.js';
import { z } from 'zod';

const ACCOUNTS = 40;
/** Deposit rounds seeded: several pages of the rebuild's replay. */
const ROUNDS = 100;
const account = (i: number) => `acc-${i}`;

/** Balance and deposit count of every account, folded from the log (what a from-scratch rebuild must equal). */
async function foldLog(app: App) {
  const folded = new Map<string, { balance: bigint; deposits: number }>();
  for (const event of await app.store.readLog({ limit: 1_000_000, streamType: 'BankAccount' })) {
    const entry = folded.get(event.streamId) ?? { balance: 0n, deposits: 0 };
    if (event.type === 'account_created') entry.balance += BigInt(String(event.data.initialBalance).replace('.', ''));
    if (event.type === 'money_deposited') {
      entry.balance += BigInt(String(event.data.amount).replace('.', ''));
      entry.deposits++;
    }
    folded.set(event.streamId, entry);
  }
  return folded;
}

async function readModel(app: App) {
  const rows = await app.store.reader.query<{ account_id: string; balance: unknown; transaction_count: unknown }>(
    'SELECT a.account_id, a.balance, s.transaction_count FROM accounts a LEFT JOIN account_summaries s ON s.account_id = a.account_id ORDER BY a.account_id',
  );
  return new Map(rows.map((row) => [row.account_id, { balance: BigInt(String(row.balance)), deposits: Number(row.transaction_count ?? -1) }]));
}

async function seed(app: App, depositsEach: number) {
  await registerUser(app, { userId: 'owner', email: 'owner@example.com', name: 'Owner' }, {});
  await Promise.all(Array.from({ length: ACCOUNTS }, (_, i) => openAccount(app, { accountId: account(i), ownerId: 'owner', initialBalance: 1000n }, {})));
  for (let round = 0; round < depositsEach; round++) {
    await Promise.all(Array.from({ length: ACCOUNTS }, (_, i) => deposit(app, { accountId: account(i), amount: 100n }, {})));
  }
}

/** Deposits from `app` until stopped; counts the acknowledged ones, and when each was acknowledged. */
function depositLoad(app: App, writers = 4) {
  let stopping = false;
  const acknowledged: number[] = [];
  const failures: unknown[] = [];
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let n = 0; !stopping; n++) {
      try {
        await deposit(app, { accountId: account((w * 7 + n) % ACCOUNTS), amount: 1n }, {});
        acknowledged.push(Date.now());
      } catch (error) {
        failures.push(error);
      }
    }
  });
  return {
    acknowledged,
    failures,
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

async function readyz(url: string) {
  const response = await fetch(new URL('/readyz', url));
  return { status: response.status, body: (await response.json()) as { projectionLag?: Record<string, number> } };
}

describe.each(backends)('online read-model rebuilds, on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let other: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    // A little slack: /readyz reads the head and the checkpoints in separate queries, so a commit between them shows as lag.
    app = await createApp(testConfig(db.url, { READY_MAX_PROJECTION_LAG: '20' }), modules);
    server = await startServer(app, { port: 0, host: '127.0.0.1' });
    // PostgreSQL: a second app instance with its own pool and command queue (another process's view).
    // SQLite serves one process; its load comes from the same app.
    other = backend === 'postgresql' ? await createApp(testConfig(db.url), modules) : app;
    await seed(app, ROUNDS);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (other !== app) await other?.close();
    await db?.drop();
  });

  it('rebuilds under a concurrent write load: every deposit lands in the new read model, readiness stays true', async () => {
    const load = depositLoad(other);
    await until('deposits under way', () => load.acknowledged.length > 20);
    const samples: Array<{ status: number; lag: Record<string, number> }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { status, body } = await readyz(server.url);
        samples.push({ status, lag: body.projectionLag ?? {} });
      }
    })();
    const started = Date.now();
    const results = [];
    for (const name of ['accounts', 'account_summaries']) results.push(await app.store.rebuildProjection(name));
    const finished = Date.now();
    await until('deposits after the switch', () => load.acknowledged.some((at) => at > finished + 50));
    await load.stop();
    sampling = false;
    await sampler;

    expect(load.failures).toEqual([]);
    // Appends went on during the rebuild (they never waited for it to finish).
    expect(load.acknowledged.filter((at) => at > started && at < finished).length).toBeGreaterThan(0);
    expect(results.every((result) => result.events > 0)).toBe(true);
    // Both apps (both processes on PostgreSQL) read the new tables, which equal a fold of the log.
    const expected = await foldLog(app);
    expect(await readModel(app)).toEqual(expected);
    expect(await readModel(other)).toEqual(expected);
    const depositsInLog = [...expected.values()].reduce((sum, entry) => sum + entry.deposits, 0);
    expect(depositsInLog).toBe(ACCOUNTS * ROUNDS + load.acknowledged.length);
    // The served read models were current throughout: readiness never reported them behind.
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(sample.status, JSON.stringify(sample)).toBe(200);
    const head = await app.store.headPosition();
    for (const name of ['accounts', 'account_summaries']) expect(await app.store.projectionCheckpoint(name)).toBe(head);
    // No shadow table or lease is left behind.
    expect(await app.store.reader.query('SELECT name FROM projection_rebuilds')).toEqual([]);
    const again = await app.store.rebuildProjection('accounts');
    expect(again.position).toBe(head);
  });

  it('builds a read model new in a release after start, with readiness false until it switched', async () => {
    const fresh = await createDatabase(backend);
    try {
      // The release before: accounts with deposits, and no loans read model.
      const before = await createApp(testConfig(fresh.url), modules);
      await seed(before, 30);
      await before.close();
      const sql = await connect(backend, fresh.url);
      await sql.sql.execute(LOANS_TABLE);
      // Its read models too are "new": no checkpoint, no rows (as if the release added them).
      await sql.sql.execute("DELETE FROM projection_checkpoints WHERE name = 'account_summaries'");
      await sql.sql.execute('DELETE FROM account_summaries');
      await sql.close();

      const next = await createApp(testConfig(fresh.url, { READY_MAX_PROJECTION_LAG: '0' }), [...modules, loansModule]);
      const nextServer = await startServer(next, { port: 0, host: '127.0.0.1' });
      try {
        // The server started while the build runs; appends go on.
        const load = depositLoad(next, 2);
        const samples: Array<{ status: number; lag: Record<string, number> }> = [];
        await until(
          'the new read models to be built',
          async () => {
            const { status, body } = await readyz(nextServer.url);
            samples.push({ status, lag: body.projectionLag ?? {} });
            if (status === 200) {
              // Ready means complete: every account's summary is there.
              const rows = await next.store.reader.query('SELECT account_id FROM account_summaries');
              expect(rows.length).toBe(ACCOUNTS);
            }
            return status === 200 && load.acknowledged.length > 10;
          },
          60_000,
        );
        await load.stop();
        // Not ready exactly while a read model was behind the log.
        for (const sample of samples) expect(sample.status === 200, JSON.stringify(sample)).toBe(Object.values(sample.lag).every((lag) => lag <= 0));
        // The build's progress showed as lag while it ran (on PostgreSQL at least the first answer came before it switched).
        if (backend === 'postgresql') expect(samples[0]!.lag.loans).toBeGreaterThan(0);
        expect(await readModel(next)).toEqual(await foldLog(next));
        const head = await next.store.headPosition();
        for (const name of ['account_summaries', 'loans']) expect(await next.store.projectionCheckpoint(name)).toBe(head);
      } finally {
        await nextServer.close();
      }
    } finally {
      await fresh.drop();
    }
  }, 120_000);

  it('upcasts old events in every rebuild, the CLI included', async () => {
    const fresh = await createDatabase(backend);
    try {
      // A loans module whose loan_repaid once carried whole cents (version 1), now a decimal amount.
      const repaidV2 = defineEvent({
        type: LoanRepaid.type,
        streamType: LoanRepaid.streamType,
        description: LoanRepaid.description,
        schema: z.strictObject({ loanId: z.string(), amount: z.string() }),
        upcasters: [(v1: { [key: string]: unknown }) => ({ loanId: v1.loanId, amount: (Number(v1.cents) / 100).toFixed(2) })],
      });
      const versioned = { ...loansModule, events: loansModule.events.map((event) => (event.type === LoanRepaid.type ? repaidV2 : event)) };
      const seeded = await openEventStore({ databaseUrl: fresh.url });
      await seeded.close();
      const sql = await connect(backend, fresh.url);
      await sql.sql.execute(LOANS_TABLE);
      const T = new Date('2026-11-30T10:00:00.000Z');
      const rows: Array<[string, string, number, string, number, Record<string, unknown>]> = [
        ['loan-1', 'Loan', 1, 'loan_requested', 1, { loanId: 'loan-1', borrowerId: 'b', amount: '100.00' }],
        ['loan-1', 'Loan', 2, 'loan_repaid', 1, { loanId: 'loan-1', cents: 2500 }],
        ['old-acc', 'BankAccount', 1, 'account_created', 1, { accountId: 'old-acc', ownerId: 'b', currency: 'USD', initialBalance: '1.00' }],
        ['old-acc', 'BankAccount', 2, 'money_deposited', 1, { accountId: 'old-acc', amount: '2.50' }],
      ];
      for (const [i, [streamId, streamType, version, type, schemaVersion, data]] of rows.entries()) {
        await sql.sql.execute(
          'INSERT INTO events ("position", id, stream_id, stream_type, version, type, schema_version, data, metadata, "timestamp") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [BigInt(i + 1), `old-${i}`, streamId, streamType, version, type, schemaVersion, JSON.stringify(data), '{}', T],
        );
      }
      await sql.sql.execute('UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', [BigInt(rows.length), T]);
      await sql.close();

      // The store every program opens for a set of modules rebuilds through the upcasters.
      const store = await openEventStore({ databaseUrl: fresh.url, ...storeOptionsOf([...modules, versioned]) });
      try {
        await store.rebuildProjection('loans');
        const loans = await store.reader.query<{ loan_id: string; outstanding: unknown }>('SELECT loan_id, outstanding FROM loans');
        expect(loans.map((loan) => [loan.loan_id, String(loan.outstanding)])).toEqual([['loan-1', '7500']]);
      } finally {
        await store.close();
      }
      // The CLI, beside nothing else: the account read models from the old events.
      const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/rebuild-projections.ts'], { env: { ...process.env, DATABASE_URL: fresh.url, LOG_LEVEL: 'silent', ...masterKeyEnv(fresh.url, process.env) } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(output.stderr).toBe('');
      expect(output.code).toBe(0);
      expect(output.stdout).toMatch(/accounts: 4 events replayed, switched at position 4/);
      const check = await connect(backend, fresh.url);
      const [row] = await check.sql.query<{ balance: unknown }>("SELECT balance FROM accounts WHERE account_id = 'old-acc'");
      await check.close();
      expect(String(row?.balance)).toBe('350');
    } finally {
      await fresh.drop();
    }
  }, 60_000);
});
