/**
 * kill -9 during a transfer storm: after a restart no half transfer exists
 * (every money_transferred_out has its money_transferred_in at the next
 * position), every acknowledged transfer is in the log exactly once, a
 * transfer whose outcome the client never learnt lands exactly once when
 * retried with its commandId, money is conserved, and the read models agree
 * with a replay of the log.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { accountDecider, type AccountState } from '../src/accounts/decider.js';
import type { AccountEvent } from '../src/accounts/events.js';
import type { Recorded } from '../src/domain/decider.js';
import { formatMoney } from '../src/domain/money.js';
import { openEventStore } from '../src/eventstore/open.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';

const ACCOUNTS = 6;
const WRITERS = 12;
const INITIAL = 1_000_00n;

type Outcome = 'acknowledged' | 'refused' | 'unknown';

async function transfer(url: string, from: number, to: number, commandId: string): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { transfer(input: {fromAccountId: "kill-${from}", toAccountId: "kill-${to}", amount: "1.00", commandId: "${commandId}"}) { transfer { id } } }`,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { data?: { transfer?: unknown } };
    return body.data?.transfer ? 'acknowledged' : 'refused';
  } catch {
    return 'unknown';
  }
}

describe.each(backends)('kill -9 during transfers on %s', (backend) => {
  let db: TestDatabase | undefined;
  const servers: ServerProcess[] = [];

  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await db?.drop();
  });

  it('leaves no half transfer, loses no acknowledged one, and lands retried ones once', async () => {
    db = await createDatabase(backend);
    const first = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    servers.push(first);
    await ok(first.url, `mutation { registerUser(input: {userId: "kill", email: "k@example.com", name: "K"}) { user { id } } }`);
    for (let i = 0; i < ACCOUNTS; i++) {
      await ok(first.url, `mutation { openAccount(input: {accountId: "kill-${i}", ownerId: "kill", initialBalance: "${formatMoney(INITIAL)}"}) { account { id } } }`);
    }

    const outcomes = new Map<string, { from: number; to: number; outcome: Outcome }>();
    let stop = false;
    let acknowledgedSoFar = 0;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let n = 0; !stop; n++) {
        const from = (writer + n) % ACCOUNTS;
        const to = (from + 1 + (n % (ACCOUNTS - 1))) % ACCOUNTS;
        const commandId = `kill-w${writer}-${n}`;
        const outcome = await transfer(first.url, from, to, commandId);
        outcomes.set(commandId, { from, to, outcome });
        if (outcome === 'acknowledged') acknowledgedSoFar++;
        if (outcome === 'unknown') return;
      }
    });
    // Kill once the storm is well under way (a condition, not a fixed sleep).
    const deadline = Date.now() + 30_000;
    while (acknowledgedSoFar < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await Promise.all(writers);

    const acknowledged = [...outcomes].filter(([, { outcome }]) => outcome === 'acknowledged').map(([id]) => id);
    const unknown = [...outcomes].filter(([, { outcome }]) => outcome === 'unknown');
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
    expect([...outcomes.values()].some(({ outcome }) => outcome === 'refused')).toBe(false);

    // Restart; retry every transfer whose outcome was never learnt, with its commandId.
    const second = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    servers.push(second);
    for (const [commandId, { from, to }] of unknown) expect(await transfer(second.url, from, to, commandId)).toBe('acknowledged');
    second.child.kill('SIGTERM');
    await second.exited;

    const store = await openEventStore({ databaseUrl: db.url, migrate: false });
    try {
      const log = await store.readLog({ afterPosition: 0n, limit: 100_000 });
      // No half transfer: each out is followed at the next position by its in, and each in follows its out.
      log.forEach((event, i) => {
        if (event.type === 'money_transferred_out') {
          const next = log[i + 1];
          expect([next?.type, next?.data.transferId, next?.position]).toEqual(['money_transferred_in', event.data.transferId, event.position + 1n]);
        }
        if (event.type === 'money_transferred_in') expect(log[i - 1]?.data.transferId).toBe(event.data.transferId);
      });
      // Every acknowledged or retried transfer exactly once.
      const byCommand = new Map<string, number>();
      for (const event of log) if (event.type === 'money_transferred_out') byCommand.set(String(event.metadata.commandId), (byCommand.get(String(event.metadata.commandId)) ?? 0) + 1);
      for (const commandId of [...acknowledged, ...unknown.map(([id]) => id)]) expect([commandId, byCommand.get(commandId)]).toEqual([commandId, 1]);
      expect([...byCommand.values()].every((count) => count === 1)).toBe(true);
      // Money conserved; the read model agrees with a replay of each stream.
      let total = 0n;
      for (let i = 0; i < ACCOUNTS; i++) {
        let state: AccountState = accountDecider.initialState;
        for (const event of await store.readStream(`kill-${i}`)) state = accountDecider.evolve(state, event as unknown as Recorded<AccountEvent>);
        const balance = state.status === 'none' ? 0n : state.balance;
        expect(balance).toBeGreaterThanOrEqual(0n);
        const row = await store.client.accountReadModel.findUnique({ where: { accountId: `kill-${i}` } });
        expect(row?.balance).toBe(balance);
        total += balance;
      }
      expect(total).toBe(INITIAL * BigInt(ACCOUNTS));
    } finally {
      await store.close();
    }
  }, 120_000);
});
