/**
 * Two stores (two API processes' worth) appending to one PostgreSQL log at
 * once: each commit moves the head under the other's prediction, so batches
 * take the head lock first and still go as one statement, never the locked
 * path's probes; order, contiguity and exactly-once hold throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const projections = projectionsOf(modules);
const event = (n: number) => ({ type: 'thing_happened', data: { n }, metadata: {} });

describe.runIf(backends.includes('postgresql'))('two stores writing to one postgresql log', () => {
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

  it('sends a batch whose predicted head another store moved as one statement under the head lock', async () => {
    await a.append({ streamId: 'tw-a', streamType: 'Thing', expectedVersion: 'no_stream', events: [event(1)] });
    await a.append({ streamId: 'tw-a', streamType: 'Thing', expectedVersion: 1, events: [event(2)] });
    await b.append({ streamId: 'tw-b', streamType: 'Thing', expectedVersion: 'no_stream', events: [event(1)] });
    const before = { ...a.stats };
    expect(await a.append({ streamId: 'tw-a', streamType: 'Thing', expectedVersion: 2, events: [event(3)] })).toMatchObject({ status: 'appended', version: 3 });
    // The prediction missed (b moved the head), and the batch still went as one statement.
    expect(a.stats.mispredicted - before.mispredicted).toBe(1);
    expect(a.stats.commits - before.commits).toBe(1);
    expect(a.stats.oneStatement - before.oneStatement).toBe(1);
    // A stream the other store moved is caught under the lock: a conflict, decided on the real version.
    await b.append({ streamId: 'tw-a', streamType: 'Thing', expectedVersion: 3, events: [event(4)] });
    expect(await a.append({ streamId: 'tw-a', streamType: 'Thing', expectedVersion: 3, events: [event(5)] })).toEqual({ status: 'conflict', actualVersion: 4 });
    expect((await a.readStream('tw-a')).map((e) => e.data.n)).toEqual([1, 2, 3, 4]);
  });

  it('lands every append of two racing stores exactly once, in one contiguous log', async () => {
    const head = await a.headPosition();
    const stores = [a, b];
    const before = stores.map((store) => ({ ...store.stats }));
    const writers = 16;
    const each = 15;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const store = stores[w % 2]!;
        for (let version = 0; version < each; version++) {
          const result = await store.append({ streamId: `race-${w}`, streamType: 'Thing', expectedVersion: version, events: [event(version + 1)] });
          expect(result).toMatchObject({ status: 'appended', version: version + 1 });
        }
      }),
    );
    const log = await a.readLog({ afterPosition: head, limit: 1000 });
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => head + BigInt(i + 1)));
    expect(log).toHaveLength(writers * each);
    for (let i = 1; i < log.length; i++) expect(log[i]!.timestamp.getTime()).toBeGreaterThanOrEqual(log[i - 1]!.timestamp.getTime());
    for (let w = 0; w < writers; w++) expect((await a.readStream(`race-${w}`)).map((e) => e.data.n)).toEqual(Array.from({ length: each }, (_, i) => i + 1));
    // Every batch went as one statement: predicted, or with the head lock taken first.
    const locked = stores.reduce((sum, store, i) => sum + (store.stats.commits - before[i]!.commits) - (store.stats.oneStatement - before[i]!.oneStatement), 0);
    expect(locked).toBe(0);
  });
});
