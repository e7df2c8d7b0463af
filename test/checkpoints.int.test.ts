/**
 * SQLite WAL checkpoints run in a worker thread (src/eventstore/checkpoint-worker.ts),
 * not inside commits: the database file receives the log while the store is
 * open, the WAL is truncated after a checkpoint, and a program that only opens
 * and closes the store (the CLI) still ends normally.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { until } from './helpers/deadline.js';

const fileOf = (url: string) => url.slice('file:'.length);
const sizeOf = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

describe('WAL checkpoints off the request path (SQLite)', () => {
  let db: TestDatabase;
  let store: PrismaEventStore;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    store = await openEventStore({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('copies the WAL into the database file while the store stays open, and keeps the WAL small', async () => {
    const path = fileOf(db.url);
    const before = sizeOf(path);
    // About 8 MB of events: SQLite's own autocheckpoint would have run inside these commits.
    const pad = 'x'.repeat(800);
    let version = 0;
    for (let batch = 0; batch < 20; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => ({ type: 'noted', data: { i, pad }, metadata: {} }));
      const result = await store.append({ streamId: 'wal', streamType: 'Note', expectedVersion: version, events });
      if (result.status !== 'appended') throw new Error(result.status);
      version = result.version;
    }
    // The worker's checkpoints bring the events into the database file itself.
    await until('the database file to hold the events', () => sizeOf(path) > before + 6_000_000);
    // After a checkpoint that copied everything, the next commit starts the WAL over, truncated to its limit.
    await until('the WAL to be started over', async () => {
      await store.append({ streamId: `small-${version++}`, streamType: 'Note', expectedVersion: 0, events: [{ type: 'noted', data: {}, metadata: {} }] });
      return sizeOf(`${path}-wal`) <= 4 * 1024 * 1024;
    });
    expect((await store.readStream('wal')).length).toBe(10_000);
  });

  it('lets a program that opens and closes the store end by itself (the CLI)', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/rebuild-projections.ts'], { env: { ...process.env, DATABASE_URL: db.url }, stdio: 'ignore' });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(code).toBe(0);
  });
});
