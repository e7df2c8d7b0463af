/**
 * Master key rotation under load (issue 14): every data key is re-wrapped
 * while users register and are read, and afterwards an app that knows only
 * the new key reads every one of them; nothing is lost. With LEDGER_MASTER_KEY
 * on both databases, and with the SQLite key file, where the running app
 * follows the file by itself.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { modules } from '../src/modules.js';
import { keyFileOf } from '../src/privacy/index.js';
import { openKeyTable } from '../src/privacy/key-table.js';
import { rewrapAll, rotateKeyFile } from '../src/privacy/rotate.js';
import { registerUser } from '../src/users/use-cases.js';
import { userDecider } from '../src/users/decider.js';
import { testConfig } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const OLD = '0a'.repeat(32);
const NEW = '0b'.repeat(32);

async function register(app: App, id: string): Promise<void> {
  await registerUser(app, { userId: id, email: `${id}@example.com`, name: `Name of ${id}` }, {});
}

/** Every user's name as a fresh read (no cached key) sees it. */
async function names(app: App, ids: readonly string[]): Promise<Array<string | null>> {
  app.privacy.keys.clear();
  const loaded = await app.repository(userDecider).loadMany(ids);
  return ids.map((id) => {
    const state = loaded.get(id)?.state;
    return state?.status === 'registered' ? state.name : null;
  });
}

/** Registers users one after another until `done` resolves; the ids it registered. */
async function loadUntil(app: App, prefix: string, done: Promise<unknown>): Promise<string[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const ids: string[] = [];
  for (let i = 0; !finished || i < 5; i++) {
    const id = `${prefix}-${i}`;
    await register(app, id);
    ids.push(id);
    await names(app, [id]);
  }
  return ids;
}

describe.each(backends)('master key rotation with LEDGER_MASTER_KEY on %s', (backend) => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());

  it('re-wraps every key under load and loses nothing', async () => {
    db = await createDatabase(backend);
    const before = await createApp(testConfig(db.url, { LEDGER_MASTER_KEY: OLD }), modules);
    const early = Array.from({ length: 40 }, (_, i) => `early-${i}`);
    for (const id of early) await register(before, id);
    await before.close();

    // Servers get the new key and keep the old one readable, then the rotation runs while they work.
    const during = await createApp(testConfig(db.url, { LEDGER_MASTER_KEY: NEW, LEDGER_MASTER_KEY_PREVIOUS: OLD }), modules);
    const table = openKeyTable(db.url);
    const rotation = rewrapAll(table, [Buffer.from(NEW, 'hex'), Buffer.from(OLD, 'hex')], Buffer.from(NEW, 'hex'));
    const late = await loadUntil(during, 'late', rotation);
    const result = await rotation;
    expect(result.rewrapped).toBe(40);
    expect(await rewrapAll(table, [Buffer.from(NEW, 'hex')], Buffer.from(NEW, 'hex'))).toMatchObject({ rewrapped: 0, passes: 1 });
    await table.close();
    await during.close();

    const after = await createApp(testConfig(db.url, { LEDGER_MASTER_KEY: NEW }), modules);
    try {
      const all = [...early, ...late];
      expect(await names(after, all)).toEqual(all.map((id) => `Name of ${id}`));
    } finally {
      await after.close();
    }
    // The old key alone no longer opens anything: the app refuses to start with it.
    await expect(createApp(testConfig(db.url, { LEDGER_MASTER_KEY: OLD }), modules)).rejects.toThrow(/is not the one people's data keys were wrapped with/);
  }, 120_000);
});

describe('master key rotation of the SQLite key file', () => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());

  it('rotates while the app serves: the app follows the file, nothing is lost, the old key is gone', async () => {
    db = await createDatabase('sqlite');
    const app = await createApp(testConfig(db.url), modules);
    try {
      const early = Array.from({ length: 40 }, (_, i) => `early-${i}`);
      for (const id of early) await register(app, id);
      const oldFile = readFileSync(keyFileOf(db.url), 'utf8');
      const table = openKeyTable(db.url);
      const rotation = rotateKeyFile(table, keyFileOf(db.url));
      const late = await loadUntil(app, 'late', rotation);
      expect((await rotation).rewrapped).toBeGreaterThanOrEqual(40);
      await table.close();
      const newFile = readFileSync(keyFileOf(db.url), 'utf8');
      const keyLines = (text: string) => text.split('\n').filter((line) => /^[0-9a-f]{64}$/.test(line));
      expect(keyLines(newFile)).toHaveLength(1);
      expect(keyLines(newFile)[0]).not.toBe(keyLines(oldFile)[0]);
      const all = [...early, ...late];
      // The running app, its cache dropped, unwraps with the new key it read from the file.
      expect(await names(app, all)).toEqual(all.map((id) => `Name of ${id}`));
      await register(app, 'after-rotation');
      expect(await names(app, ['after-rotation'])).toEqual(['Name of after-rotation']);
    } finally {
      await app.close();
    }
    const fresh = await createApp(testConfig(db.url), modules);
    try {
      expect(await names(fresh, ['early-0', 'after-rotation'])).toEqual(['Name of early-0', 'Name of after-rotation']);
    } finally {
      await fresh.close();
    }
  }, 120_000);
});
