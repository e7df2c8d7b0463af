/**
 * Export and import of the whole log (src/eventstore/log-export.ts,
 * log-import.ts): SQLite -> PostgreSQL and PostgreSQL -> SQLite round trips
 * that re-export byte for byte and serve the same answers; an import killed
 * with SIGKILL and run again resumes without a duplicate; a non-empty target
 * and a damaged file are refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { closeAccount, deposit, openAccount, transfer, withdraw } from '../src/accounts/use-cases.js';
import { registerUser } from '../src/users/use-cases.js';
import { modules } from '../src/modules.js';
import { accountDecider } from '../src/accounts/decider.js';
import { exportLog } from '../src/eventstore/log-export.js';
import { importLog, TargetNotEmptyError, verifyLogFile } from '../src/eventstore/log-import.js';
import { readLogFile, writeLogFile } from '../src/eventstore/log-file-io.js';
import { openRawDatabase } from '../src/eventstore/raw-database.js';
import { openEventStore } from '../src/eventstore/open.js';
import { personalDataRecords } from '../src/privacy/log-records.js';
import { masterKeyHexOf, startTestServer, testConfig } from './helpers/app.js';
import { ok } from './helpers/graphql.js';
import { startCli } from './helpers/cli.js';
import { backends, createDatabase, type Backend, type TestDatabase } from './helpers/databases.js';
import { until } from './helpers/deadline.js';
import { connect } from './helpers/raw-sql.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A log with users, accounts, deposits, withdrawals, a closure, snapshots and command ids. */
async function seed(app: App): Promise<void> {
  await registerUser(app, { userId: 'ann', email: 'ann@example.com', name: 'Ann' }, { commandId: 'reg-ann' });
  await registerUser(app, { userId: 'bob', email: 'bob@example.com', name: 'Bob' }, { commandId: 'reg-bob' });
  for (const [i, owner] of ['ann', 'bob', 'ann'].entries()) await openAccount(app, { accountId: `acc-${i}`, ownerId: owner, initialBalance: 1000n }, { commandId: `open-${i}` });
  for (let n = 0; n < 30; n++) {
    await deposit(app, { accountId: `acc-${n % 3}`, amount: BigInt(100 + n), reference: n % 2 ? `inv-${n}` : null }, { commandId: `dep-${n}` });
    if (n % 5 === 0) await withdraw(app, { accountId: `acc-${n % 3}`, amount: 50n }, { commandId: `wd-${n}` });
  }
  // A command over two streams: its record holds both ranges and its fingerprint, which must move with it.
  await transfer(app, { fromAccountId: 'acc-0', toAccountId: 'acc-1', amount: 25n, reference: 'move' }, { commandId: 'move-1' });
  await withdraw(app, { accountId: 'acc-2', amount: ((await app.repository(accountDecider).load('acc-2')).state as { balance: bigint }).balance }, {});
  await closeAccount(app, { accountId: 'acc-2' }, { commandId: 'close-2' });
}

async function exportTo(url: string, file: string): Promise<string[]> {
  const db = await openRawDatabase(url);
  try {
    await writeLogFile(file, exportLog(db, { sections: personalDataRecords }));
  } finally {
    await db.close();
  }
  const lines = (file.endsWith('.gz') ? [] : readFileSync(file, 'utf8').split('\n')).filter((line) => line.length > 0);
  return lines;
}

