/** The log tailer against a real store: stopping it never leaves a read running into a closed store. */
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import { LogTailer } from '../src/subscriptions/log-tailer.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

describe.each(backends)('log tailer on %s', (backend) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
  });

  it('ends a read of several pages when stopped between two of them, before the store closes', async () => {
    db = await createDatabase(backend);
    const store = await openEventStore({ databaseUrl: db.url, projections: [] });
    const errors: unknown[] = [];
    const tailer = new LogTailer(store, { pollMs: 60_000, pageSize: 10, onError: (error) => errors.push(error) });
    await tailer.start();
    const events = Array.from({ length: 50 }, () => ({ type: 'a', data: {}, metadata: {} }));
    await store.append({ streamId: 'tail-1', streamType: 'Thing', expectedVersion: 'any', events });

    // The app closes while the tailer gives the event loop back between its first and second page
    // (as a drain, or a program that is done, does at any moment).
    let closed: Promise<void> | undefined;
    const delivered: bigint[] = [];
    tailer.add({
      deliver: (event) => {
        delivered.push(event.position);
        if (event.position === 10n) {
          setImmediate(() => {
            closed = tailer.stop().then(() => store.close());
          });
        }
      },
    });
    tailer.wake();
    await expect.poll(() => closed !== undefined, { timeout: 5_000 }).toBe(true);
    await closed;
    expect(errors).toEqual([]);
    expect(delivered).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
  });
});
