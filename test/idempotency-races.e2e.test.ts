/**
 * A retry that races its original: two identical requests with one command id,
 * sent at once, must both answer what the first answered, whatever the command
 * (an opening, a withdrawal of everything, a command with an expected
 * version), in one process and across two processes on one PostgreSQL
 * database. And across processes, a refusal is never decided on a cache older
 * than the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { UNLIMITED, spawnServer, type ServerProcess } from './helpers/process.js';

const ROUNDS = 8;
const RESULT = `account { id balance version } events { id position type data metadata }`;

/** Sends the same mutation to two servers at once (or twice to one) and returns both answers. */
async function pair(urls: [string, string], mutation: string) {
  const [a, b] = await Promise.all(urls.map((url) => gql(url, `mutation { ${mutation} }`)));
  return [{ data: a!.data, errors: a!.errors }, { data: b!.data, errors: b!.errors }] as const;
}

/** Every case from the issue, ROUNDS times each: both answers of each pair must be the same success. */
async function raceEveryCase(urls: [string, string], tag: string) {
  await ok(urls[0], `mutation { registerUser(input: {userId: "racer-${tag}", email: "r@example.com", name: "R"}) { user { id } } }`);
  const answers: Array<{ name: string; first: unknown; second: unknown }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const id = `${tag}-${round}`;
    const [openA, openB] = await pair(urls, `openAccount(input: {accountId: "open-${id}", ownerId: "racer-${tag}", commandId: "open-${id}"}) { ${RESULT} }`);
    answers.push({ name: `open ${round}`, first: openA, second: openB });

    await ok(urls[0], `mutation { openAccount(input: {accountId: "wd-${id}", ownerId: "racer-${tag}", initialBalance: "100.00"}) { account { id } } }`);
    const [wdA, wdB] = await pair(urls, `withdraw(input: {accountId: "wd-${id}", amount: "100.00", commandId: "wd-${id}"}) { ${RESULT} }`);
    answers.push({ name: `withdraw ${round}`, first: wdA, second: wdB });

    await ok(urls[0], `mutation { openAccount(input: {accountId: "ev-${id}", ownerId: "racer-${tag}"}) { account { id } } }`);
    const [evA, evB] = await pair(urls, `deposit(input: {accountId: "ev-${id}", amount: "1.00", expectedVersion: 1, commandId: "ev-${id}"}) { ${RESULT} }`);
    answers.push({ name: `expectedVersion ${round}`, first: evA, second: evB });
  }
  const differing = answers.filter(({ first, second }) => JSON.stringify(first) !== JSON.stringify(second));
  expect(differing.map(({ name, first, second }) => ({ name, first, second }))).toEqual([]);
  for (const { name, first } of answers) expect((first as { errors?: unknown }).errors, name).toBeUndefined();
  // Each command landed once: the account opened once, the money moved once.
  for (let round = 0; round < ROUNDS; round++) {
    const data = await ok(urls[1], `{ a: account(id: "open-${tag}-${round}") { version } b: account(id: "wd-${tag}-${round}") { balance version } c: account(id: "ev-${tag}-${round}") { balance version } }`);
    expect(data).toEqual({ a: { version: 1 }, b: { balance: '0.00', version: 2 }, c: { balance: '1.00', version: 2 } });
  }
}

describe.each(backends)('concurrent repeats of a command id in one process on %s', (backend) => {
  let db: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ server } = await startTestServer(db.url));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers both requests of every pair with the first result', async () => {
    await raceEveryCase([server.url, server.url], 'one');
  });
});

describe.runIf(backends.includes('postgresql'))('two processes on one postgresql database', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    db = await createDatabase('postgresql');
    a = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
    b = await spawnServer({ DATABASE_URL: db.url, ...UNLIMITED });
  });
  afterAll(async () => {
    for (const server of [a, b]) {
      server?.child.kill('SIGTERM');
      await server?.exited;
    }
    await db?.drop();
  });

  it('answers a command sent to both processes at once with the first result on both', async () => {
    await raceEveryCase([a.url, b.url], 'two');
  });

  it('decides refusals on the log, not on a cache another process has moved past', async () => {
    await ok(a.url, `mutation { registerUser(input: {userId: "stale", email: "s@example.com", name: "Sam"}) { user { id } } }`);
    // A has the account in its cache at balance 0; B deposits.
    await ok(a.url, `mutation { openAccount(input: {accountId: "stale-1", ownerId: "stale"}) { account { id } } }`);
    await ok(b.url, `mutation { deposit(input: {accountId: "stale-1", amount: "100.00"}) { account { balance } } }`);
    const withdrawn = await gql(a.url, `mutation { withdraw(input: {accountId: "stale-1", amount: "50.00"}) { account { balance version } } }`);
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data?.withdraw.account).toEqual({ balance: '50.00', version: 3 });

    // A has looked for stale-2 (and found nothing); B opens it.
    expect((await ok(a.url, `{ account(id: "stale-2") { id } }`)).account).toBeNull();
    await ok(b.url, `mutation { openAccount(input: {accountId: "stale-2", ownerId: "stale"}) { account { id } } }`);
    const deposited = await gql(a.url, `mutation { deposit(input: {accountId: "stale-2", amount: "5.00"}) { account { balance version } } }`);
    expect(deposited.errors).toBeUndefined();
    expect(deposited.data?.deposit.account).toEqual({ balance: '5.00', version: 2 });

    // A no-op is an answer too: A has Sam in its cache; B renames him; A renames him back.
    expect((await ok(a.url, `{ user(id: "stale") { name } }`)).user.name).toBe('Sam');
    await ok(b.url, `mutation { updateUser(input: {userId: "stale", name: "Tom"}) { user { name } } }`);
    const renamed = await gql(a.url, `mutation { updateUser(input: {userId: "stale", name: "Sam"}) { user { name version } events { type } } }`);
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data?.updateUser).toEqual({ user: { name: 'Sam', version: 3 }, events: [{ type: 'user_updated' }] });
    expect((await ok(b.url, `{ user(id: "stale") { name version } }`)).user).toEqual({ name: 'Sam', version: 3 });
  });
});
