/**
 * Multi-stream appends, on every backend and (PostgreSQL) on both append
 * paths: one request with events for several streams, each checked against
 * its own expected version, all or nothing, at consecutive positions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import type { ExpectedVersion, InlineProjection, MultiStreamAppendRequest, StoredEvent } from '../src/eventstore/types.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const projections = projectionsOf(modules);
const event = (type: string, n: number) => ({ type, data: { n }, metadata: {} });

/** A move of `n` from one stream to another: one event on each. */
function pair(from: string, to: string, n: number, expected: [ExpectedVersion, ExpectedVersion] = ['any', 'any'], commandId?: string): MultiStreamAppendRequest {
  return {
    streams: [
      { streamId: from, streamType: 'Pot', expectedVersion: expected[0], events: [event('out', n)] },
      { streamId: to, streamType: 'Pot', expectedVersion: expected[1], events: [event('in', n)] },
    ],
    ...(commandId ? { command: { id: commandId, type: 'Move', actor: 'tester', fingerprint: `move-${n}` } } : {}),
  };
}

/** Every `out` has its `in` right after it in the log, and the other way round. */
function expectPairsAdjacent(events: readonly StoredEvent[]): void {
  events.forEach((e, i) => {
    if (e.type === 'out') {
      const next = events[i + 1];
      expect(next?.type).toBe('in');
      expect(next?.position).toBe(e.position + 1n);
      expect(next?.data.n).toBe(e.data.n);
    }
    if (e.type === 'in') expect(events[i - 1]?.type).toBe('out');
  });
}

