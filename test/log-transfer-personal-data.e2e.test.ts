/**
 * People's data keys move with the log (src/privacy/log-records.ts,
 * target-master-key.ts): after log:export + log:import and after log:copy,
 * SQLite -> PostgreSQL, PostgreSQL -> SQLite and SQLite -> SQLite, a person
 * registered and updated reads back over GraphQL on the target, and a
 * forgotten person stays forgotten (null, cannot act, id not reused). An
 * import or copy whose target has the wrong master key, or none, is refused
 * with one line before anything is written; a version 1 file still imports.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogChecksums, type AnyLine } from '../src/eventstore/log-file.js';
import { sqlitePath } from '../src/eventstore/migrate.js';
import { keyFileOf } from '../src/privacy/index.js';
import { writeKeyFile } from '../src/privacy/master-key.js';
import { TEST_MASTER_KEY, masterKeyHexOf, startTestServer } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { backends, createDatabase, type Backend, type TestDatabase } from './helpers/databases.js';
import { errorCode, ok } from './helpers/graphql.js';
import { connect } from './helpers/raw-sql.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A master key nobody wrapped anything with. */
const WRONG_KEY = 'ab'.repeat(32);


/** Kim registered and updated; Fay registered, given an account, forgotten. */
async function seed(url: string): Promise<void> {
  await ok(url, `mutation { registerUser(input: {userId: "kim", email: "kim@example.com", name: "Kim"}) { user { id } } }`);
  await ok(url, `mutation { updateUser(input: {userId: "kim", name: "Kim Updated", email: "kim.new@example.com"}) { user { id } } }`);
  await ok(url, `mutation { registerUser(input: {userId: "fay", email: "fay@example.com", name: "Fay"}) { user { id } } }`);
  await ok(url, `mutation { openAccount(input: {accountId: "fay-acc", ownerId: "fay", initialBalance: "3.00"}) { account { id } } }`);
  await ok(url, `mutation { forgetUser(input: {userId: "fay"}) { user { forgotten } } }`);
}

/** What the target must show: Kim whole at every version, Fay forgotten and unable to act, new people served. */
async function expectPeopleMoved(databaseUrl: string, env: Record<string, string>): Promise<void> {
  const { app, server } = await startTestServer(databaseUrl, env);
  try {
    const seen = await ok(
      server.url,
      `{ kim: user(id: "kim") { name email forgotten } kimFirst: user(id: "kim", version: 1) { name email }
         fay: user(id: "fay") { name email forgotten } fayAccount: account(id: "fay-acc") { balance owner { forgotten } } }`,
    );
    expect(seen).toEqual({
      kim: { name: 'Kim Updated', email: 'kim.new@example.com', forgotten: false },
      kimFirst: { name: 'Kim', email: 'kim@example.com' },
      fay: { name: null, email: null, forgotten: true },
      fayAccount: { balance: '3.00', owner: { forgotten: true } },
    });
    expect(await errorCode(server.url, `mutation { updateUser(input: {userId: "fay", name: "Back"}) { user { id } } }`)).toBe('FORGOTTEN');
    expect(await errorCode(server.url, `mutation { registerUser(input: {userId: "fay", email: "f@example.com", name: "Fay"}) { user { id } } }`)).toBe('ALREADY_EXISTS');
    // The target's forget counter moved: no process there trusts a key it cached before the import.
    const [epoch] = await app.store.reader.query<{ forget_epoch: unknown }>('SELECT forget_epoch FROM personal_data_epoch WHERE id = 1');
    expect(BigInt(String(epoch?.forget_epoch))).toBeGreaterThanOrEqual(1n);
    await ok(server.url, `mutation { registerUser(input: {userId: "neo", email: "neo@example.com", name: "Neo"}) { user { id } } }`);
    expect((await ok(server.url, `{ user(id: "neo") { name } }`)).user).toEqual({ name: 'Neo' });
  } finally {
    await server.close();
  }
}

/** Nothing written: no SQLite file at all, no table on PostgreSQL. */
async function expectUntouched(db: TestDatabase): Promise<void> {
  if (db.backend === 'sqlite') {
    expect(existsSync(sqlitePath(db.url))).toBe(false);
    return;
  }
  const probe = await connect('postgresql', db.url);
  try {
    const [row] = await probe.sql.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(Number(row?.n)).toBe(0);
  } finally {
    await probe.close();
  }
}

const oneLine = (text: string) => {
  expect(text.trim().split('\n')).toHaveLength(1);
  return text.trim();
};

const importPairs: Array<[Backend, Backend]> = backends.includes('postgresql')
  ? [
      ['sqlite', 'postgresql'],
      ['postgresql', 'sqlite'],
      ['sqlite', 'sqlite'],
    ]
  : [['sqlite', 'sqlite']];