/** What clients see: accounts with balances, time travel, a resumed read of the log. */
async function answers(app: App) {
  const accounts = await app.readModels.accountReadModel.findMany({ orderBy: { accountId: 'asc' } });
  const repository = app.repository(accountDecider);
  const past = await repository.loadAt('acc-0', { version: 5 });
  const afterCursor = await app.store.readLog({ afterPosition: 20n, limit: 5 });
  return {
    accounts: accounts.map((a) => [a.accountId, a.ownerId, a.balance.toString(), a.isActive, a.version, a.openedPosition.toString(), a.createdAt.toISOString()]),
    past: JSON.stringify(past?.state, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    afterCursor: afterCursor.map((e) => [e.position.toString(), e.streamId, e.version, e.type, e.timestamp.toISOString(), JSON.stringify(e.data)]),
    command: await app.store.findCommand('dep-7', ''),
    transfer: await app.store.findCommand('move-1', ''),
    head: (await app.store.headPosition()).toString(),
  };
}

const pairs: Array<[Backend, Backend]> = backends.includes('postgresql') ? [['sqlite', 'postgresql'], ['postgresql', 'sqlite']] : [['sqlite', 'sqlite']];

describe.each(pairs)('log export and import, %s -> %s', (from, to) => {
  let source: TestDatabase;
  let target: TestDatabase;
  let app: App;

  beforeAll(async () => {
    source = await createDatabase(from);
    target = await createDatabase(to);
    app = await createApp(testConfig(source.url, { SNAPSHOT_EVERY: '3' }), modules);
    await seed(app);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await source?.drop();
    await target?.drop();
  });

  it('moves every event, snapshot and command id exactly, and the target serves the same answers', async () => {
    const file = join(dir, `${from}-${to}.ndjson`);
    const exported = await exportTo(source.url, file);
    const header = JSON.parse(exported[0]!);
    expect(header).toMatchObject({ kind: 'header', format: 'ledger-log', formatVersion: 2, head: (await app.store.headPosition()).toString() });
    expect(header.counts.snapshots).toBeGreaterThan(0);
    expect(header.counts).toMatchObject({ dataKeys: 2, forgetEpochRecords: 1 });
    expect(header.counts.commands).toBeGreaterThan(30);
    expect(JSON.parse(exported.at(-1)!)).toMatchObject({ kind: 'trailer', counts: header.counts });

    await verifyLogFile(readLogFile(file), { sections: personalDataRecords });
    const db = await openRawDatabase(target.url);
    try {
      const result = await importLog(db, readLogFile(file), { sections: personalDataRecords });
      expect(result.written).toEqual(header.counts);
    } finally {
      await db.close();
    }
    // Byte-equal re-export (all but the header, which names its own export).
    const again = await exportTo(target.url, join(dir, `${from}-${to}-again.ndjson`));
    expect(again.slice(1)).toEqual(exported.slice(1));

    // A server on the target (with the source's master key) builds its read models and answers as the source does.
    const moved = await createApp(testConfig(target.url, { SNAPSHOT_EVERY: '3', LEDGER_MASTER_KEY: masterKeyHexOf(source.url) }), modules);
    try {
      await until('read models built on the target', async () => (await moved.store.projectionCheckpoint('accounts')) === BigInt(header.head) && (await moved.store.projectionCheckpoint('account_summaries')) === BigInt(header.head));
      expect(await answers(moved)).toEqual(await answers(app));
      // Command ids keep working: a retry is answered, not applied again.
      await deposit(moved, { accountId: 'acc-1', amount: 101n, reference: 'inv-1' }, { commandId: 'dep-1' });
      expect((await moved.store.headPosition()).toString()).toBe(header.head);
      // New appends continue after the imported head.
      const fresh = await deposit(moved, { accountId: 'acc-0', amount: 1n }, {});
      expect(fresh.events[0]!.position).toBe(BigInt(header.head) + 1n);
    } finally {
      await moved.close();
    }
  }, 60_000);

  it('refuses a target that is not empty, and a damaged file', async () => {
    const file = join(dir, `${from}-${to}-refuse.ndjson`);
    const lines = await exportTo(source.url, file);
    const db = await openRawDatabase(target.url);
    try {
      await expect(importLog(db, readLogFile(file), { sections: personalDataRecords })).rejects.toThrow(TargetNotEmptyError);
    } finally {
      await db.close();
    }
    const damaged = join(dir, `${from}-${to}-damaged.ndjson`);
    writeFileSync(damaged, lines.map((line, i) => (i === 3 ? line.replace('"version":', '"version": ') : line)).join('\n') + '\n');
    await expect(verifyLogFile(readLogFile(damaged), { sections: personalDataRecords })).rejects.toThrow(/checksum/);
    // A data key changed on the way (the trailer's checksum covers the key records too).
    writeFileSync(damaged, lines.map((line) => (line.includes('"kind":"dataKey"') ? line.replace('"subjectId":"ann"', '"subjectId":"anna"') : line)).join('\n') + '\n');
    await expect(verifyLogFile(readLogFile(damaged), { sections: personalDataRecords })).rejects.toThrow(/checksum of the file/);
    writeFileSync(damaged, lines.slice(0, -3).join('\n') + '\n');
    await expect(verifyLogFile(readLogFile(damaged), { sections: personalDataRecords })).rejects.toThrow(/trailer/);
  });
});


describe.each(backends)('an import killed and run again, into %s', (backend) => {
  let source: TestDatabase;
  let target: TestDatabase;

  beforeAll(async () => {
    source = await createDatabase('sqlite');
    target = await createDatabase(backend);
    const store = await openEventStore({ databaseUrl: source.url });
    try {
      for (let batch = 0; batch < 25; batch++) {
        const events = Array.from({ length: 1000 }, (_, i) => ({ type: 'noted', data: { i, text: 'x'.repeat(200) }, metadata: { batch } }));
        const result = await store.append({ streamId: `note-${batch}`, streamType: 'Note', expectedVersion: 0, events, command: { id: `note-${batch}`, type: 'Note', actor: '' } });
        expect(result.status).toBe('appended');
      }
    } finally {
      await store.close();
    }
  }, 60_000);
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('resumes where it stopped, never duplicating, through the CLI (gzip)', async () => {
    const file = join(dir, `resume-${backend}.ndjson.gz`);
    const exported = await startCli('src/cli/log-export.ts', ['--out', file], { DATABASE_URL: source.url }).exited;
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/Exported 25000 events \(head 25000\), 0 snapshots, 25 command ids/);

    const first = startCli('src/cli/log-import.ts', ['--in', file], { DATABASE_URL: target.url });
    // Polled on a plain connection (the import migrates the database first; this must not race it).
    await until(
      'part of the log imported',
      async () => {
        const probe = await connect(backend, target.url);
        try {
          const [row] = await probe.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM events').catch(() => [{ n: 0 }]);
          return Number(row?.n) > 3000;
        } finally {
          await probe.close();
        }
      },
      60_000,
    );
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');

    const second = await startCli('src/cli/log-import.ts', ['--in', file], { DATABASE_URL: target.url }).exited;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resumed after position \d+/);
    const third = await startCli('src/cli/log-import.ts', ['--in', file], { DATABASE_URL: target.url }).exited;
    expect(third.stdout).toMatch(/already imported/);

    const original = await exportTo(source.url, join(dir, `resume-${backend}-a.ndjson`));
    const imported = await exportTo(target.url, join(dir, `resume-${backend}-b.ndjson`));
    expect(imported.length).toBe(original.length);
    expect(imported.slice(1)).toEqual(original.slice(1));
  }, 120_000);
});

