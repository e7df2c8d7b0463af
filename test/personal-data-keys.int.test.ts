/**
 * A new person's data key is stored by the append that first seals with it,
 * in the same transaction, on both databases: two stores (two processes'
 * caches) making the same person's key at once never leave an event sealed
 * with a key that is not the stored one; an append that is not written
 * leaves no key, and its key is not trusted afterwards; a forgotten person
 * never gets a key again. And the forget epoch, read in the same statement
 * as the events, keeps another store's warm key cache from answering after
 * a forget committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { AppendRequest } from '../src/eventstore/types.js';
import { modules } from '../src/modules.js';
import { openKeyTable, type KeyTable } from '../src/privacy/key-table.js';
import { testConfig } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const registered = (streamId: string, userId: string, name: string, expectedVersion: AppendRequest['expectedVersion'] = 'no_stream'): AppendRequest => ({
  streamId,
  streamType: 'User',
  expectedVersion,
  events: [{ type: 'user_registered', data: { userId, email: `${userId}@example.com`, name }, metadata: {} }],
});

describe.each(backends)('data keys made in the append transaction on %s', (backend) => {
  let db: TestDatabase;
  let apps: App[];
  let table: KeyTable;

  /** What an app with nothing cached reads from these streams (null where a value did not open). */
  const freshNames = async (streamIds: readonly string[]) => {
    const reader = await createApp(testConfig(db.url), modules);
    try {
      const names: unknown[] = [];
      for (const id of streamIds) names.push(...(await reader.store.readStream(id)).map((event) => event.data.name));
      return { names, unreadable: reader.privacy.codec.unreadable };
    } finally {
      await reader.close();
    }
  };

  beforeAll(async () => {
    db = await createDatabase(backend);
    apps = [await createApp(testConfig(db.url), modules), await createApp(testConfig(db.url), modules)];
    table = openKeyTable(db.url);
  });
  afterAll(async () => {
    await table?.close();
    for (const app of apps ?? []) await app.close();
    await db?.drop();
  });

  it('never leaves an event sealed with a key that is not the stored one when two stores race', async () => {
    const subjects = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
    // Both stores look the person up (no key yet) before either commits, so both make a key.
    await Promise.all(subjects.flatMap((subject) => apps.map((app, side) => app.store.append(registered(`${subject}-on-${side}`, subject, `${subject} by ${side}`)))));
    const rows = await table.fetch(subjects);
    expect(rows.map((row) => row.subjectId).sort()).toEqual([...subjects].sort());
    const read = await freshNames(subjects.flatMap((subject) => [`${subject}-on-0`, `${subject}-on-1`]));
    expect(read.unreadable).toBe(0);
    expect(read.names).toEqual(subjects.flatMap((subject) => [`${subject} by 0`, `${subject} by 1`]));
  });

  it('leaves no key row for an append not written, and does not trust its key afterwards', async () => {
    const [first, second] = apps as [App, App];
    const refused = await first.store.append(registered('late', 'late', 'Never written', 3));
    expect(refused.status).toBe('conflict');
    expect(await table.fetch(['late'])).toEqual([]);
    // Another process makes the person's key; the first one's next write must seal with that one.
    expect((await second.store.append(registered('late', 'late', 'Late Registered'))).status).toBe('appended');
    const updated = await first.store.append({ streamId: 'late', streamType: 'User', expectedVersion: 1, events: [{ type: 'user_updated', data: { userId: 'late', name: 'Late Renamed' }, metadata: {} }] });
    expect(updated.status).toBe('appended');
    const read = await freshNames(['late']);
    expect(read.unreadable).toBe(0);
    expect(read.names).toEqual(['Late Registered', 'Late Renamed']);
  });

  it('never gives a forgotten person a key again', async () => {
    const [first, second] = apps as [App, App];
    expect((await first.store.append(registered('gone', 'gone', 'Gone Soon'))).status).toBe('appended');
    await first.store.append({ streamId: 'gone', streamType: 'User', expectedVersion: 1, events: [{ type: 'user_forgotten', data: { userId: 'gone' }, metadata: {} }] });
    // The first store forgot (it had the key cached); the second knows only the table (its next read would
    // learn of the forget from the epoch; a command always reads before it writes).
    second.privacy.keys.clear();
    for (const app of [first, second]) {
      await expect(app.store.append(registered('gone-again', 'gone', 'Back'))).rejects.toMatchObject({ code: 'FORGOTTEN' });
    }
    expect(await table.fetch(['gone'])).toMatchObject([{ subjectId: 'gone', wrappedKey: null }]);
  });

  it("stops another store's cached key from opening anything from its first read after a forget committed", async () => {
    const [first, second] = apps as [App, App];
    // Only the reads below may tell the second store anything (its log tailer would learn of the forget too).
    await second.tailer.stop();
    expect((await first.store.append(registered('warm', 'warm', 'Warm Cache'))).status).toBe('appended');
    expect((await second.store.readStream('warm')).map((event) => event.data.name)).toEqual(['Warm Cache']);
    const epochReads = second.privacy.keys.stats.epochReads;
    await first.store.append({ streamId: 'warm', streamType: 'User', expectedVersion: 1, events: [{ type: 'user_forgotten', data: { userId: 'warm' }, metadata: {} }] });
    expect((await second.store.readStream('warm')).map((event) => event.data.name ?? null)).toEqual([null, null]);
    expect((await second.store.readLog({ streamType: 'User', afterPosition: 0n, limit: 1000 })).filter((event) => event.streamId === 'warm').map((event) => event.data.name ?? null)).toEqual([null, null]);
    // The epoch came with the events each time: no statement of its own.
    expect(second.privacy.keys.stats.epochReads).toBe(epochReads);
  });

  it("seals again with the stored key an append that took a person with a key for a new one", async () => {
    const [first] = apps as [App, App];
    await first.tailer.stop(); // its reads would fetch keys too
    first.privacy.keys.clear();
    // racer-0 got a key in the race above, from events in other streams: their own stream is new.
    const fetches = first.privacy.keys.stats.fetches;
    expect((await first.store.append(registered('racer-0', 'racer-0', 'Racer Zero'))).status).toBe('appended');
    // No look-up first: the failed try's look-up found the stored key.
    expect(first.privacy.keys.stats.fetches - fetches).toBe(1);
    // A person who is new indeed costs no look-up at all.
    expect((await first.store.append(registered('brand-new', 'brand-new', 'Brand New'))).status).toBe('appended');
    expect(first.privacy.keys.stats.fetches - fetches).toBe(1);
    const read = await freshNames(['racer-0', 'racer-0-on-0']);
    expect(read.unreadable).toBe(0);
    expect(read.names).toEqual(['Racer Zero', 'racer-0 by 0']);
    expect((await freshNames(['brand-new'])).names).toEqual(['Brand New']);
  });
});
