/**
 * Transfers over HTTP and WebSocket, with authentication on: the rules, who
 * may do what (and what the answer hides), optimistic concurrency per
 * account, idempotency, and everything else that sees a transfer (summaries,
 * time travel, subscriptions, the statement).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, type GraphQLResponse } from './helpers/graphql.js';
import { collect, subscribed } from './helpers/subscribe.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';
import { wsClient } from './helpers/ws.js';

const TRANSFER = `mutation($input: TransferInput!) { transfer(input: $input) {
  transfer { id fromAccountId toAccountId amount reference timestamp }
  fromAccount { id balance version }
  toAccount { id balance version ownerId }
  events { streamId type version position data }
} }`;

describe.each(backends)('transfers on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' };
  const as = (who: keyof typeof tokens, query: string, variables?: Record<string, unknown>) => gql(server.url, query, variables, bearer(tokens[who]));
  const transfer = (who: keyof typeof tokens, input: Record<string, unknown>) => as(who, TRANSFER, { input });
  const accounts: Record<string, string> = {};

  async function open(who: 'alice' | 'bob', name: string, initialBalance: string, currency = 'USD') {
    const opened = await as(who, `mutation($o: ID!, $b: Decimal!, $c: String!) { openAccount(input: {ownerId: $o, initialBalance: $b, currency: $c}) { account { id } } }`, {
      o: who,
      b: initialBalance,
      c: currency,
    });
    expect(opened.errors).toBeUndefined();
    accounts[name] = opened.data?.openAccount.account.id;
  }
  const balance = async (id: string) => (await as('admin', `query($id: ID!) { account(id: $id) { balance version } }`, { id })).data?.account;
  const head = () => app.store.headPosition();
  const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
    tokens.alice = await hsToken({ sub: 'alice' });
    tokens.bob = await hsToken({ sub: 'bob' });
    tokens.admin = await hsToken({ sub: 'root', roles: ['admin'] });
    for (const who of ['alice', 'bob'] as const) {
      expect((await as(who, `mutation { registerUser(input: {email: "${who}@example.com", name: "${who}"}) { user { id } } }`)).errors).toBeUndefined();
    }
    await open('alice', 'a1', '100.00');
    await open('alice', 'a2', '0.00');
    await open('alice', 'euro', '10.00', 'EUR');
    await open('alice', 'closed', '0.00');
    await open('bob', 'b1', '50.00');
    await open('bob', 'bobClosed', '0.00');
    for (const name of ['closed', 'bobClosed']) {
      const owner = name === 'closed' ? 'alice' : 'bob';
      expect((await as(owner, `mutation($id: ID!) { closeAccount(input: {accountId: $id}) { account { isActive } } }`, { id: accounts[name] })).errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("moves money to another owner's account in one transaction, and shows the sender nothing of it", async () => {
    const before = await head();
    const bobBefore = await balance(accounts.b1!);
    const result = await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '10.25', reference: 'INV-7' });
    expect(result.errors).toBeUndefined();
    const payload = result.data?.transfer;
    expect(payload.transfer).toMatchObject({ fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '10.25', reference: 'INV-7' });
    expect(payload.fromAccount).toEqual({ id: accounts.a1, balance: '89.75', version: 2 });
    // Bob's account: not its balance, owner, version or events.
    expect(payload.toAccount).toBeNull();
    expect(payload.events).toEqual([
      { streamId: accounts.a1, type: 'money_transferred_out', version: 2, position: String(before + 1n), data: expect.objectContaining({ transferId: payload.transfer.id }) },
    ]);
    const text = JSON.stringify(result);
    for (const secret of [bobBefore.balance, '60.25', '"bob"', 'bob@example.com']) expect(text).not.toContain(secret);
    // Both events, adjacent in the log, with the same transfer id, both accounts and the amount.
    const log = await as('admin', `query($after: String) { events(first: 10, after: $after) { edges { node { streamId type position data } } } }`, { after: String(before) });
    const nodes = log.data?.events.edges.map((edge: { node: unknown }) => edge.node);
    const data = { transferId: payload.transfer.id, fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '10.25', reference: 'INV-7' };
    expect(nodes).toEqual([
      { streamId: accounts.a1, type: 'money_transferred_out', position: String(before + 1n), data },
      { streamId: accounts.b1, type: 'money_transferred_in', position: String(before + 2n), data },
    ]);
    expect(await balance(accounts.b1!)).toEqual({ balance: '60.25', version: bobBefore.version + 1 });
    // Bob sees the money arrive, and where from.
    const bobs = await as('bob', `query($id: ID!) { account(id: $id) { balance events(first: 10) { edges { node { type data } } } } }`, { id: accounts.b1 });
    expect(bobs.data?.account.balance).toBe('60.25');
    expect(bobs.data?.account.events.edges.at(-1).node).toEqual({ type: 'money_transferred_in', data });
  });

  it("shows both sides of a transfer between the caller's own accounts", async () => {
    const result = await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.a2, amount: '5.00' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.transfer.toAccount).toEqual({ id: accounts.a2, balance: '5.00', version: 2, ownerId: 'alice' });
    expect(result.data?.transfer.events.map((event: { type: string }) => event.type)).toEqual(['money_transferred_out', 'money_transferred_in']);
  });

  it('refuses what breaks a rule with its code, and appends nothing', async () => {
    const before = await head();
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ toAccountId: accounts.b1, amount: '0.00' }, 'BAD_USER_INPUT', 'amount'],
      [{ toAccountId: accounts.b1, amount: '-1.00' }, 'BAD_USER_INPUT'],
      [{ toAccountId: accounts.a1, amount: '1.00' }, 'BAD_USER_INPUT', 'toAccountId'],
      [{ toAccountId: 'no-such-account', amount: '1.00' }, 'NOT_FOUND'],
      [{ toAccountId: 'alice', amount: '1.00' }, 'NOT_FOUND'],
      [{ toAccountId: accounts.bobClosed, amount: '1.00' }, 'ACCOUNT_CLOSED'],
      [{ toAccountId: accounts.euro, amount: '1.00' }, 'BAD_USER_INPUT', 'toAccountId'],
      [{ toAccountId: accounts.b1, amount: '1000.00' }, 'INSUFFICIENT_FUNDS'],
      [{ toAccountId: accounts.b1, amount: '1.00', reference: '   ' }, 'BAD_USER_INPUT', 'reference'],
    ];
    for (const [input, code, field] of cases) {
      const result = await transfer('alice', { fromAccountId: accounts.a1, ...input });
      expect([JSON.stringify(input), codeOf(result)]).toEqual([JSON.stringify(input), code]);
      if (field) expect(result.errors?.[0]?.extensions?.field).toBe(field);
      // Nothing of Bob's accounts leaks through a refusal either.
      expect(JSON.stringify(result)).not.toMatch(/60\.25|"bob"/);
    }
    // A closed source, and money out of someone else's account.
    expect(codeOf(await transfer('alice', { fromAccountId: accounts.closed, toAccountId: accounts.a1, amount: '1.00' }))).toBe('ACCOUNT_CLOSED');
    const stolen = await transfer('alice', { fromAccountId: accounts.b1, toAccountId: accounts.a1, amount: '1.00' });
    expect(codeOf(stolen)).toBe('FORBIDDEN');
    const unknown = await transfer('alice', { fromAccountId: 'no-such-account', toAccountId: accounts.a1, amount: '1.00' });
    expect(unknown.errors?.[0]).toEqual({ ...stolen.errors?.[0] });
    expect(await head()).toBe(before);
  });

  it('checks each expected version, and retries only when none was given', async () => {
    const a1 = await balance(accounts.a1!);
    const b1 = await balance(accounts.b1!);
    const before = await head();
    const stale = await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '1.00', expectedVersions: { from: a1.version - 1 } });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONCURRENCY_CONFLICT', expectedVersion: a1.version - 1, actualVersion: a1.version });
    const staleTo = await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '1.00', expectedVersions: { to: b1.version + 3 } });
    expect(staleTo.errors?.[0]?.extensions).toMatchObject({ code: 'CONCURRENCY_CONFLICT', expectedVersion: b1.version + 3, actualVersion: b1.version });
    expect(codeOf(await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '1.00', expectedVersions: { from: -1 } }))).toBe('BAD_USER_INPUT');
    expect(await head()).toBe(before);
    const right = await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '1.00', expectedVersions: { from: a1.version, to: b1.version } });
    expect(right.errors).toBeUndefined();
    expect(right.data?.transfer.fromAccount.version).toBe(a1.version + 1);
  });

  it('answers a repeated commandId with the first result, also when repeats race, and appends once', async () => {
    const input = { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '2.00', commandId: 'pay-bob-1' };
    const before = await head();
    const results = await Promise.all(Array.from({ length: 8 }, () => transfer('alice', input)));
    for (const result of results) expect(result.errors).toBeUndefined();
    const first = results[0]!.data;
    for (const result of results) expect(result.data).toEqual(first);
    expect(await head()).toBe(before + 2n);
    expect((await transfer('alice', input)).data).toEqual(first);
    // Bob's own command id of the same name is his own command.
    const bobs = await transfer('bob', { fromAccountId: accounts.b1, toAccountId: accounts.a2, amount: '1.00', commandId: 'pay-bob-1' });
    expect(bobs.errors).toBeUndefined();
    expect(await head()).toBe(before + 4n);
  });

  it('refuses a commandId reused for another transfer or another command (COMMAND_ID_REUSED), appending nothing', async () => {
    const input = { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '3.00', commandId: 'pay-bob-2' };
    expect((await transfer('alice', input)).errors).toBeUndefined();
    const before = await head();
    for (const other of [{ amount: '4.00' }, { toAccountId: accounts.a2 }, { reference: 'another' }]) {
      const reused = await transfer('alice', { ...input, ...other });
      expect(reused.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'commandId', reason: 'COMMAND_ID_REUSED' });
    }
    const deposit = await as('alice', `mutation($id: ID!) { deposit(input: {accountId: $id, amount: "3.00", commandId: "pay-bob-2"}) { account { id } } }`, { id: accounts.a1 });
    expect(deposit.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'COMMAND_ID_REUSED' });
    expect(await head()).toBe(before);
  });

  it('counts transfers in summaries, and time travel shows them at their version', async () => {
    const summary = async (who: 'alice' | 'bob', id: string) =>
      (await as(who, `query($id: ID!) { accountSummary(id: $id) { totalDeposits totalWithdrawals totalTransfersIn totalTransfersOut transactionCount } }`, { id })).data
        ?.accountSummary;
    // a1: out 10.25, 5.00, 1.00, 2.00, 3.00; b1: in 10.25, 1.00, 2.00, 3.00, out 1.00.
    expect(await summary('alice', accounts.a1!)).toEqual({ totalDeposits: '0.00', totalWithdrawals: '0.00', totalTransfersIn: '0.00', totalTransfersOut: '21.25', transactionCount: 5 });
    expect(await summary('bob', accounts.b1!)).toEqual({ totalDeposits: '0.00', totalWithdrawals: '0.00', totalTransfersIn: '16.25', totalTransfersOut: '1.00', transactionCount: 5 });
    const travel = await as('alice', `query($id: ID!) { v1: account(id: $id, version: 1) { balance } v2: account(id: $id, version: 2) { balance } }`, { id: accounts.a1 });
    expect(travel.data).toEqual({ v1: { balance: '100.00' }, v2: { balance: '89.75' } });
    // The read models agree with a replay of every account.
    for (const id of Object.values(accounts)) {
      const both = await as('admin', `query($id: ID!) { account(id: $id) { balance } accounts(first: 100) { edges { node { id balance } } } }`, { id });
      const listed = both.data?.accounts.edges.find((edge: { node: { id: string } }) => edge.node.id === id)?.node;
      expect(listed.balance).toBe(both.data?.account.balance);
    }
  });

  it('tells accountChanged subscribers on both accounts, and eventAppended filters by type', async () => {
    const alice: Client = wsClient(server.wsUrl, { connectionParams: { authorization: `Bearer ${tokens.alice}` } });
    const bob: Client = wsClient(server.wsUrl, { connectionParams: { authorization: `Bearer ${tokens.bob}` } });
    const admin: Client = wsClient(server.wsUrl, { connectionParams: { authorization: `Bearer ${tokens.admin}` } });
    try {
      const pick = (data: { accountChanged: { balance: string } }) => data.accountChanged.balance;
      const a1 = collect(alice, `subscription($id: ID!) { accountChanged(id: $id) { balance } }`, pick, { id: accounts.a1 });
      const b1 = collect(bob, `subscription($id: ID!) { accountChanged(id: $id) { balance } }`, pick, { id: accounts.b1 });
      const ins = collect(admin, `subscription { eventAppended(types: ["money_transferred_in"]) { streamId type } }`, (data) => data.eventAppended);
      await subscribed(server, 3);
      const before = [await balance(accounts.a1!), await balance(accounts.b1!)];
      expect((await transfer('alice', { fromAccountId: accounts.a1, toAccountId: accounts.b1, amount: '0.75' })).errors).toBeUndefined();
      const cents = (text: string) => BigInt(text.replace('.', ''));
      expect(cents((await a1.waitFor(1))[0]!)).toBe(cents(before[0].balance) - 75n);
      expect(cents((await b1.waitFor(1))[0]!)).toBe(cents(before[1].balance) + 75n);
      expect(await ins.waitFor(1)).toEqual([{ streamId: accounts.b1, type: 'money_transferred_in' }]);
      for (const sub of [a1, b1, ins]) sub.stop();
    } finally {
      await Promise.all([alice.dispose(), bob.dispose(), admin.dispose()]);
    }
  });

  it('gives a statement whose balances agree with time travel and the sum of its lines, a page at a time', async () => {
    const id = accounts.a1!;
    const q = `query($id: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String) { account(id: $id) {
      statement(from: $from, to: $to, first: $first, after: $after) {
        openingBalance closingBalance openingVersion closingVersion
        edges { cursor node { direction amount balance reference transferId counterpartyAccountId event { version type timestamp } } }
        pageInfo { hasNextPage hasPreviousPage endCursor }
      } } }`;
    const whole = (await as('alice', q, { id, first: 100 })).data?.account.statement;
    expect(whole.openingBalance).toBe('0.00');
    expect(whole.openingVersion).toBe(0);
    const cents = (text: string) => BigInt(text.replace('.', ''));
    let running = 0n;
    for (const { node } of whole.edges) {
      running += node.direction === 'IN' ? cents(node.amount) : node.direction === 'OUT' ? -cents(node.amount) : 0n;
      expect(cents(node.balance)).toBe(running);
    }
    expect(cents(whole.closingBalance)).toBe(running);
    expect(whole.closingBalance).toBe((await balance(id)).balance);
    expect(whole.edges[1].node).toMatchObject({ direction: 'OUT', amount: '10.25', reference: 'INV-7', counterpartyAccountId: accounts.b1 });

    // A period from the second event to the fourth: opening = time travel to version 1, closing = to version 4.
    const events = whole.edges.map((edge: { node: { event: { timestamp: string; version: number } } }) => edge.node.event);
    const from = events[1].timestamp;
    const to = events[3].timestamp;
    const period = (await as('alice', q, { id, from, to, first: 1 })).data?.account.statement;
    const travel = await as('alice', `query($id: ID!, $from: Int!, $to: Int!) { o: account(id: $id, version: $from) { balance } c: account(id: $id, version: $to) { balance } }`, {
      id,
      from: period.openingVersion,
      to: period.closingVersion,
    });
    expect(period.openingBalance).toBe(travel.data?.o.balance);
    expect(period.closingBalance).toBe(travel.data?.c.balance);
    // Page through it one line at a time.
    const lines = [...period.edges];
    let page = period;
    while (page.pageInfo.hasNextPage) {
      page = (await as('alice', q, { id, from, to, first: 1, after: page.pageInfo.endCursor })).data?.account.statement;
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      lines.push(...page.edges);
    }
    expect(lines.map((edge) => edge.node.event.version)).toEqual(
      events.filter((e: { timestamp: string }) => e.timestamp >= from && e.timestamp <= to).map((e: { version: number }) => e.version),
    );
    const moved = lines.reduce((sum, { node }) => sum + (node.direction === 'IN' ? cents(node.amount) : node.direction === 'OUT' ? -cents(node.amount) : 0n), 0n);
    expect(cents(period.closingBalance) - cents(period.openingBalance)).toBe(moved);
    expect(lines.at(-1).node.balance).toBe(period.closingBalance);
    // Bad periods and cursors.
    const bad = await as('alice', q, { id, from: to, to: from });
    if (from !== to) expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await as('alice', q, { id, after: 'x' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Another owner's statement is as forbidden as the rest of the account.
    expect((await as('bob', q, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
