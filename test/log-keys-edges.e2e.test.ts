/**
 * The operations tools that move people's data keys (log:export,
 * log:import, log:copy, db:backup), at their edges: what an operator's slip
 * or a race does to keys, tombstones and error text (each case a defect a
 * review found, failing before its fix).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportLog } from '../src/eventstore/log-export.js';
import { importLog } from '../src/eventstore/log-import.js';
import { copyLog } from '../src/cli/copy-log.js';
import { modules } from '../src/modules.js';
import { sqlitePath } from '../src/eventstore/migrate.js';
import Database from 'better-sqlite3';
import { openRawDatabase } from '../src/eventstore/raw-database.js';
import { personalDataRecords } from '../src/privacy/log-records.js';
import { keyFileOf } from '../src/privacy/index.js';
import { readKeyFile, writeKeyFile } from '../src/privacy/master-key.js';
import { runCli } from './helpers/cli.js';
import { startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-keys-review-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** A log with one person in it: Kim, registered through a server that is then closed. */
async function registerKim(url: string): Promise<void> {
  const { server } = await startTestServer(url);
  try {
    await ok(server.url, `mutation { registerUser(input: {userId: "kim", email: "kim@example.com", name: "Kim"}) { user { id } } }`);
  } finally {
    await server.close();
  }
}

const oneLine = (text: string) => {
  expect(text.trim().split('\n')).toHaveLength(1);
  return text.trim();
};

describe.each(backends)('an export taken while the source serves (%s)', (backend) => {
  it('keeps the key of every person in the file when someone registers during the export', async () => {
    const source = await createDatabase(backend);
    const { server } = await startTestServer(source.url);
    const raw = await openRawDatabase(source.url);
    try {
      for (const id of ['m1', 'm2']) await ok(server.url, `mutation { registerUser(input: {userId: "${id}", email: "${id}@example.com", name: "${id}"}) { user { id } } }`);
      const lines: string[] = [];
      const exporting = exportLog(raw, { sections: personalDataRecords });
      // The header is out (the key count read); a person registers before the key section is read.
      lines.push((await exporting.next()).value as string);
      await ok(server.url, `mutation { registerUser(input: {userId: "a0", email: "a0@example.com", name: "A0"}) { user { id } } }`);
      for await (const line of exporting) lines.push(line);
      const records = lines.map((line) => JSON.parse(line) as { kind: string; streamId?: string; subjectId?: string });
      const inLog = new Set(records.filter((r) => r.kind === 'event').map((r) => r.streamId));
      const keyed = records.filter((r) => r.kind === 'dataKey').map((r) => r.subjectId);
      // m1 and m2 have events in the file: their keys must be there (a0's, made after the head, need not).
      expect(inLog).toEqual(new Set(['m1', 'm2']));
      expect(keyed).toEqual(expect.arrayContaining(['m1', 'm2']));
    } finally {
      await raw.close();
      await server.close();
      await source.drop();
    }
  }, 60_000);
});

