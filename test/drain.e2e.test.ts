/**
 * SIGTERM drains: no new work, in-flight commands finish and answer, the
 * process exits cleanly. A client whose connection broke during the drain
 * retries with the same commandId against the next process and every command
 * lands exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer } from './helpers/process.js';

type Outcome = 'acknowledged' | 'refused' | 'transport-error';

function send(url: string, i: number): Promise<Outcome> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation { deposit(input: {accountId: "da", amount: "1", commandId: "drain-${i}"}) { events { version } } }` }),
  }).then(
    async (response) => ((await response.json()) as { data?: { deposit?: unknown } }).data?.deposit ? 'acknowledged' : 'refused',
    () => 'transport-error',
  );
}

describe.each(backends)('graceful shutdown on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase(backend);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finishes in-flight commands, and retried commands land exactly once', async () => {
    const first = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    await ok(first.url, `mutation { registerUser(input: {userId: "d", email: "d@example.com", name: "D"}) { user { id } } }`);
    await ok(first.url, `mutation { openAccount(input: {accountId: "da", ownerId: "d"}) { account { id } } }`);

    const total = 200;
    let settled = 0;
    const outcomes = Array.from({ length: total }, (_, i) => send(first.url, i).finally(() => settled++));
    // Signal while requests are still arriving and running.
    while (settled < 20) await new Promise((resolve) => setTimeout(resolve, 2));
    first.child.kill('SIGTERM');
    const results = await Promise.all(outcomes);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"draining"');
    const acknowledged = results.flatMap((outcome, i) => (outcome === 'acknowledged' ? [`drain-${i}`] : []));
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);

    const store = await openEventStore({ databaseUrl: db.url, migrate: false });
    const logged = async () => (await store.readStream('da')).filter((e) => e.type === 'money_deposited').map((e) => e.metadata.commandId as string);
    try {
      const afterDrain = await logged();
      expect(new Set(afterDrain).size).toBe(afterDrain.length);
      // Every acknowledged command is in the log; anything else in it was cut off at the transport, never refused.
      for (const id of acknowledged) expect(afterDrain).toContain(id);
      for (const id of afterDrain) expect(results[Number(id.slice('drain-'.length))]).not.toBe('refused');
    } finally {
      await store.close();
    }

    // The clients retry whatever was not acknowledged, with the same command ids, on a new process.
    const second = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    const retried = await Promise.all(results.map((outcome, i) => (outcome === 'acknowledged' ? outcome : send(second.url, i))));
    expect(retried.every((outcome) => outcome === 'acknowledged')).toBe(true);
    const account = await ok(second.url, `{ account(id: "da") { balance version } }`);
    expect(account.account).toEqual({ balance: `${total}.00`, version: total + 1 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
