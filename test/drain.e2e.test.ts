/**
 * SIGTERM drains: /readyz answers 503 and new work SERVICE_UNAVAILABLE while
 * in-flight requests finish and answer; then the process exits 0, or 1 once
 * SHUTDOWN_TIMEOUT_MS has passed. A client whose connection broke during the
 * drain retries with the same commandId against the next process and every
 * command lands exactly once.
 */
import { request, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../src/eventstore/open.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { until } from './helpers/deadline.js';
import { gql, ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';
import { connectRaw } from './helpers/ws.js';

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

const depositBody = (commandId: string) =>
  JSON.stringify({ query: `mutation { deposit(input: {accountId: "da", amount: "1", commandId: "${commandId}"}) { events { version } } }` });

interface Held {
  readonly request: ClientRequest;
  /** Sends the rest of the body; resolves with the answer. */
  finish(): Promise<{ status: number; body: any }>;
}

/**
 * A deposit whose body is held back. `Expect: 100-continue` makes the server
 * acknowledge that it has taken the request in (100 Continue) before the
 * body is sent, so the request is known to be in flight.
 */
function heldDeposit(url: string, commandId: string): Promise<Held> {
  const body = depositBody(commandId);
  return new Promise((admitted, failed) => {
    const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', (error) => {
        reject(error);
        failed(error);
      });
      req.on('continue', () => admitted({ request: req, finish: () => (req.end(body), answer) }));
      req.flushHeaders();
    });
    answer.catch(() => undefined);
  });
}

const readiness = async (url: string) => (await fetch(url.replace('/graphql', '/readyz'))).status;

async function setUp(server: ServerProcess): Promise<void> {
  await ok(server.url, `mutation { registerUser(input: {userId: "d", email: "d@example.com", name: "D"}) { user { id } } }`);
  await ok(server.url, `mutation { openAccount(input: {accountId: "da", ownerId: "d"}) { account { id } } }`);
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
    await setUp(first);

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

  it('answers 503 to new work and on /readyz while an in-flight request finishes, then exits 0', async () => {
    const drainDb = await createDatabase(backend);
    // As deployments run it: outside NODE_ENV=test, Apollo would also stop the server on SIGTERM by itself.
    const server = await spawnServer({ DATABASE_URL: drainDb.url, NODE_ENV: 'production' });
    try {
      await setUp(server);
      const held = await heldDeposit(server.url, 'held');
      expect(await readiness(server.url)).toBe(200);
      server.child.kill('SIGTERM');
      await until('/readyz to answer 503', async () => (await readiness(server.url)) === 503);
      const refused = await gql(server.url, `mutation { deposit(input: {accountId: "da", amount: "1", commandId: "late"}) { events { version } } }`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('connection')).toBe('close');
      expect(refused.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      expect(await connectRaw(server.wsUrl)).toMatchObject({ acked: false, code: 503 });
      // The drain waits for the held request: the process is still there.
      expect(server.child.exitCode).toBeNull();
      const answer = await held.finish();
      expect(answer.status).toBe(200);
      expect(answer.body.data.deposit.events).toEqual([{ version: 2 }]);
      expect(await server.exited).toBe(0);
      // main.ts logs "stopped" only once the app, and with it the store, has closed.
      expect(server.output()).toContain('"msg":"stopped"');
      const store = await openEventStore({ databaseUrl: drainDb.url, migrate: false });
      try {
        expect((await store.readStream('da')).map((event) => event.metadata.commandId ?? null)).toEqual([null, 'held']);
      } finally {
        await store.close();
      }
    } finally {
      server.child.kill('SIGKILL');
      await drainDb.drop();
    }
  });

  it('gives up when SHUTDOWN_TIMEOUT_MS has passed with a request still in flight', async () => {
    const drainDb = await createDatabase(backend);
    const timeoutMs = 4_000; // room for /readyz to be seen answering 503 on a loaded machine before the exit
    const server = await spawnServer({ DATABASE_URL: drainDb.url, SHUTDOWN_TIMEOUT_MS: String(timeoutMs), NODE_ENV: 'production' });
    try {
      await setUp(server);
      const held = await heldDeposit(server.url, 'never-finished');
      held.request.on('error', () => undefined);
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      await until('/readyz to answer 503', async () => (await readiness(server.url)) === 503);
      expect(await server.exited).toBe(1);
      const waited = Date.now() - signalled;
      expect(waited).toBeGreaterThanOrEqual(timeoutMs - 100);
      expect(waited).toBeLessThan(timeoutMs + 10_000);
      expect(server.output()).toContain('drain timed out');
      held.request.destroy();
    } finally {
      server.child.kill('SIGKILL');
      await drainDb.drop();
    }
  });
});