describe.each(importPairs)('log:export + log:import with people, %s -> %s', (from, to) => {
  let source: TestDatabase;
  let target: TestDatabase;
  let file: string;

  beforeAll(async () => {
    source = await createDatabase(from);
    target = await createDatabase(to);
    const { server } = await startTestServer(source.url);
    try {
      await seed(server.url);
    } finally {
      await server.close();
    }
    file = join(dir, `${from}-${to}.ndjson`);
    const exported = await runCli('src/cli/log-export.ts', ['--out', file], { DATABASE_URL: source.url });
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/2 data keys \(wrapped\)/);
  }, 60_000);
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('writes the wrapped keys and the forget counter after the command ids, never a key in clear', () => {
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AnyLine);
    const header = lines[0] as { formatVersion: number; counts: Record<string, number> };
    expect(header.formatVersion).toBe(2);
    expect(header.counts).toMatchObject({ dataKeys: 2, forgetEpochRecords: 1 });
    const kinds = lines.map((line) => line.kind);
    expect(kinds.slice(-4)).toEqual(['dataKey', 'dataKey', 'forgetEpoch', 'trailer']);
    expect(kinds.lastIndexOf('command')).toBeLessThan(kinds.indexOf('dataKey'));
    const keys = lines.filter((line) => line.kind === 'dataKey');
    expect(keys).toEqual([
      expect.objectContaining({ subjectId: 'fay', wrappedKey: null, masterKeyId: null, forgottenAt: expect.any(String) }),
      expect.objectContaining({ subjectId: 'kim', wrappedKey: expect.any(String), masterKeyId: expect.stringMatching(/^[0-9a-f]{16}$/), forgottenAt: null }),
    ]);
    expect(lines.find((line) => line.kind === 'forgetEpoch')).toEqual({ kind: 'forgetEpoch', forgetEpoch: '1' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('Kim');
    expect(text).not.toContain(masterKeyHexOf(source.url));
  });

  it('refuses a target without the source\'s master key, in one line, writing nothing', async () => {
    const missing = await runCli('src/cli/log-import.ts', ['--in', file], { DATABASE_URL: target.url });
    expect(missing.code).toBe(1);
    const message = oneLine(missing.stderr);
    if (to === 'postgresql') {
      expect(message).toMatch(/^Not imported: A PostgreSQL target needs LEDGER_MASTER_KEY .*: set LEDGER_MASTER_KEY to the source's master key \(the 64 hex digits in the source's key file .*test\.db\.master-key/);
    } else {
      expect(message).toMatch(/and the target has no master key: give the source's key file with --master-key-file PATH \(it is copied to .*test\.db\.master-key\), or set LEDGER_MASTER_KEY/);
    }
    const wrong = await runCli('src/cli/log-import.ts', ['--in', file], { DATABASE_URL: target.url, LEDGER_MASTER_KEY: WRONG_KEY });
    expect(wrong.code).toBe(1);
    expect(oneLine(wrong.stderr)).toMatch(/^Not imported: People's data keys in the log are wrapped by master key [0-9a-f]{16}, but LEDGER_MASTER_KEY is key [0-9a-f]{16}: set LEDGER_MASTER_KEY to the source's master key/);
    if (to === 'sqlite') {
      const stray = join(dir, `${from}-${to}-stray.master-key`);
      writeKeyFile(stray, [Buffer.from(WRONG_KEY, 'hex')]);
      const wrongFile = await runCli('src/cli/log-import.ts', ['--in', file, '--master-key-file', stray], { DATABASE_URL: target.url });
      expect(wrongFile.code).toBe(1);
      expect(oneLine(wrongFile.stderr)).toMatch(/which .*stray\.master-key does not hold/);
      expect(existsSync(keyFileOf(target.url))).toBe(false);
    }
    await expectUntouched(target);
  });

  it('imports with the source\'s master key: the kept person reads back, the forgotten one stays forgotten', async () => {
    // SQLite -> SQLite: the source's key file, copied next to the target. Otherwise LEDGER_MASTER_KEY set to the source's key.
    const byFile = from === 'sqlite' && to === 'sqlite';
    const env: Record<string, string> = byFile ? {} : { LEDGER_MASTER_KEY: masterKeyHexOf(source.url) };
    const args = byFile ? ['--in', file, '--master-key-file', keyFileOf(source.url)] : ['--in', file];
    const imported = await runCli('src/cli/log-import.ts', args, { DATABASE_URL: target.url, ...env });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/, 2 data keys; head \d+/);
    if (byFile) {
      expect(imported.stdout).toMatch(/Copied the master key file .* \(mode 0600\)/);
      expect(statSync(keyFileOf(target.url)).mode & 0o777).toBe(0o600);
      // The same command again (as after an interruption): nothing twice, the key file it copied is accepted.
      const again = await runCli('src/cli/log-import.ts', args, { DATABASE_URL: target.url });
      expect(again.stdout).toMatch(/already imported/);
    }
    const probe = await connect(to, target.url);
    try {
      const rows = await probe.sql.query<{ subject_id: string; wrapped: unknown }>('SELECT subject_id, wrapped_key IS NOT NULL AS wrapped FROM personal_data_keys ORDER BY subject_id');
      expect(rows.map((row) => [row.subject_id, Boolean(row.wrapped)])).toEqual([
        ['fay', false],
        ['kim', true],
      ]);
    } finally {
      await probe.close();
    }
    await expectPeopleMoved(target.url, env);
  }, 60_000);
});

