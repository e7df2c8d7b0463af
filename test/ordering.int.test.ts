/**
 * The out-of-order-commit attack: many concurrent writers in several "processes"
 * (stores with their own connections) while a reader tails the log by position.
 * A reader that has seen position P must never later find a new event below P.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

describe.each(backends)('global order on %s', (backend) => {
  let db: TestDatabase;
  const stores: PrismaEventStore[] = [];
  // SQLite is one process per file (a second in-process writer would block the
  // event loop in SQLite's busy wait), so there all writers share one store.
  const processes = backend === 'postgresql' ? 4 : 1;
  const writersPerProcess = backend === 'postgresql' ? 8 : 32;
  const appendsPerWriter = 25;

  beforeAll(async () => {
    db = await createDatabase(backend);
    for (let i = 0; i < processes; i++) stores.push(await openEventStore({ databaseUrl: db.url, poolSize: 8 }));
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await db?.drop();
  });

  it('never shows a tailing reader an event below one it has already seen', async () => {
    const reader = stores[0]!;
    const seen: bigint[] = [];
    let writing = true;
    let last = 0n;
    const tail = (async () => {
      for (;;) {
        const stillWriting = writing;
        const page = await reader.readLog({ afterPosition: last, limit: 500 });
        for (const event of page) {
          seen.push(event.position);
          last = event.position;
        }
        if (!stillWriting && page.length === 0) return;
        // SQLite answers synchronously under its promises: yield so writers get the event loop.
        if (page.length === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const writers = stores.flatMap((store, p) =>
      Array.from({ length: writersPerProcess }, async (_, w) => {
        for (let i = 0; i < appendsPerWriter; i++) {
          // Mixed sizes so transactions take different times to commit.
          const events = Array.from({ length: 1 + ((i + w) % 3) }, (_, k) => ({ type: 'tick', data: { p, w, i, k }, metadata: {} }));
          const result = await store.append({ streamId: `w-${p}-${w}`, streamType: 'Writer', expectedVersion: 'any', events });
          expect(result.status).toBe('appended');
        }
      }),
    );
    await Promise.all(writers);
    writing = false;
    await tail;

    const log = (await reader.readLog({ limit: 100_000 })).map((event) => event.position);
    let expected = 0;
    for (let w = 0; w < writersPerProcess; w++) for (let i = 0; i < appendsPerWriter; i++) expected += 1 + ((i + w) % 3);
    expect(log.length).toBe(expected * processes);
    // Exactly once, strictly increasing, and the same set the log holds.
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
    expect(seen).toEqual(log);
    // No gaps: positions are 1..N.
    expect(log[log.length - 1]).toBe(BigInt(log.length));
  });

  it('lands every append exactly once when stores race on the same streams with expected versions', async () => {
    // Writers of every store append to the same few streams, each with the version it last saw, and retry
    // a conflict from the actual version: on PostgreSQL the one-statement path and the locked path interleave.
    // Which path each batch takes depends on timing, so rounds repeat (at most 5) until both have been
    // taken; every round must land every append exactly once.
    const before = stores.map((store) => ({ ...store.stats }));
    let conflicts = 0;
    const bothPathsTaken = () =>
      stores.some((store, i) => store.stats.oneStatement > before[i]!.oneStatement) &&
      conflicts + stores.reduce((sum, store, i) => sum + store.stats.mispredicted - before[i]!.mispredicted, 0) > 0;
    for (let round = 0; round < 5; round++) {
      const streams = [0, 1, 2, 3].map((k) => `race-${round}-${k}`);
      const start = await stores[0]!.headPosition();
      let landed = 0;
      await Promise.all(
        stores.flatMap((store, p) =>
          Array.from({ length: 4 }, async (_, w) => {
            const streamId = streams[(p + w) % streams.length]!;
            let version = 0;
            for (let i = 0; i < 15; ) {
              const result = await store.append({ streamId, streamType: 'Race', expectedVersion: version, events: [{ type: 'tick', data: { p, w, i }, metadata: {} }] });
              if (result.status === 'appended') {
                version = result.version;
                landed++;
                i++;
              } else if (result.status === 'conflict') {
                expect(result.actualVersion).toBeGreaterThan(version);
                version = result.actualVersion;
                conflicts++;
              } else throw new Error(`unexpected ${result.status}`);
            }
          }),
        ),
      );
      expect(landed).toBe(stores.length * 4 * 15);
      const log = await stores[0]!.readLog({ afterPosition: start, limit: 100_000 });
      expect(log.map((event) => event.position)).toEqual(log.map((_, i) => start + BigInt(i + 1)));
      expect(log.length).toBe(landed);
      for (const streamId of streams) {
        const versions = (await stores[0]!.readStream(streamId)).map((event) => event.version);
        expect(versions).toEqual(versions.map((_, i) => i + 1));
      }
      if (backend !== 'postgresql' || bothPathsTaken()) break;
    }
    // Both paths were taken (and, by the checks above, no statement was left half-done by a wrong prediction).
    if (backend === 'postgresql') expect(bothPathsTaken()).toBe(true);
  });
});