describe.each(backends)('a person forgotten while the export runs (%s)', (backend) => {
  it('the file does not hold both the tombstone and the fingerprints of the person\'s commands (hashes of their name and email)', async () => {
    const source = await createDatabase(backend);
    const { server } = await startTestServer(source.url);
    const raw = await openRawDatabase(source.url);
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "fay", email: "fay@example.com", name: "Fay", commandId: "reg-fay"}) { user { id } } }`);
      const lines: string[] = [];
      const exporting = exportLog(raw, { sections: personalDataRecords });
      // Up to the first command id (the page of command ids is read), then Fay is forgotten on the source.
      for (;;) {
        const { value, done } = await exporting.next();
        if (done) break;
        lines.push(value);
        if (JSON.parse(value).kind === 'command') break;
      }
      await ok(server.url, `mutation { forgetUser(input: {userId: "fay"}) { user { forgotten } } }`);
      for await (const line of exporting) lines.push(line);
      const records = lines.map((line) => JSON.parse(line) as { kind: string; streamId?: string; subjectId?: string; wrappedKey?: string | null; fingerprint?: string | null });
      const tombstone = records.some((r) => r.kind === 'dataKey' && r.subjectId === 'fay' && r.wrappedKey === null);
      const fingerprinted = records.some((r) => r.kind === 'command' && r.streamId === 'fay' && typeof r.fingerprint === 'string');
      // Either the export is as of before the forget (key and fingerprint: the forget is simply later, as for
      // an older export), or after it (tombstone, no fingerprint); never a forgotten person whose input can be guessed.
      expect({ tombstone, fingerprinted }).not.toEqual({ tombstone: true, fingerprinted: true });
    } finally {
      await raw.close();
      await server.close();
      await source.drop();
    }
  }, 60_000);
});

describe('a SQLite source that does not exist (a mistyped path)', () => {
  it('log:copy refuses in one line, creates nothing, and does not print Verified', async () => {
    const from = `file:${join(dir, 'typo', 'ledger.db')}`;
    const to = `file:${join(dir, 'copy-target.db')}`;
    const copied = await runCli('src/cli/log-copy.ts', ['--from', from, '--to', to]);
    expect(copied.code).toBe(1);
    expect(oneLine(copied.stderr)).toMatch(/^Copy failed: .*does not exist/);
    expect(existsSync(join(dir, 'typo', 'ledger.db'))).toBe(false);
    expect(existsSync(join(dir, 'copy-target.db'))).toBe(false);
  }, 60_000);

  it('log:export refuses in one line and creates nothing', async () => {
    const exported = await runCli('src/cli/log-export.ts', ['--out', join(dir, 'typo.ndjson'), '--database', `file:${join(dir, 'typo2.db')}`]);
    expect(exported.code).toBe(1);
    expect(oneLine(exported.stderr)).toMatch(/^Export failed: .*does not exist/);
    expect(existsSync(join(dir, 'typo2.db'))).toBe(false);
  }, 60_000);
});

describe('one-line errors, no stack traces', () => {
  it('log:export to a folder that does not exist', async () => {
    const source = await createDatabase('sqlite');
    try {
      await (await openRawDatabase(source.url)).close();
      const exported = await runCli('src/cli/log-export.ts', ['--out', join(dir, 'no', 'such', 'folder.ndjson'), '--database', source.url]);
      expect(exported.code).toBe(1);
      expect(oneLine(exported.stderr)).toMatch(/^Export failed: ENOENT/);
    } finally {
      await source.drop();
    }
  }, 60_000);

  it.runIf(backends.includes('postgresql'))('log:export and log:import on a PostgreSQL database that does not exist', async () => {
    const missing = new URL(process.env.TEST_POSTGRES_URL!);
    missing.pathname = '/ledger_review_no_such_db';
    const exported = await runCli('src/cli/log-export.ts', ['--out', join(dir, 'pg.ndjson'), '--database', missing.toString()]);
    expect(exported.code).toBe(1);
    expect(oneLine(exported.stderr)).toMatch(/^Export failed: .*does not exist/);
    // A valid (empty) file, so the import gets as far as opening its target.
    const empty = await createDatabase('sqlite');
    try {
      await (await openRawDatabase(empty.url)).close();
      const file = join(dir, 'empty.ndjson');
      const made = await runCli('src/cli/log-export.ts', ['--out', file, '--database', empty.url]);
      expect(made.code).toBe(0);
      const imported = await runCli('src/cli/log-import.ts', ['--in', file, '--database', missing.toString()]);
      expect(imported.code).toBe(1);
      expect(oneLine(imported.stderr)).toMatch(/^Import failed: .*does not exist/);
    } finally {
      await empty.drop();
    }
  }, 60_000);
});

describe('db:backup beside an existing FILE.master-key', () => {
  it('refuses before writing the backup, and leaves the existing key file alone', async () => {
    const source = await createDatabase('sqlite');
    await registerKim(source.url);
    try {
      expect(existsSync(keyFileOf(source.url))).toBe(true);
      const out = join(dir, 'backup.db');
      const stale = '# an older backup\'s key\n' + 'cd'.repeat(32) + '\n';
      writeFileSync(`${out}.master-key`, stale, { mode: 0o600 });
      const backup = await runCli('src/cli/backup.ts', ['--out', out, '--database', source.url]);
      expect(backup.code).toBe(1);
      expect(oneLine(backup.stderr)).toMatch(/^Backup failed: .*backup\.db\.master-key exists already/);
      // Nothing half done: no backup without its key beside it, the other key file untouched.
      expect(existsSync(out)).toBe(false);
      expect(readFileSync(`${out}.master-key`, 'utf8')).toBe(stale);
    } finally {
      await source.drop();
    }
  }, 60_000);
});

describe('log:import --master-key-file into a SQLite database that is not empty', () => {
  it('refuses without leaving the source\'s key file beside a database it did not fill', async () => {
    const source = await createDatabase('sqlite');
    const other = await createDatabase('sqlite');
    try {
      await registerKim(source.url);
      // Another log, whose servers run with LEDGER_MASTER_KEY (so no key file beside it).
      const { server: otherServer } = await startTestServer(other.url, { LEDGER_MASTER_KEY: 'ab'.repeat(32) });
      try {
        await ok(otherServer.url, `mutation { registerUser(input: {userId: "zed", email: "zed@example.com", name: "Zed"}) { user { id } } }`);
      } finally {
        await otherServer.close();
      }
      expect(existsSync(keyFileOf(other.url))).toBe(false);
      const file = join(dir, 'not-empty.ndjson');
      expect((await runCli('src/cli/log-export.ts', ['--out', file, '--database', source.url])).code).toBe(0);
      // The export is owner-only (it holds balances, sealed personal data and wrapped keys).
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const imported = await runCli('src/cli/log-import.ts', ['--in', file, '--database', other.url, '--master-key-file', keyFileOf(source.url)]);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toMatch(/not empty/);
      // "before anything is written": no key file of another log left beside it.
      expect(existsSync(keyFileOf(other.url))).toBe(false);
    } finally {
      await source.drop();
      await other.drop();
    }
  }, 60_000);
});

describe.runIf(backends.includes('postgresql'))('README "Moving from SQLite to PostgreSQL", followed literally, with a key file mid-rotation', () => {
  it('the refusal names the key the operator is missing and how to give it (LEDGER_MASTER_KEY_PREVIOUS); with it the copy works', async () => {
    const source = await createDatabase('sqlite');
    let target: TestDatabase | undefined;
    try {
      await registerKim(source.url);
      // keys:rotate stopped half-way: the file holds the new key first, the old one (still wrapping Kim's key) after it.
      const old = readKeyFile(keyFileOf(source.url))[0]!;
      const fresh = Buffer.from('7f'.repeat(32), 'hex');
      rmSync(keyFileOf(source.url));
      writeKeyFile(keyFileOf(source.url), [fresh, old]);
      // README: LEDGER_MASTER_KEY=$(grep -v '^#' data/ledger.db.master-key | head -1)
      const lines = readFileSync(keyFileOf(source.url), 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
      target = await createDatabase('postgresql');
      const refused = await runCli('src/cli/log-copy.ts', ['--from', source.url, '--to', target.url], { LEDGER_MASTER_KEY: lines[0]! });
      expect(refused.code).toBe(1);
      expect(oneLine(refused.stderr)).toMatch(/LEDGER_MASTER_KEY_PREVIOUS/);
      const copied = await runCli('src/cli/log-copy.ts', ['--from', source.url, '--to', target.url], { LEDGER_MASTER_KEY: lines[0]!, LEDGER_MASTER_KEY_PREVIOUS: lines.slice(1).join(',') });
      expect(copied.stderr).toMatch(/Verified/);
    } finally {
      await source.drop();
      await target?.drop();
    }
  }, 90_000);
});

describe.each(backends)('an import killed in the middle of the key section, resumed (%s)', (backend) => {
  it('ends with every key and tombstone of the source, and the forget counter past it', async () => {
    const source = await createDatabase(backend);
    const target = await createDatabase(backend);
    const from = await openRawDatabase(source.url);
    const to = await openRawDatabase(target.url);
    try {
      const at = new Date('2026-11-01T10:00:00.000Z');
      const subjects = Array.from({ length: 700 }, (_, i) => `s${String(i).padStart(4, '0')}`);
      for (let i = 0; i < subjects.length; i += 100) {
        const chunk = subjects.slice(i, i + 100);
        await from.sql.execute(
          `INSERT INTO personal_data_keys (subject_id, wrapped_key, master_key_id, created_at, forgotten_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          chunk.flatMap((subject) => (subject === 's0650' ? [subject, null, null, at, at] : [subject, `wrapped-${subject}`, 'id1', at, null])),
        );
      }
      await from.sql.execute('UPDATE personal_data_epoch SET forget_epoch = 5 WHERE id = 1');
      const lines: string[] = [];
      for await (const line of exportLog(from, { sections: personalDataRecords })) lines.push(line.slice(0, -1));
      // The first run dies after 690 key records (the first 500 written, 190 pending).
      async function* cut() {
        let keys = 0;
        for (const line of lines) {
          if (line.includes('"kind":"dataKey"') && ++keys > 690) throw new Error('killed');
          yield line;
        }
      }
      await expect(importLog(to, cut(), { sections: personalDataRecords })).rejects.toThrow('killed');
      const [partial] = await to.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM personal_data_keys');
      expect(Number(partial?.n)).toBe(500);
      async function* all() {
        yield* lines;
      }
      await importLog(to, all(), { sections: personalDataRecords });
      const dump = (sql: typeof from.sql) => sql.query<{ subject_id: string; wrapped_key: string | null }>('SELECT subject_id, wrapped_key FROM personal_data_keys ORDER BY subject_id');
      expect(await dump(to.sql)).toEqual(await dump(from.sql));
      const [epoch] = await to.sql.query<{ forget_epoch: unknown }>('SELECT forget_epoch FROM personal_data_epoch WHERE id = 1');
      expect(BigInt(String(epoch?.forget_epoch))).toBeGreaterThanOrEqual(5n);
    } finally {
      await from.close();
      await to.close();
      await source.drop();
      await target.drop();
    }
  }, 60_000);
});

