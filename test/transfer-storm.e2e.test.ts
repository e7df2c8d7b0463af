/**
 * A storm of transfers over HTTP: 1,024 random commands (transfers mixed with
 * deposits and withdrawals) among 20 accounts from 32 concurrent clients,
 * against real server processes: on PostgreSQL two processes on one
 * database, clients spread over both, with subscribers on both; on SQLite
 * one process. Money is conserved exactly, no balance is ever negative at
 * any version, every acknowledged transfer is in both streams once (its two
 * events adjacent in the log), every subscriber sees each transfer's two
 * events adjacent with no gap or duplicate, and replaying each stream from
 * scratch gives the read models' balances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { accountDecider, type AccountState } from '../src/accounts/decider.js';
import type { AccountEvent } from '../src/accounts/events.js';
import type { Recorded } from '../src/domain/decider.js';
import { formatMoney } from '../src/domain/money.js';
import { openEventStore } from '../src/eventstore/open.js';
import type { StoredEvent } from '../src/eventstore/types.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql, ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';
import { collect, type Collected } from './helpers/subscribe.js';
import { wsClient } from './helpers/ws.js';

const ACCOUNTS = 20;
const CLIENTS = 32;
const EACH = 32;
const INITIAL = 100_00n;

type Seen = { position: string; streamId: string; type: string; transferId: string | null };
const EVENTS = `subscription($after: String) { eventAppended(afterPosition: $after) { position streamId type data } }`;
const seen = (data: any): Seen => ({
  position: data.eventAppended.position,
  streamId: data.eventAppended.streamId,
  type: data.eventAppended.type,
  transferId: data.eventAppended.data.transferId ?? null,
});

/** Every out is followed at the next position by its in (same transfer), and every in follows its out. */
function expectTransfersAdjacent(events: readonly Seen[]): void {
  events.forEach((event, i) => {
    if (event.type === 'money_transferred_out') {
      const next = events[i + 1];
      expect(next && [next.type, next.transferId, BigInt(next.position)]).toEqual(['money_transferred_in', event.transferId, BigInt(event.position) + 1n]);
    }
    if (event.type === 'money_transferred_in') expect(events[i - 1]?.transferId).toBe(event.transferId);
  });
}

