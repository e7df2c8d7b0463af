/**
 * The store with the app's catalog, on every backend: a module's stream type
 * takes only the event types that module declares, at their current schema
 * version; a refused event fails its whole append and nothing is written.
 * Stream types no module owns take anything (generic use of the store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOf, projectionsOf } from '../src/app.js';
import { DomainError } from '../src/domain/errors.js';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import type { NewEvent } from '../src/eventstore/types.js';
import { modules } from '../src/modules.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const created = (accountId: string): NewEvent => ({ type: 'account_created', data: { accountId, ownerId: 'o', currency: 'USD', initialBalance: '0.00' }, metadata: {} });
const deposited = (accountId: string, schemaVersion?: number): NewEvent => ({
  type: 'money_deposited',
  data: { accountId, amount: '1.00', reference: null },
  metadata: {},
  ...(schemaVersion === undefined ? {} : { schemaVersion }),
});

describe.each(backends)('event types checked on append on %s', (backend) => {
  let db: TestDatabase;
  let store: PrismaEventStore;
  const refusal = (events: NewEvent[], streamId = 'acc', expectedVersion: 'any' | 'no_stream' = 'any') =>
    store.append({ streamId, streamType: 'BankAccount', expectedVersion, events }).then(
      () => undefined,
      (error: unknown) => error,
    );

  beforeAll(async () => {
    db = await createDatabase(backend);
    store = await openEventStore({ databaseUrl: db.url, projections: projectionsOf(modules), schemas: catalogOf(modules) });
    expect(await store.append({ streamId: 'acc', streamType: 'BankAccount', expectedVersion: 'no_stream', events: [created('acc')] })).toMatchObject({ status: 'appended' });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("refuses another module's event type, or an undeclared one, on an account stream, writing nothing", async () => {
    const head = await store.headPosition();
    const userEvent: NewEvent = { type: 'user_registered', data: { userId: 'u', email: 'u@example.com', name: 'U' }, metadata: {} };
    const unknown: NewEvent = { type: 'money_gifted', data: { accountId: 'acc', amount: '1.00' }, metadata: {} };
    for (const events of [[userEvent], [unknown], [deposited('acc'), unknown], [deposited('acc'), userEvent]]) {
      const error = await refusal(events);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { eventType: events.at(-1)!.type } });
    }
    // A new stream is not created by a refused append either.
    expect(await refusal([userEvent], 'acc-new', 'no_stream')).toBeInstanceOf(DomainError);
    expect(await store.headPosition()).toBe(head);
    expect(await store.readStream('acc-new')).toEqual([]);
    expect((await store.readStream('acc')).map((event) => event.type)).toEqual(['account_created']);
  });

  it('refuses a caller-supplied schema version other than the current one, writing nothing', async () => {
    const head = await store.headPosition();
    const current = catalogOf(modules).versionOf('money_deposited');
    expect(current).toBe(2);
    for (const version of [1, 3, 0]) {
      const error = await refusal([deposited('acc', version)]);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { eventType: 'money_deposited' } });
      expect((error as Error).message).toMatch(new RegExp(`schema version ${version} is not its current version 2`));
    }
    expect(await store.headPosition()).toBe(head);
    // The current version, given or left out, is written.
    const written = await store.append({ streamId: 'acc', streamType: 'BankAccount', expectedVersion: 'any', events: [deposited('acc', 2), deposited('acc')] });
    expect(written).toMatchObject({ status: 'appended', version: 3 });
    expect((await store.readStream('acc', { afterVersion: 1 })).map((event) => [event.type, event.storedSchemaVersion])).toEqual([
      ['money_deposited', 2],
      ['money_deposited', 2],
    ]);
  });

  it('refuses only the bad append of several submitted together', async () => {
    const [bad, good] = await Promise.allSettled([
      store.append({ streamId: 'acc', streamType: 'BankAccount', expectedVersion: 'any', events: [deposited('acc', 1)] }),
      store.append({ streamId: 'acc', streamType: 'BankAccount', expectedVersion: 'any', events: [deposited('acc')] }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: { status: 'appended', version: 4 } });
  });

  it('passes anything on a stream type no module owns, at the schema version given', async () => {
    const result = await store.append({
      streamId: 'widget-1',
      streamType: 'Widget',
      expectedVersion: 'no_stream',
      events: [
        { type: 'widget_made', data: { size: 3 }, metadata: {} },
        { type: 'widget_painted', data: { colour: 'red' }, metadata: {}, schemaVersion: 4 },
      ],
    });
    expect(result).toMatchObject({ status: 'appended', version: 2 });
    expect((await store.readStream('widget-1')).map((event) => [event.type, event.schemaVersion])).toEqual([
      ['widget_made', 1],
      ['widget_painted', 4],
    ]);
  });
});