describe('a server started on a target whose import did not finish', () => {
  it('refuses to start (it would serve people whose keys are not there yet, and make new keys the resumed import then keeps)', async () => {
    const source = await createDatabase('sqlite');
    const target = await createDatabase('sqlite');
    try {
      await registerKim(source.url);
      const from = await openRawDatabase(source.url);
      const lines: string[] = [];
      try {
        for await (const line of exportLog(from, { sections: personalDataRecords })) lines.push(line.slice(0, -1));
      } finally {
        await from.close();
      }
      const to = await openRawDatabase(target.url);
      try {
        // Killed at the first key record: the events are in, the keys are not.
        async function* cut() {
          for (const line of lines) {
            if (line.includes('"kind":"dataKey"')) throw new Error('killed');
            yield line;
          }
        }
        await expect(importLog(to, cut(), { sections: personalDataRecords })).rejects.toThrow('killed');
      } finally {
        await to.close();
      }
      writeFileSync(keyFileOf(target.url), readFileSync(keyFileOf(source.url)), { mode: 0o600 });
      const started: Awaited<ReturnType<typeof startTestServer>> | Error = await startTestServer(target.url).then(
        (running) => running,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      if (!(started instanceof Error)) await started.server.close();
      expect(started).toBeInstanceOf(Error);
      expect((started as Error).message).toMatch(/log:import/);
    } finally {
      await source.drop();
      await target.drop();
    }
  }, 60_000);
});

describe('log:export --out naming a file that exists', () => {
  it('refuses, leaving it as it was (a slip to the database\'s key file destroyed the master key)', async () => {
    const source = await createDatabase('sqlite');
    try {
      await registerKim(source.url);
      const keyFile = keyFileOf(source.url);
      const before = readFileSync(keyFile, 'utf8');
      const exported = await runCli('src/cli/log-export.ts', ['--out', keyFile, '--database', source.url]);
      expect(exported.code).toBe(1);
      expect(oneLine(exported.stderr)).toMatch(/^Export failed: .*exists already/);
      expect(readFileSync(keyFile, 'utf8')).toBe(before);
    } finally {
      await source.drop();
    }
  }, 60_000);
});

describe('log:copy while the source keeps taking writes', () => {
  it('does not claim people\'s data keys agree when it did not compare them', async () => {
    const source = await createDatabase('sqlite');
    const target = await createDatabase('sqlite');
    try {
      await registerKim(source.url);
      // The source moves on between the copy and its verification (a write committed meanwhile).
      const moveOn = (message: string) => {
        if (message !== 'verifying') return;
        const db = new Database(sqlitePath(source.url));
        try {
          db.prepare('UPDATE log_head SET "position" = "position" + 1 WHERE id = 1').run();
        } finally {
          db.close();
        }
      };
      const report = await copyLog(source.url, target.url, modules, moveOn, {});
      expect(report.mismatches).toEqual([]);
      expect(report.notCompared).toEqual(expect.arrayContaining(["people's data keys"]));
    } finally {
      await source.drop();
      await target.drop();
    }
  }, 60_000);
});
