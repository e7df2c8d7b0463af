/**
 * Time ranges of the log and a stream's version at a time, found by binary
 * searches on positions and versions (no index on timestamps), agree with a
 * plain filter of the whole log on timestamps: at, between and around event
 * times, with many events sharing a timestamp and a clock that went back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import type { StoredEvent } from '../src/eventstore/types.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

describe.each(backends)('time bounds on %s', (backend) => {
  let db: TestDatabase;
  let store: PrismaEventStore;
  let log: StoredEvent[];
  let now = T0;

  beforeAll(async () => {
    db = await createDatabase(backend);
    store = await openEventStore({ databaseUrl: db.url, clock: () => new Date(now) });
    // 60 batches over two streams; the clock mostly moves on, sometimes stands still, twice goes back.
    const versions = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      now += i % 7 === 3 ? 0 : i === 20 || i === 41 ? -5_000 : 1_000;
      const streamId = i % 3 === 0 ? 'tb-b' : 'tb-a';
      const size = 1 + (i % 4);
      const events = Array.from({ length: size }, (_, k) => ({ type: k % 2 ? 'odd_happened' : 'even_happened', data: { i, k }, metadata: {} }));
      const result = await store.append({ streamId, streamType: 'Thing', expectedVersion: versions.get(streamId) ?? 0, events });
      if (result.status !== 'appended') throw new Error(result.status);
      versions.set(streamId, result.version);
    }
    log = await store.readLog({ limit: 10_000 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** Times at, just before and just after every distinct event time, and outside the log. */
  const probes = () => {
    const times = [...new Set(log.map((event) => event.timestamp.getTime()))];
    return [T0 - 60_000, ...times.flatMap((t) => [t - 1, t, t + 1]), T0 + 3_600_000].map((t) => new Date(t));
  };

  it('keeps timestamps non-decreasing along the log (what the searches rely on)', () => {
    for (let i = 1; i < log.length; i++) expect(log[i]!.timestamp.getTime()).toBeGreaterThanOrEqual(log[i - 1]!.timestamp.getTime());
  });

  it('reads the events since, until and between times as a filter on timestamps would', async () => {
    const times = probes();
    const positions = (events: readonly StoredEvent[]) => events.map((event) => event.position);
    for (const since of times) {
      expect(positions(await store.readLog({ since, limit: 10_000 }))).toEqual(positions(log.filter((e) => e.timestamp >= since)));
      expect(positions(await store.readLog({ until: since, limit: 10_000 }))).toEqual(positions(log.filter((e) => e.timestamp <= since)));
    }
    for (let i = 0; i < times.length; i += 5) {
      for (let j = i; j < times.length; j += 7) {
        const [since, until] = [times[i]!, times[j]!];
        const expected = log.filter((e) => e.timestamp >= since && e.timestamp <= until);
        expect(positions(await store.readLog({ since, until, limit: 10_000 }))).toEqual(positions(expected));
        // With a cursor, an upper position, a filter and from the newest end too.
        const after = log[10]!.position;
        const upTo = log[log.length - 10]!.position;
        const within = expected.filter((e) => e.position > after && e.position <= upTo && e.type === 'odd_happened');
        expect(positions(await store.readLog({ since, until, afterPosition: after, upToPosition: upTo, types: ['odd_happened'], limit: 10_000 }))).toEqual(positions(within));
        expect(positions(await store.readLog({ since, until, afterPosition: after, upToPosition: upTo, types: ['odd_happened'], newestFirst: true, limit: 3 }))).toEqual(positions(within.reverse().slice(0, 3)));
      }
    }
  });

  it("answers a stream's version at any time as a filter on timestamps would", async () => {
    for (const streamId of ['tb-a', 'tb-b', 'tb-none']) {
      const events = log.filter((event) => event.streamId === streamId);
      for (const at of probes()) {
        const expected = events.filter((event) => event.timestamp <= at).at(-1)?.version ?? 0;
        expect(await store.streamVersion(streamId, at)).toBe(expected);
      }
    }
  });
});
