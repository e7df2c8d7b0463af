/**
 * Subscriptions across server processes. PostgreSQL: writes go to process A
 * while subscribers listen on process B. SQLite serves one process per file,
 * so there A and B are the same process; the rest is the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';
import { wsClient } from './helpers/ws.js';
import { collect, logPositions, strictlyIncreasing } from './helpers/subscribe.js';

const EVENTS = `subscription($after: String) { eventAppended(afterPosition: $after) { position } }`;
const position = (data: any) => data.eventAppended.position as string;

describe.each(backends)('subscriptions across processes on %s', (backend) => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  const clients: Client[] = [];

  const write = (writers: number, each: number) =>
    Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < each; i++) await ok(a.url, `mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1"}) { account { id } } }`, { id: `mp-${w}` });
      }),
    );
  const subscriber = () => {
    const client = wsClient(b.wsUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createDatabase(backend);
    a = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    b = backend === 'postgresql' ? await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED }) : a;
    await ok(a.url, `mutation { registerUser(input: {userId: "mp", email: "mp@example.com", name: "MP"}) { user { id } } }`);
    for (let w = 0; w < 8; w++) await ok(a.url, `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "mp"}) { account { id } } }`, { id: `mp-${w}` });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    for (const server of new Set([a, b])) {
      server?.child.kill('SIGTERM');
      await server?.exited;
    }
    await db?.drop();
  });

  it('delivers writes made through A to subscribers on B, in order, none missing or repeated', async () => {
    const start = (await logPositions(a.url, '0')).at(-1)!;
    const live = collect(subscriber(), EVENTS, position, { after: start });
    await write(8, 10);
    const items = await live.waitFor(80);
    live.stop();
    expect(strictlyIncreasing(items)).toBe(true);
    expect(items).toEqual(await logPositions(b.url, start));
  });

  it('catches up on B from an old position while A keeps writing', async () => {
    const writing = write(8, 10);
    const catchUp = collect(subscriber(), EVENTS, position, { after: '3' });
    await writing;
    const expected = await logPositions(a.url, '3');
    const items = await catchUp.waitFor(expected.length);
    catchUp.stop();
    expect(items).toEqual(expected);
  });

  it('resumes from the last position seen after B restarts, missing nothing', async () => {
    const start = (await logPositions(a.url, '0')).at(-1)!;
    const before = collect(subscriber(), EVENTS, position, { after: start });
    // On SQLite these writes fail once B (the only process) stops: that is expected, so handle it at once.
    const writing = write(8, 6).catch(() => undefined);
    const seen = [...(await before.waitFor(10))];
    // B goes away mid-stream (on SQLite that is the only process: writes pause with it).
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await writing;
    b = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    if (backend === 'sqlite') a = b;
    else await write(8, 2);
    const resumed = collect(subscriber(), EVENTS, position, { after: seen.at(-1) });
    await write(2, 2);
    const expected = await logPositions(a.url, start);
    const rest = await resumed.waitFor(expected.length - seen.length);
    resumed.stop();
    expect([...seen, ...rest]).toEqual(expected);
  });
});
