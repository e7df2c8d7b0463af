/**
 * No plaintext left behind (issue 14): after a person registered, changed
 * their name and was forgotten, their email and names appear nowhere in the
 * database (SQLite: the raw bytes of the file and its WAL, free pages
 * included; PostgreSQL: every table's contents read through SQL), the
 * server's log, or /metrics. And the master key: made on first start as a
 * 0600 file next to a SQLite database (said in the log), refused at start
 * when malformed, missing (PostgreSQL) or not the one the data was written
 * with, with one line and nothing served.
 */
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFileOf } from '../src/privacy/index.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { modules } from '../src/modules.js';
import { registerUser } from '../src/users/use-cases.js';
import { testConfig } from './helpers/app.js';
import { databaseBytes } from './helpers/database-bytes.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';

const EMAIL = 'zelda.secret@example.org';
const NAME = 'Zelda Quartermaine';
const OLD_NAME = 'Zelda Firstname';
const SECRETS = [EMAIL, NAME, OLD_NAME, 'zelda.secret', 'Quartermaine', 'Firstname'];

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}


describe.each(backends)('personal data at rest on %s', (backend) => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('leaves no plaintext in the database, the log or /metrics after a forget', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    const server = await spawnServer({ DATABASE_URL: db.url, LOG_LEVEL: 'trace', ...UNLIMITED });
    let metrics = '';
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "zelda", email: "${EMAIL}", name: "${OLD_NAME}"}) { user { id } } }`);
      await ok(server.url, `mutation { updateUser(input: {userId: "zelda", name: "${NAME}"}) { user { id } } }`);
      await ok(server.url, `mutation { openAccount(input: {accountId: "zelda-acc", ownerId: "zelda", initialBalance: "3.00"}) { account { id } } }`);
      // Sealed at rest even before the forget: the database never held the plaintext.
      const before = await databaseBytes(db);
      for (const secret of SECRETS) expect(before.includes(secret), secret).toBe(false);
      expect((await ok(server.url, `{ user(id: "zelda") { name } }`)).user.name).toBe(NAME);
      await ok(server.url, `mutation { forgetUser(input: {userId: "zelda"}) { user { forgotten } } }`);
      expect((await ok(server.url, `{ user(id: "zelda") { name email } account(id: "zelda-acc") { balance } }`))).toEqual({ user: { name: null, email: null }, account: { balance: '3.00' } });
      metrics = await (await fetch(new URL('/metrics', server.url))).text();
    } finally {
      await stop(server);
    }
    expect(metrics).toContain('ledger_');
    const after = await databaseBytes(db);
    expect(after.length).toBeGreaterThan(1000);
    for (const secret of SECRETS) {
      expect(after.includes(secret), `${secret} in the database`).toBe(false);
      expect(server.output().includes(secret), `${secret} in the log`).toBe(false);
      expect(metrics.includes(secret), `${secret} in /metrics`).toBe(false);
    }
  }, 120_000);

  it('refuses to start with a malformed, missing or wrong master key, in one line, serving nothing', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    expect(() => loadConfig({ DATABASE_URL: db.url, LEDGER_MASTER_KEY: 'not-a-key' })).toThrow(/^Invalid configuration: LEDGER_MASTER_KEY must be 64 hex digits/);
    expect(() => loadConfig({ DATABASE_URL: db.url, LEDGER_MASTER_KEY: 'ab'.repeat(31) })).toThrow(/^Invalid configuration: LEDGER_MASTER_KEY must be 64 hex digits/);
    if (backend === 'postgresql') {
      // Tools that never open personal data (migrations, backups, rebuilds) load the configuration without it; the server does not start.
      expect(loadConfig({ DATABASE_URL: db.url }).masterKey).toBeUndefined();
      await expect(createApp(testConfig(db.url, { LEDGER_MASTER_KEY: '' }), modules)).rejects.toThrow(/^Invalid configuration: LEDGER_MASTER_KEY must be set on PostgreSQL/);
    }
    // Data written under one key...
    const first = await createApp(testConfig(db.url, { LEDGER_MASTER_KEY: 'a1'.repeat(32) }), modules);
    await registerUser(first, { userId: 'k', email: 'k@example.com', name: 'K' }, {});
    await first.close();
    // ...is not served under another: the real server process says so in one line and never listens.
    const wrong = await spawnServer({ DATABASE_URL: db.url, LEDGER_MASTER_KEY: 'b2'.repeat(32) }).then(
      async (server) => {
        await stop(server);
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(wrong).toMatch(/Failed to start: the master key \(id [0-9a-f]+\) is not the one people's data keys were wrapped with/);
    expect(wrong).not.toMatch(/listening/);
    if (backend === 'sqlite') {
      // Nor under the key file a first start without LEDGER_MASTER_KEY would make: the data has keys, so the file must already exist.
      await expect(createApp(testConfig(db.url), modules)).rejects.toThrow(/the master key file .* is missing but the database holds people's data keys/);
    }
  }, 120_000);
});

describe('the master key file of a SQLite database', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('is made next to the database on first start, owner-only, and the log says so', async () => {
    const db = await createDatabase('sqlite');
    dbs.push(db);
    const server = await spawnServer({ DATABASE_URL: db.url });
    await ok(server.url, `mutation { registerUser(input: {userId: "f", email: "f@example.com", name: "F"}) { user { id } } }`);
    await stop(server);
    const file = keyFileOf(db.url);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^# .*back it up.*\n[0-9a-f]{64}\n$/);
    expect(server.output()).toMatch(/created the master key file \(mode 0600\): back it up apart from the database/);
    // A second start uses the same file.
    const again = await spawnServer({ DATABASE_URL: db.url });
    expect((await ok(again.url, `{ user(id: "f") { name } }`)).user.name).toBe('F');
    await stop(again);
    expect(again.output()).toMatch(/master key from the key file/);
    expect(again.output()).not.toMatch(/can be read by other users/);
    // A copy that lost its mode (restored by hand, say) still serves, and the log says to fix it.
    chmodSync(file, 0o644);
    const loose = await spawnServer({ DATABASE_URL: db.url });
    expect((await ok(loose.url, `{ user(id: "f") { name } }`)).user.name).toBe('F');
    await stop(loose);
    expect(loose.output()).toMatch(/the master key file can be read by other users than its owner: chmod 600 it/);
  }, 120_000);
});
