/**
 * Crash safety under a steady write load: the server is killed with
 * SIGKILL (and on PostgreSQL the database is stopped the way a power cut
 * would stop it) while clients deposit and a subscriber tails the log.
 * After a restart:
 * - every command acknowledged to a client has its event exactly once;
 * - no command is half-applied (a recorded command id has its event, and
 *   an event with a command id has its record);
 * - commands whose outcome the client never learnt, retried with the same
 *   command id, land exactly once;
 * - read models agree with the log and their checkpoints are at its head;
 * - the subscriber resumes from its last position and sees every position
 *   exactly once, with no gap.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { openEventStore } from '../src/eventstore/open.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';

const projections = projectionsOf(modules);
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/private-postgres.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';
import { wsClient } from './helpers/ws.js';

const ACCOUNTS = 4;
const WRITERS = 8;
/** Acknowledged deposits to wait for before the crash (a count, not a time: a loaded machine is slower). */
const BEFORE_CRASH = 40;

type Outcome = 'acknowledged' | 'refused' | 'unknown';

async function deposit(url: string, account: number, commandId: string): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { deposit(input: {accountId: "crash-${account}", amount: "1.00", commandId: "${commandId}"}) { events { position } } }` }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { data?: { deposit?: unknown } };
    return body.data?.deposit ? 'acknowledged' : 'refused';
  } catch {
    // The connection broke: the command may or may not have committed.
    return 'unknown';
  }
}

/** Tails the whole log from `after`, remembering every position it is sent. */
function tail(client: Client, after: string, seen: bigint[]): () => void {
  return client.subscribe(
    { query: `subscription($after: String) { eventAppended(afterPosition: $after) { position } }`, variables: { after } },
    { next: (result) => result.data && seen.push(BigInt((result.data as any).eventAppended.position)), error: () => undefined, complete: () => undefined },
  );
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(backends)('crash safety on %s', (backend) => {
  let db: TestDatabase | undefined;
  let postgres: PrivatePostgres | undefined;
  const servers: ServerProcess[] = [];

  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await db?.drop();
    postgres?.destroy();
  });

  it('loses no acknowledged command, applies none by half, and subscribers resume without loss', async () => {
    let databaseUrl: string;
    if (backend === 'postgresql') {
      postgres = await startPrivatePostgres();
      databaseUrl = postgres.url;
    } else {
      db = await createDatabase('sqlite');
      databaseUrl = db.url;
    }
    const first = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
    servers.push(first);
    await ok(first.url, `mutation { registerUser(input: {userId: "crash-owner", email: "c@example.com", name: "C"}) { user { id } } }`);
    for (let i = 0; i < ACCOUNTS; i++) await ok(first.url, `mutation { openAccount(input: {accountId: "crash-${i}", ownerId: "crash-owner"}) { account { id } } }`);

    const seenBefore: bigint[] = [];
    const subscriber = wsClient(first.wsUrl);
    tail(subscriber, '0', seenBefore);

    // Writers deposit until their connection breaks.
    const outcomes = new Map<string, { account: number; outcome: Outcome }>();
    let stopAt = Number.POSITIVE_INFINITY;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let n = 0; Date.now() < stopAt; n++) {
        const commandId = `crash-w${writer}-${n}`;
        const account = (writer + n) % ACCOUNTS;
        const outcome = await deposit(first.url, account, commandId);
        outcomes.set(commandId, { account, outcome });
        if (outcome === 'unknown') return;
      }
    });
    const acknowledgedSoFar = () => [...outcomes.values()].filter(({ outcome }) => outcome === 'acknowledged').length;
    await until(() => acknowledgedSoFar() >= BEFORE_CRASH, 60_000, `${BEFORE_CRASH} acknowledged deposits`);
    first.child.kill('SIGKILL');
    postgres?.crash();
    await first.exited;
    stopAt = 0;
    await Promise.all(writers);
    await subscriber.dispose();
    postgres?.start();

    const acknowledged = [...outcomes].filter(([, { outcome }]) => outcome === 'acknowledged').map(([id]) => id);
    const unknown = [...outcomes].filter(([, { outcome }]) => outcome === 'unknown').map(([id]) => id);
    expect(acknowledged.length).toBeGreaterThan(20);
    expect([...outcomes.values()].some(({ outcome }) => outcome === 'refused')).toBe(false);

    const second = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
    servers.push(second);

    // Before any retry: acknowledged commands are there once, nothing is half-applied.
    const store = await openEventStore({ databaseUrl, projections });
    try {
      const readAll = async () => {
        const events = await store.readLog({ limit: 1_000_000 });
        const byCommand = new Map<string, number>();
        for (const event of events) {
          const commandId = event.metadata.commandId;
          if (typeof commandId === 'string') byCommand.set(commandId, (byCommand.get(commandId) ?? 0) + 1);
        }
        return { events, byCommand };
      };
      const afterCrash = await readAll();
      for (const id of acknowledged) expect(afterCrash.byCommand.get(id), id).toBe(1);
      for (const count of afterCrash.byCommand.values()) expect(count).toBe(1);
      const records = await store.client.processedCommand.findMany({ select: { commandId: true } });
      const recorded = new Set(records.map((record) => record.commandId));
      expect(recorded).toEqual(new Set(afterCrash.byCommand.keys()));
      // Positions have no gaps.
      expect(afterCrash.events.map((event) => event.position)).toEqual(afterCrash.events.map((_, i) => BigInt(i + 1)));

      // The client retries what it never heard back about, with the same command ids.
      for (const id of unknown) expect(await deposit(second.url, outcomes.get(id)!.account, id)).toBe('acknowledged');
      const final = await readAll();
      for (const id of [...acknowledged, ...unknown]) expect(final.byCommand.get(id), id).toBe(1);
      expect(final.byCommand.size).toBe(acknowledged.length + unknown.length);

      // Read models agree with the log, and their checkpoints are at its head.
      const head = await store.headPosition();
      for (const { name } of projections) expect(await store.projectionCheckpoint(name)).toBe(head);
      const fromLog = new Map<string, number>();
      for (const event of final.events) if (event.type === 'money_deposited') fromLog.set(event.streamId, (fromLog.get(event.streamId) ?? 0) + 1);
      const listed = await ok(second.url, `{ accounts(ownerId: "crash-owner", first: 10) { edges { node { id balance version } } } }`);
      for (const { node } of listed.accounts.edges) {
        const replayed = await ok(second.url, `query($id: ID!) { account(id: $id) { balance version } }`, { id: node.id });
        expect(replayed.account).toEqual({ balance: node.balance, version: node.version });
        expect(node.balance).toBe(`${fromLog.get(node.id) ?? 0}.00`);
      }

      // The subscriber resumes after the last position it saw and ends up with every position once.
      const last = seenBefore.at(-1) ?? 0n;
      const seenAfter: bigint[] = [];
      const resumed = wsClient(second.wsUrl);
      tail(resumed, last.toString(), seenAfter);
      await until(() => (seenAfter.at(-1) ?? last) >= head, 15_000, `the subscriber to reach ${head}`);
      await resumed.dispose();
      const all = [...seenBefore, ...seenAfter];
      expect(all).toEqual(Array.from({ length: Number(head) }, (_, i) => BigInt(i + 1)));
    } finally {
      await store.close();
    }
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
