/** The GraphQL contract over real HTTP, on every backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { errorCode, gql, ok } from './helpers/graphql.js';

const REGISTER = `mutation($input: RegisterUserInput!) { registerUser(input: $input) { user { id email name version } events { id streamId streamType type version position data metadata timestamp } } }`;
const OPEN = `mutation($input: OpenAccountInput!) { openAccount(input: $input) { account { id ownerId balance currency isActive createdAt version } events { type version position data metadata timestamp } } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { account { id balance version } events { id type version position data metadata timestamp } } }`;
const WITHDRAW = `mutation($input: WithdrawInput!) { withdraw(input: $input) { account { balance version } events { type data } } }`;
const CLOSE = `mutation($input: CloseAccountInput!) { closeAccount(input: $input) { account { isActive balance version } events { type } } }`;
const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { email name version } events { type data } } }`;

describe.each(backends)('GraphQL over HTTP on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  let url: string;
  const head = async () => (await app.store.headPosition()).toString();

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url, { MAX_PAGE_SIZE: '50' }));
    url = server.url;
    await ok(url, REGISTER, { input: { userId: 'ann', email: 'ann@example.com', name: 'Ann' } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('registers users and opens accounts, returning state and events', async () => {
    const generated = await ok(url, REGISTER, { input: { email: 'bob@example.com', name: 'Bob', commandId: 'reg-bob' } });
    const { user, events } = generated.registerUser;
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ streamId: user.id, streamType: 'User', type: 'user_registered', version: 1, metadata: { commandId: 'reg-bob' } });
    expect(events[0].position).toMatch(/^\d+$/);
    expect(new Date(events[0].timestamp).toISOString()).toBe(events[0].timestamp);

    const opened = await ok(url, OPEN, { input: { accountId: 'acc-1', ownerId: 'ann', initialBalance: '100.5', currency: 'EUR' } });
    expect(opened.openAccount.account).toMatchObject({ id: 'acc-1', ownerId: 'ann', balance: '100.50', currency: 'EUR', isActive: true, version: 1 });
    expect(opened.openAccount.events[0]).toMatchObject({ type: 'account_created', data: { initialBalance: '100.50', currency: 'EUR', ownerId: 'ann' } });
    expect(opened.openAccount.account.createdAt).toBe(opened.openAccount.events[0].timestamp);
    const defaults = await ok(url, OPEN, { input: { ownerId: 'ann' } });
    expect(defaults.openAccount.account).toMatchObject({ balance: '0.00', currency: 'USD' });
  });

  it('deposits and withdraws exact amounts', async () => {
    await ok(url, OPEN, { input: { accountId: 'acc-2', ownerId: 'ann' } });
    const d = await ok(url, DEPOSIT, { input: { accountId: 'acc-2', amount: '0.10', description: 'ten cents' } });
    await ok(url, DEPOSIT, { input: { accountId: 'acc-2', amount: '0.20' } });
    expect(d.deposit.events[0]).toMatchObject({ type: 'money_deposited', version: 2, data: { amount: '0.10', description: 'ten cents' } });
    const w = await ok(url, WITHDRAW, { input: { accountId: 'acc-2', amount: '0.3' } });
    expect(w.withdraw.account).toEqual({ balance: '0.00', version: 4 });
    expect(w.withdraw.events[0]).toEqual({ type: 'money_withdrawn', data: { accountId: 'acc-2', amount: '0.30', reference: null } });
    const closed = await ok(url, CLOSE, { input: { accountId: 'acc-2' } });
    expect(closed.closeAccount).toEqual({ account: { isActive: false, balance: '0.00', version: 5 }, events: [{ type: 'account_closed' }] });
  });

  it('rejects malformed and non-positive amounts with BAD_USER_INPUT, appending nothing', async () => {
    const before = await head();
    for (const amount of ['abc', '1e3', '0.001', '', '12.345', '-1', '0', '0.00']) {
      expect(await errorCode(url, DEPOSIT, { input: { accountId: 'acc-1', amount } }), amount).toBe('BAD_USER_INPUT');
    }
    // JSON numbers are not decimal text.
    expect(await errorCode(url, DEPOSIT, { input: { accountId: 'acc-1', amount: 12.5 } })).toBe('BAD_USER_INPUT');
    // The same in a literal.
    expect(await errorCode(url, `mutation { deposit(input: {accountId: "acc-1", amount: "1e3"}) { account { id } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, `mutation { withdraw(input: {accountId: "acc-1", amount: "0.001"}) { account { id } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, OPEN, { input: { ownerId: 'ann', initialBalance: '-5' } })).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, OPEN, { input: { ownerId: 'ann', currency: 'usd' } })).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, REGISTER, { input: { email: 'not-an-email', name: 'X' } })).toBe('BAD_USER_INPUT');
    expect(await head()).toBe(before);
  });

  it('answers each domain failure with its code', async () => {
    await ok(url, OPEN, { input: { accountId: 'acc-3', ownerId: 'ann', initialBalance: '10' } });
    const before = await head();
    expect(await errorCode(url, DEPOSIT, { input: { accountId: 'missing', amount: '1' } })).toBe('NOT_FOUND');
    expect(await errorCode(url, OPEN, { input: { ownerId: 'nobody' } })).toBe('NOT_FOUND');
    expect(await errorCode(url, UPDATE, { input: { userId: 'nobody', name: 'X' } })).toBe('NOT_FOUND');
    expect(await errorCode(url, OPEN, { input: { accountId: 'acc-3', ownerId: 'ann' } })).toBe('ALREADY_EXISTS');
    expect(await errorCode(url, REGISTER, { input: { userId: 'ann', email: 'a@b.co', name: 'A' } })).toBe('ALREADY_EXISTS');
    expect(await errorCode(url, WITHDRAW, { input: { accountId: 'acc-3', amount: '10.01' } })).toBe('INSUFFICIENT_FUNDS');
    expect(await errorCode(url, CLOSE, { input: { accountId: 'acc-3' } })).toBe('BAD_USER_INPUT');
    const conflict = await gql(url, DEPOSIT, { input: { accountId: 'acc-3', amount: '1', expectedVersion: 5 } });
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ code: 'CONCURRENCY_CONFLICT', expectedVersion: 5, actualVersion: 1 });
    expect(conflict.data).toBeNull();
    expect(await head()).toBe(before);
    await ok(url, WITHDRAW, { input: { accountId: 'acc-3', amount: '10', expectedVersion: 1 } });
    await ok(url, CLOSE, { input: { accountId: 'acc-3', expectedVersion: 2 } });
    expect(await errorCode(url, DEPOSIT, { input: { accountId: 'acc-3', amount: '1' } })).toBe('ACCOUNT_CLOSED');
    expect(await errorCode(url, WITHDRAW, { input: { accountId: 'acc-3', amount: '1' } })).toBe('ACCOUNT_CLOSED');
  });

  it('returns the original payload for a repeated commandId and appends nothing', async () => {
    await ok(url, OPEN, { input: { accountId: 'acc-idem', ownerId: 'ann' } });
    const first = await ok(url, DEPOSIT, { input: { accountId: 'acc-idem', amount: '5.00', commandId: 'idem-1' } });
    const before = await head();
    const again = await ok(url, DEPOSIT, { input: { accountId: 'acc-idem', amount: '5.00', commandId: 'idem-1' } });
    expect(again).toEqual(first);
    expect(await head()).toBe(before);
    const updated = await ok(url, UPDATE, { input: { userId: 'ann', name: 'Ann B', commandId: 'upd-1' } });
    expect(await ok(url, UPDATE, { input: { userId: 'ann', name: 'Ann B', commandId: 'upd-1' } })).toEqual(updated);
    expect(updated.updateUser.events).toEqual([{ type: 'user_updated', data: { userId: 'ann', name: 'Ann B' } }]);
  });

  it('lands every one of many concurrent deposits exactly once', async () => {
    await ok(url, OPEN, { input: { accountId: 'acc-busy', ownerId: 'ann' } });
    const results = await Promise.all(Array.from({ length: 40 }, () => gql(url, DEPOSIT, { input: { accountId: 'acc-busy', amount: '1.25' } })));
    expect(results.filter((r) => r.errors)).toEqual([]);
    const { account } = await ok(url, `{ account(id: "acc-busy") { balance version } }`);
    expect(account).toEqual({ balance: '50.00', version: 41 });
    const versions = results.map((r) => r.data!.deposit.events[0].version).sort((a: number, b: number) => a - b);
    expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
  });

  it('travels in time by version and by timestamp', async () => {
    const opened = await ok(url, OPEN, { input: { accountId: 'acc-tt', ownerId: 'ann', initialBalance: '1' } });
    const createdAt = opened.openAccount.events[0].timestamp;
    await new Promise((resolve) => setTimeout(resolve, 10));
    await ok(url, DEPOSIT, { input: { accountId: 'acc-tt', amount: '2' } });
    await ok(url, DEPOSIT, { input: { accountId: 'acc-tt', amount: '3' } });
    const q = `query($v: Int, $t: DateTime) { account(id: "acc-tt", version: $v, asOf: $t) { balance version events { edges { node { version } } } } }`;
    expect((await ok(url, q, { v: 1 })).account).toEqual({ balance: '1.00', version: 1, events: { edges: [{ node: { version: 1 } }] } });
    expect((await ok(url, q, { v: 2 })).account.balance).toBe('3.00');
    expect((await ok(url, q, {})).account.balance).toBe('6.00');
    expect((await ok(url, q, { t: createdAt })).account.balance).toBe('1.00');
    expect((await ok(url, q, { t: new Date(Date.parse(createdAt) - 1).toISOString() })).account).toBeNull();
    expect((await ok(url, q, { t: new Date(Date.now() + 60_000).toISOString() })).account.balance).toBe('6.00');
    for (const variables of [{ v: 0 }, { v: -1 }, { v: 4 }, { v: 1, t: createdAt }]) expect(await errorCode(url, q, variables)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, q, { t: 'yesterday' })).toBe('BAD_USER_INPUT');
    expect((await ok(url, `{ account(id: "nope") { id } user(id: "nope") { id } }`))).toEqual({ account: null, user: null });
    expect((await ok(url, `{ user(id: "ann", version: 1) { name version } }`)).user).toEqual({ name: 'Ann', version: 1 });
    // A user id is not an account.
    expect((await ok(url, `{ account(id: "ann") { id } }`)).account).toBeNull();
  });

  it('pages backwards from the newest events with last and before', async () => {
    const total = Number(await head());
    const newest = (await ok(url, `{ events(last: 3) { edges { node { position } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } }`)).events;
    expect(newest.edges.map((e: any) => Number(e.node.position))).toEqual([total - 2, total - 1, total]);
    expect(newest.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false, startCursor: String(total - 2), endCursor: String(total) });
    // Walk back to the start: every position once, in order.
    const seen: number[] = [];
    let before: string | null = null;
    for (;;) {
      const page: any = (await ok(url, `query($b: String) { events(last: 4, before: $b) { edges { node { position } } pageInfo { hasPreviousPage startCursor } } }`, { b: before })).events;
      seen.unshift(...page.edges.map((e: any) => Number(e.node.position)));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const lastDeposit = await ok(url, `{ events(streamId: "acc-tt", types: ["money_deposited"], last: 1) { edges { node { data } } } }`);
    expect(lastDeposit.events.edges.map((e: any) => e.node.data.amount)).toEqual(['3.00']);
    expect(await errorCode(url, `{ events(first: 2, last: 2) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, `{ events(last: 101) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, `{ events(last: 2, before: "x") { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
  });

  it('pages through the global log with filters', async () => {
    const all: any[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await ok(url, `query($after: String) { events(first: 7, after: $after) { edges { cursor node { position type streamId timestamp } } pageInfo { hasNextPage endCursor } } }`, { after })).events;
      all.push(...page.edges.map((edge: any) => edge.node));
      for (const edge of page.edges) expect(edge.cursor).toBe(edge.node.position);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => String(i + 1)));
    expect(String(all.length)).toBe(await head());
    const deposits = await ok(url, `{ events(types: ["money_deposited"], streamId: "acc-tt", first: 50) { edges { node { data } } } }`);
    expect(deposits.events.edges.map((e: any) => e.node.data.amount)).toEqual(['2.00', '3.00']);
    const users = await ok(url, `{ events(streamType: "User", first: 50) { edges { node { type } } } }`);
    expect(new Set(users.events.edges.map((e: any) => e.node.type))).toEqual(new Set(['user_registered', 'user_updated']));
    const t = all[3].timestamp;
    const exact = await ok(url, `query($t: DateTime) { events(since: $t, until: $t, first: 50) { edges { node { timestamp } } } }`, { t });
    expect(exact.events.edges.length).toBeGreaterThan(0);
    expect(exact.events.edges.every((e: any) => e.node.timestamp === t)).toBe(true);
    expect(await errorCode(url, `{ events(first: 51) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, `{ events(first: -1) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(url, `{ events(after: "not-a-cursor") { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
  });

  it('serves the read models: accounts per owner, summaries, users with accounts', async () => {
    await ok(url, REGISTER, { input: { userId: 'cy', email: 'cy@example.com', name: 'Cy' } });
    for (let i = 0; i < 5; i++) await ok(url, OPEN, { input: { accountId: `cy-${i}`, ownerId: 'cy', initialBalance: `${i}` } });
    await ok(url, DEPOSIT, { input: { accountId: 'cy-1', amount: '10' } });
    await ok(url, WITHDRAW, { input: { accountId: 'cy-1', amount: '4.5' } });
    const page1 = (await ok(url, `{ accounts(ownerId: "cy", first: 3) { edges { cursor node { id balance } } pageInfo { hasNextPage endCursor } } }`)).accounts;
    expect(page1.edges.map((e: any) => e.node.id)).toEqual(['cy-0', 'cy-1', 'cy-2']);
    expect(page1.edges[1].node.balance).toBe('6.50');
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await ok(url, `query($a: String) { accounts(ownerId: "cy", first: 3, after: $a) { edges { node { id } } pageInfo { hasNextPage } } }`, { a: page1.pageInfo.endCursor })).accounts;
    expect(page2).toEqual({ edges: [{ node: { id: 'cy-3' } }, { node: { id: 'cy-4' } }], pageInfo: { hasNextPage: false } });
    const summary = (await ok(url, `{ accountSummary(id: "cy-1") { accountId totalDeposits totalWithdrawals transactionCount createdAt lastActivity } }`)).accountSummary;
    expect(summary).toMatchObject({ accountId: 'cy-1', totalDeposits: '10.00', totalWithdrawals: '4.50', transactionCount: 2 });
    expect(Date.parse(summary.lastActivity)).toBeGreaterThanOrEqual(Date.parse(summary.createdAt));
    expect((await ok(url, `{ accountSummary(id: "nope") { accountId } }`)).accountSummary).toBeNull();
    const user = (await ok(url, `{ user(id: "cy") { name accounts { edges { node { id owner { id } } } } } }`)).user;
    expect(user.accounts.edges.map((edge: any) => edge.node.id)).toEqual(['cy-0', 'cy-1', 'cy-2', 'cy-3', 'cy-4']);
    expect(user.accounts.edges.every((edge: any) => edge.node.owner.id === 'cy')).toBe(true);
    // A user's accounts come a page at a time, like every other list.
    const first = (await ok(url, `{ user(id: "cy") { accounts(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`)).user.accounts;
    expect(first.edges.map((edge: any) => edge.node.id)).toEqual(['cy-0', 'cy-1']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await ok(url, `query($a: String) { user(id: "cy") { accounts(first: 10, after: $a) { edges { node { id } } pageInfo { hasNextPage } } } }`, { a: first.pageInfo.endCursor })).user.accounts;
    expect(rest).toEqual({ edges: [{ node: { id: 'cy-2' } }, { node: { id: 'cy-3' } }, { node: { id: 'cy-4' } }], pageInfo: { hasNextPage: false } });
  });

  it('loads owners and accounts in batches, not one query per item', async () => {
    const query = `{ accounts(first: 50) { edges { node { id owner { name accounts(first: 5) { edges { node { id events(first: 3) { edges { node { type } } } } } } } } } } }`;
    // The log tailer's fallback poll reads the log too: keep it out of the count.
    await app.tailer.stop();
    const before = app.store.stats.reads;
    const data = await ok(url, query);
    const used = app.store.stats.reads - before;
    expect(data.accounts.edges.length).toBeGreaterThanOrEqual(10);
    // One page query, owners in one batch (snapshots + events), their accounts in one more, all those accounts' events in one more.
    expect(used).toBeLessThanOrEqual(5);
  });

  it('refuses malformed JSON, huge bodies and deep queries', async () => {
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    const huge = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_100_000) } }) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    let deep = 'id';
    for (let i = 0; i < 4; i++) deep = `owner { accounts { edges { node { ${deep} } } } }`;
    const tooDeep = await gql(url, `{ account(id: "acc-1") { ${deep} } }`);
    expect(tooDeep.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth' });
    // Within the depth limit, but every level multiplies the work: the cost limit refuses it.
    const pages = (n: number) => `{ accounts(first: ${n}) { edges { node { owner { accounts(first: ${n}) { edges { node { events(first: ${n}) { edges { node { id } } } } } } } } } } }`;
    expect((await gql(url, pages(50))).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    expect((await gql(url, pages(3))).errors).toBeUndefined();
    const unknown = await gql(url, `{ nope }`);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers /healthz when the store answers', async () => {
    const response = await fetch(url.replace('/graphql', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('masks unexpected errors: no SQL, driver or Prisma text reaches the client', async () => {
    // Break the database under the server: the read model table disappears.
    const pgModule = await import('pg');
    if (backend === 'postgresql') {
      const client = new pgModule.default.Client({ connectionString: db.url });
      await client.connect();
      await client.query('ALTER TABLE account_summaries RENAME TO account_summaries_gone');
      await client.end();
    } else {
      const Database = (await import('better-sqlite3')).default;
      const raw = new Database(db.url.slice('file:'.length));
      raw.exec('ALTER TABLE account_summaries RENAME TO account_summaries_gone');
      raw.close();
    }
    const response = await gql(url, `{ accountSummary(id: "acc-1") { accountId } }`);
    expect(response.errors).toEqual([{ message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['accountSummary'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    // A command whose transaction fails is masked too, and appends nothing.
    const before = await head();
    const failed = await gql(url, DEPOSIT, { input: { accountId: 'acc-1', amount: '1' } });
    expect(failed.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(failed)).not.toMatch(/sql|prisma|table|relation|stack/i);
    expect(await head()).toBe(before);
  });
});