describe.each(backends)('multi-stream appends on %s', (backend) => {
  let db: TestDatabase;
  let store: PrismaEventStore;

  beforeAll(async () => {
    db = await createDatabase(backend);
    store = await openEventStore({ databaseUrl: db.url, projections });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('appends to both streams at consecutive positions, with each stream its own version', async () => {
    await store.append({ streamId: 'p-a', streamType: 'Pot', expectedVersion: 'no_stream', events: [event('made', 0), event('made', 0)] });
    const head = await store.headPosition();
    const result = await store.appendToStreams(pair('p-a', 'p-b', 1, [2, 'no_stream']));
    expect(result).toMatchObject({ status: 'appended', streams: [{ streamId: 'p-a', version: 3 }, { streamId: 'p-b', version: 1 }] });
    if (result.status !== 'appended') throw new Error('not appended');
    expect(result.streams.flatMap((s) => s.events.map((e) => e.position))).toEqual([head + 1n, head + 2n]);
    const log = await store.readLog({ afterPosition: head, limit: 10 });
    expect(log.map((e) => [e.streamId, e.version, e.type])).toEqual([
      ['p-a', 3, 'out'],
      ['p-b', 1, 'in'],
    ]);
  });

  it('appends nothing when either stream is not at its expected version', async () => {
    const head = await store.headPosition();
    expect(await store.appendToStreams(pair('p-a', 'p-b', 2, [2, 1]))).toEqual({ status: 'conflict', streamId: 'p-a', actualVersion: 3 });
    expect(await store.appendToStreams(pair('p-a', 'p-b', 2, [3, 0]))).toEqual({ status: 'conflict', streamId: 'p-b', actualVersion: 1 });
    expect(await store.appendToStreams(pair('p-a', 'p-new', 2, [3, 5]))).toEqual({ status: 'conflict', streamId: 'p-new', actualVersion: 0 });
    // A stream of another type is not this one's to write.
    await store.append({ streamId: 'p-other', streamType: 'Other', expectedVersion: 'no_stream', events: [event('x', 0)] });
    expect(await store.appendToStreams(pair('p-a', 'p-other', 2))).toEqual({ status: 'conflict', streamId: 'p-other', actualVersion: 1 });
    expect(await store.headPosition()).toBe(head + 1n);
    expect(await store.streamVersion('p-a')).toBe(3);
    expect(await store.streamVersion('p-b')).toBe(1);
    expect(await store.streamVersion('p-new')).toBe(0);
  });

  it('refuses a request naming one stream twice, or none', async () => {
    await expect(store.appendToStreams(pair('p-a', 'p-a', 3))).rejects.toThrow('twice');
    await expect(store.appendToStreams({ streams: [] })).rejects.toThrow('at least one');
  });

  it('records the command once for all its streams, and answers a repeat with that record', async () => {
    const first = await store.appendToStreams(pair('p-a', 'p-b', 4, ['any', 'any'], 'move-4'));
    expect(first.status).toBe('appended');
    const again = await store.appendToStreams(pair('p-a', 'p-b', 4, ['any', 'any'], 'move-4'));
    expect(again).toEqual({
      status: 'duplicate',
      command: {
        commandId: 'move-4',
        actor: 'tester',
        commandType: 'Move',
        streamId: 'p-a',
        firstVersion: 4,
        lastVersion: 4,
        streams: [
          { streamId: 'p-a', firstVersion: 4, lastVersion: 4 },
          { streamId: 'p-b', firstVersion: 2, lastVersion: 2 },
        ],
        fingerprint: 'move-4',
      },
    });
    expect(await store.findCommand('move-4', 'tester')).toEqual(again.status === 'duplicate' ? again.command : null);
    expect(await store.streamVersion('p-b')).toBe(2);
  });

  it('keeps pairs adjacent under concurrent moves, and readers, catch-up and projections see both or neither', async () => {
    const pots = ['m-0', 'm-1', 'm-2', 'm-3'];
    for (const pot of pots) await store.append({ streamId: pot, streamType: 'Pot', expectedVersion: 'no_stream', events: [event('made', 0)] });
    const start = await store.headPosition();
    // A projection fed by catch-up from before the moves.
    const seen: StoredEvent[] = [];
    const heads: bigint[] = [];
    const unsubscribe = store.onCommit((head) => heads.push(head));
    let n = 1000;
    let reading = true;
    const torn: string[] = [];
    const reader = (async () => {
      while (reading) {
        const page = await store.readLog({ afterPosition: start, limit: 10_000 });
        const last = page[page.length - 1];
        if (last?.type === 'out') torn.push(`read ended at ${last.position} between a pair`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        for (let i = 0; i < 10; i++) {
          const from = pots[(w + i) % 4]!;
          const to = pots[(w + i + 1 + (i % 3)) % 4]!;
          const result = await store.appendToStreams(pair(from, to, n++));
          expect(result.status).toBe('appended');
        }
      }),
    );
    reading = false;
    await reader;
    unsubscribe();
    expect(torn).toEqual([]);
    const log = await store.readLog({ afterPosition: start, limit: 10_000 });
    expect(log).toHaveLength(240);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => start + BigInt(i + 1)));
    expectPairsAdjacent(log);
    // A commit never announces a head between the two events of a pair.
    const outs = new Set(log.filter((e) => e.type === 'out').map((e) => e.position));
    expect(heads.filter((head) => outs.has(head))).toEqual([]);
    // Each stream's versions run without gaps.
    for (const pot of pots) {
      const versions = (await store.readStream(pot)).map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
    }
    // Catch-up in pages of any size still hands the pairs over in order.
    const projection: InlineProjection = { name: 'pairs', tables: [], apply: async (_sql, events) => void seen.push(...events) };
    const catchUp = await openEventStore({ databaseUrl: db.url, projections: [projection] });
    try {
      await catchUp.catchUpProjection('pairs', start);
    } finally {
      await catchUp.close();
    }
    expect(seen.map((e) => e.position)).toEqual(log.map((e) => e.position));
    expectPairsAdjacent(seen);
  });
});

describe.runIf(backends.includes('postgresql'))('multi-stream appends on both postgresql paths', () => {
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

  it('goes as one statement on a right prediction, and under the head lock when another store moved the head', async () => {
    await a.append({ streamId: 'x-a', streamType: 'Pot', expectedVersion: 'no_stream', events: [event('made', 0)] });
    await a.append({ streamId: 'x-b', streamType: 'Pot', expectedVersion: 'no_stream', events: [event('made', 0)] });
    let before = { ...a.stats };
    expect(await a.appendToStreams(pair('x-a', 'x-b', 1, [1, 1]))).toMatchObject({ status: 'appended' });
    // Predicted from a's own last commit: one statement, no miss.
    expect(a.stats.oneStatement - before.oneStatement).toBe(1);
    expect(a.stats.mispredicted - before.mispredicted).toBe(0);

    await b.append({ streamId: 'x-c', streamType: 'Pot', expectedVersion: 'no_stream', events: [event('made', 0)] });
    before = { ...a.stats };
    expect(await a.appendToStreams(pair('x-a', 'x-b', 2, [2, 2]))).toMatchObject({ status: 'appended' });
    // b moved the head: the prediction missed, and the batch went under the head lock (ledger_claim_head).
    expect(a.stats.mispredicted - before.mispredicted).toBe(1);
    expect(a.stats.oneStatement - before.oneStatement).toBe(1);
  });

  it('catches a stream another store moved on either path: a conflict, nothing appended', async () => {
    // The destination moves under a's prediction; a learns it under the lock and appends nothing.
    await b.append({ streamId: 'x-b', streamType: 'Pot', expectedVersion: 3, events: [event('made', 0)] });
    const head = await a.headPosition();
    expect(await a.appendToStreams(pair('x-a', 'x-b', 3, [3, 3]))).toEqual({ status: 'conflict', streamId: 'x-b', actualVersion: 4 });
    expect(await a.headPosition()).toBe(head);
    expect(await a.streamVersion('x-a')).toBe(3);
    // The locked path decides it afresh, and the right versions land at consecutive positions.
    const result = await a.appendToStreams(pair('x-a', 'x-b', 3, [3, 4]));
    expect(result).toMatchObject({ status: 'appended', streams: [{ version: 4 }, { version: 5 }] });
    const log = await a.readLog({ afterPosition: head, limit: 10 });
    expect(log.map((e) => [e.streamId, e.position])).toEqual([
      ['x-a', head + 1n],
      ['x-b', head + 2n],
    ]);
  });

  it('lands every move of two racing stores exactly once, pairs adjacent', async () => {
    const start = await a.headPosition();
    const stores = [a, b];
    const pots = ['r-0', 'r-1', 'r-2'];
    let n = 1;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 10; i++) {
          const from = pots[(w + i) % 3]!;
          const to = pots[(w + i + 1) % 3]!;
          const result = await stores[w % 2]!.appendToStreams(pair(from, to, n++, ['any', 'any'], `race-${w}-${i}`));
          expect(result.status).toBe('appended');
        }
      }),
    );
    const log = await a.readLog({ afterPosition: start, limit: 1000 });
    expect(log).toHaveLength(160);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => start + BigInt(i + 1)));
    expectPairsAdjacent(log);
  });
});
