/**
 * A subscription catching up hands the event loop a turn every few events it
 * serves, not only between the pages it reads: serving a page (each event
 * executed and sent) would otherwise hold every other request back for as
 * long as the page takes. Counted in turns of the loop, so it does not depend
 * on the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import { EventSubscription } from '../src/subscriptions/event-subscription.js';
import { LogTailer } from '../src/subscriptions/log-tailer.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';

const EVENTS = 2_000;

describe('catch-up and the event loop, on sqlite', () => {
  let db: TestDatabase;
  let store: PrismaEventStore;
  beforeAll(async () => {
    db = await createDatabase('sqlite');
    store = await openEventStore({ databaseUrl: db.url });
    const meta = { correlationId: 'c', causationId: 'c' };
    await store.append({ streamId: 't', streamType: 'Tick', expectedVersion: 'no_stream', events: Array.from({ length: EVENTS }, (_, i) => ({ type: 'ticked', data: { i }, metadata: meta })) });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it(`gives the loop a turn at least every 32 events of a ${EVENTS}-event catch-up, in order`, async () => {
    const tailer = new LogTailer(store, { pollMs: 60_000 });
    await tailer.start();
    const subscription = new EventSubscription(tailer, store, {}, { afterPosition: 0n, bufferLimit: 1000, onOverflow: () => undefined });
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    try {
      for (let i = 0; i < EVENTS; i++) seen.push(((await subscription.next()).value as { data: { i: number } }).data.i);
    } finally {
      counting = false;
      await subscription.return();
      await tailer.stop();
    }
    expect(seen).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    // Before: one turn per page read (500 events), so about 4 here.
    expect(turns).toBeGreaterThanOrEqual(EVENTS / 32);
  });
});