const copyTargets: Backend[] = backends.includes('postgresql') ? ['sqlite', 'postgresql'] : ['sqlite'];

describe('log:copy with people, from SQLite', () => {
  let source: TestDatabase;

  beforeAll(async () => {
    source = await createDatabase('sqlite');
    const { server } = await startTestServer(source.url);
    try {
      await seed(server.url);
    } finally {
      await server.close();
    }
  }, 60_000);
  afterAll(() => source?.drop());

  it.each(copyTargets)('to %s: keys and tombstones copied and verified, the target reads people as the source did', async (to) => {
    const target = await createDatabase(to);
    try {
      const env: Record<string, string> = to === 'postgresql' ? { LEDGER_MASTER_KEY: masterKeyHexOf(source.url) } : {};
      if (to === 'postgresql') {
        const refused = await runCli('src/cli/log-copy.ts', ['--from', source.url, '--to', target.url], {});
        expect(refused.code).toBe(1);
        expect(oneLine(refused.stderr)).toMatch(/^Copy failed: A PostgreSQL target needs LEDGER_MASTER_KEY .*: set LEDGER_MASTER_KEY to the source's master key \(the 64 hex digits in the source's key file /);
        await expectUntouched(target);
      }
      const copied = await runCli('src/cli/log-copy.ts', ['--from', source.url, '--to', target.url], env);
      expect(copied.stderr).toMatch(/Verified: .*people's data keys agree/);
      expect(copied.code).toBe(0);
      const report = JSON.parse(copied.stdout);
      expect(report.mismatches).toEqual([]);
      expect(report.dataKeys).toMatchObject({ source: { keys: 1, tombstones: 1 }, target: { keys: 1, tombstones: 1 } });
      expect(report.dataKeys.target.digest).toBe(report.dataKeys.source.digest);
      if (to === 'sqlite') {
        expect(copied.stderr).toMatch(/copied the master key file .* \(mode 0600\)/);
        expect(statSync(keyFileOf(target.url)).mode & 0o777).toBe(0o600);
        expect(readFileSync(keyFileOf(target.url), 'utf8')).toContain(masterKeyHexOf(source.url));
      }
      await expectPeopleMoved(target.url, env);
    } finally {
      await target.drop();
    }
  }, 90_000);
});

describe.each(backends)('a version 1 log file (before data keys moved with the log), into %s', (backend) => {
  let target: TestDatabase;

  beforeAll(async () => {
    target = await createDatabase(backend);
  });
  afterAll(() => target?.drop());

  it('still imports, and its plaintext people read as they were', async () => {
    const at = '2026-11-01T10:00:00.000Z';
    const event = {
      kind: 'event',
      position: '1',
      id: randomUUID(),
      streamId: 'old',
      streamType: 'User',
      version: 1,
      type: 'user_registered',
      schemaVersion: 1,
      data: JSON.stringify({ userId: 'old', email: 'old@example.com', name: 'Old Timer' }),
      metadata: '{}',
      timestamp: at,
    } as const;
    const checksums = new LogChecksums();
    const text = JSON.stringify(event);
    checksums.add(event, text);
    const header = { kind: 'header', format: 'ledger-log', formatVersion: 1, exportId: randomUUID(), exportedAt: at, source: { dialect: 'sqlite', database: 'file:/old/ledger.db' }, head: '1', counts: { events: 1, snapshots: 0, commands: 0 } };
    const file = join(dir, `v1-${backend}.ndjson`);
    writeFileSync(file, [JSON.stringify(header), text, JSON.stringify(checksums.trailer())].join('\n') + '\n');

    const imported = await runCli('src/cli/log-import.ts', ['--in', file], { DATABASE_URL: target.url });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported 1 events, 0 snapshots, 0 command ids \(a version 1 file: no data keys in it\)/);
    const { server } = await startTestServer(target.url, backend === 'postgresql' ? { LEDGER_MASTER_KEY: TEST_MASTER_KEY } : {});
    try {
      expect((await ok(server.url, `{ user(id: "old") { name email forgotten } }`)).user).toEqual({ name: 'Old Timer', email: 'old@example.com', forgotten: false });
    } finally {
      await server.close();
    }
  }, 60_000);
});