describe.each(backends)('a transfer storm on %s', (backend) => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  const clients: Client[] = [];
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `storm-${i}`);

  beforeAll(async () => {
    db = await createDatabase(backend);
    const first = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    servers = backend === 'postgresql' ? [first, await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED })] : [first];
    await ok(first.url, `mutation { registerUser(input: {userId: "storm", email: "storm@example.com", name: "Storm"}) { user { id } } }`);
    for (const id of ids) {
      await ok(first.url, `mutation($id: ID!, $b: Decimal!) { openAccount(input: {accountId: $id, ownerId: "storm", initialBalance: $b}) { account { id } } }`, {
        id,
        b: formatMoney(INITIAL),
      });
    }
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await db?.drop();
  });

  it('conserves money, never goes negative, and lands every transfer whole, seen whole by every subscriber', async () => {
    const start = (await ok(servers[0]!.url, `{ events(last: 1) { edges { cursor } } }`)).events.edges[0].cursor as string;
    // Subscribers on every process, from before the storm.
    const subscribers: Array<Collected<Seen>> = servers.map((server) => {
      const client = wsClient(server.wsUrl);
      clients.push(client);
      return collect(client, EVENTS, seen, { after: start });
    });

    let random = 42;
    const next = () => (random = (random * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const acknowledged = new Set<string>();
    let deposited = 0n;
    let withdrawn = 0n;
    const unexpected: unknown[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const url = servers[c % servers.length]!.url;
        for (let i = 0; i < EACH; i++) {
          const roll = next();
          const cents = BigInt(1 + Math.floor(next() * 6000));
          const amount = formatMoney(cents);
          const from = ids[Math.floor(next() * ACCOUNTS)]!;
          let to = ids[Math.floor(next() * ACCOUNTS)]!;
          if (to === from) to = ids[(ids.indexOf(from) + 1) % ACCOUNTS]!;
          if (roll < 0.8) {
            const result = await gql(url, `mutation($i: TransferInput!) { transfer(input: $i) { transfer { id } } }`, { i: { fromAccountId: from, toAccountId: to, amount } });
            if (result.data?.transfer) acknowledged.add(result.data.transfer.transfer.id);
            else if (result.errors?.[0]?.extensions?.code !== 'INSUFFICIENT_FUNDS') unexpected.push(result.errors);
          } else if (roll < 0.9) {
            const result = await gql(url, `mutation($id: ID!, $a: Decimal!) { deposit(input: {accountId: $id, amount: $a}) { account { id } } }`, { id: from, a: amount });
            if (result.data?.deposit) deposited += cents;
            else unexpected.push(result.errors);
          } else {
            const result = await gql(url, `mutation($id: ID!, $a: Decimal!) { withdraw(input: {accountId: $id, amount: $a}) { account { id } } }`, { id: from, a: amount });
            if (result.data?.withdraw) withdrawn += cents;
            else if (result.errors?.[0]?.extensions?.code !== 'INSUFFICIENT_FUNDS') unexpected.push(result.errors);
          }
        }
      }),
    );
    expect(unexpected).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(300);

    // Money is conserved exactly: the read model's balances add up to what came in minus what went out.
    const listed = (await ok(servers[0]!.url, `{ accounts(ownerId: "storm", first: 100) { edges { node { id balance } } } }`)).accounts.edges.map(
      (edge: { node: { id: string; balance: string } }) => edge.node,
    );
    const total = listed.reduce((sum: bigint, account: { balance: string }) => sum + BigInt(account.balance.replace('.', '')), 0n);
    expect(total).toBe(INITIAL * BigInt(ACCOUNTS) + deposited - withdrawn);

    // Replayed from scratch, each stream gives the read model's balance and is never negative at any version.
    const store = await openEventStore({ databaseUrl: db.url, migrate: false });
    let log: StoredEvent[] = [];
    try {
      for (const { id, balance } of listed) {
        let state: AccountState = accountDecider.initialState;
        for (const event of await store.readStream(id)) {
          state = accountDecider.evolve(state, event as unknown as Recorded<AccountEvent>);
          if (state.status !== 'none' && state.balance < 0n) throw new Error(`${id} went negative at version ${event.version}`);
        }
        expect(state.status !== 'none' && formatMoney(state.balance)).toBe(balance);
      }
      for (let after = BigInt(start); ; ) {
        const page = await store.readLog({ afterPosition: after, limit: 5000 });
        if (page.length === 0) break;
        log = log.concat(page);
        after = page[page.length - 1]!.position;
      }
    } finally {
      await store.close();
    }

    // Every acknowledged transfer is in both streams once, its two events adjacent; no half transfer exists.
    const inLog: Seen[] = log.map((e) => ({ position: String(e.position), streamId: e.streamId, type: e.type, transferId: (e.data.transferId as string | undefined) ?? null }));
    expectTransfersAdjacent(inLog);
    const outs = inLog.filter((e) => e.type === 'money_transferred_out').map((e) => e.transferId);
    const ins = inLog.filter((e) => e.type === 'money_transferred_in').map((e) => e.transferId);
    expect(new Set(outs).size).toBe(outs.length);
    expect(new Set(outs)).toEqual(acknowledged);
    expect(new Set(ins)).toEqual(acknowledged);

    // Every subscriber on every process saw the log as it is: no gap, no duplicate, pairs adjacent.
    for (const subscriber of subscribers) {
      const items = await subscriber.waitFor(inLog.length, 60_000);
      subscriber.stop();
      expect(items.map((item) => item.position)).toEqual(inLog.map((e) => e.position));
      expectTransfersAdjacent(items);
    }
  }, 240_000);
});