/** The same questions to two servers over HTTP: every account, time travel, a resumed read of the log. */
async function httpAnswers(url: string) {
  const query = `{
    accounts(first: 50) { edges { node { id ownerId balance isActive version createdAt } } }
    past: account(id: "acc-0", version: 4) { balance version }
    asOf: account(id: "acc-1", asOf: "2999-01-01T00:00:00Z") { balance }
    summary: accountSummary(id: "acc-0") { totalDeposits totalWithdrawals transactionCount }
    resumed: events(after: "17", first: 6) { edges { cursor node { type streamId version position timestamp data } } }
    user(id: "ann") { name email }
  }`;
  return ok(url, query);
}

const copyPairs: Array<[Backend, Backend]> = backends.includes('postgresql') ? [['sqlite', 'postgresql']] : [['sqlite', 'sqlite']];

describe.each(copyPairs)('log:copy %s -> %s', (from, to) => {
  let source: TestDatabase;
  let target: TestDatabase;

  beforeAll(async () => {
    source = await createDatabase(from);
    target = await createDatabase(to);
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('copies in one step with the source serving, rebuilds the read models and verifies; the target answers as the source', async () => {
    const { app, server } = await startTestServer(source.url, { SNAPSHOT_EVERY: '3' });
    try {
      await seed(app);
      // The source keeps serving (reads) while it is copied. A PostgreSQL target needs the source's master key.
      const key: Record<string, string> = to === 'postgresql' ? { LEDGER_MASTER_KEY: masterKeyHexOf(source.url) } : {};
      const copied = await startCli('src/cli/log-copy.ts', ['--from', source.url, '--to', target.url], key).exited;
      expect(copied.stderr).toMatch(/Verified: \d+ events up to position \d+ copied at \d+ events\/s/);
      expect(copied.code).toBe(0);
      const report = JSON.parse(copied.stdout);
      expect(report.mismatches).toEqual([]);
      expect(report.head).toBe((await app.store.headPosition()).toString());
      expect(report.target.streamTypes).toEqual(report.source.streamTypes);
      expect(Object.keys(report.source.streamTypes).sort()).toEqual(['BankAccount', 'User']);
      expect(report.streamsCompared).toEqual({ User: 2, BankAccount: 3 });
      expect(report.readModels.accounts).toEqual({ source: 3, target: 3 });
      expect(report.dataKeys).toMatchObject({ source: { keys: 2, tombstones: 0 }, target: { keys: 2, tombstones: 0 } });
      expect(report.dataKeys.target.digest).toBe(report.dataKeys.source.digest);

      const moved = await startTestServer(target.url, { SNAPSHOT_EVERY: '3', ...key });
      try {
        expect(await httpAnswers(moved.server.url)).toEqual(await httpAnswers(server.url));
      } finally {
        await moved.server.close();
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
