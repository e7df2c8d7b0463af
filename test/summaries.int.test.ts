/**
 * Account summary totals are unbounded: deposits and withdrawals add up while
 * the balance stays bounded. They must stay exact past 2^63 cents, and
 * commands on the account must keep working. The log is written straight
 * through the store with the largest amounts the format allows (the decider
 * caps a command's amount lower), so a few hundred events reach totals that
 * ~92,000 maximal deposits would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { NewEvent } from '../src/eventstore/types.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';

/** The largest amount an event may carry: 15 integer digits. */
const BIG = '999999999999999.99';
const BIG_CENTS = 99_999_999_999_999_999n;

const cents = (text: string) => BigInt(text.replace('.', ''));
const money = (value: bigint) => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;

describe.each(backends)('account summary totals on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  const summary = async (id: string) =>
    (await ok(server.url, `query($id: ID!) { accountSummary(id: $id) { totalDeposits totalWithdrawals transactionCount } account(id: $id) { balance version } }`, { id }));

  /** Opens `id` and appends `pairs` deposit+withdrawal pairs of `amount`, `perAppend` events per append. */
  async function bigStream(id: string, pairs: number, amount = BIG, perAppend = 40) {
    const event = (type: string, data: Record<string, string | null>): NewEvent => ({ type, data: { accountId: id, ...data }, metadata: {} });
    const events = [event('account_created', { ownerId: 'owner', currency: 'USD', initialBalance: '0.00' })];
    for (let i = 0; i < pairs; i++) events.push(event('money_deposited', { amount, reference: null }), event('money_withdrawn', { amount, reference: null }));
    for (let start = 0; start < events.length; start += perAppend) {
      const result = await app.store.append({ streamId: id, streamType: 'BankAccount', expectedVersion: start, events: events.slice(start, start + perAppend) });
      expect(result.status).toBe('appended');
    }
  }

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
    await ok(server.url, `mutation { registerUser(input: {userId: "owner", email: "o@example.com", name: "O"}) { user { id } } }`);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('keeps totals past 2^63 cents exact, and commands on the account working', async () => {
    // 100 pairs: each total is 100 * (10^17 - 1) cents, past 2^63 (about 9.22 * 10^18).
    await bigStream('huge', 100);
    const total = 100n * BIG_CENTS;
    expect(total > 2n ** 63n).toBe(true);
    expect(await summary('huge')).toEqual({
      accountSummary: { totalDeposits: money(total), totalWithdrawals: money(total), transactionCount: 200 },
      account: { balance: '0.00', version: 201 },
    });
    // Through the API, more money moves, exactly.
    const deposit = await gql(server.url, `mutation { deposit(input: {accountId: "huge", amount: "1000000000000.00"}) { account { balance } } }`);
    expect(deposit.errors).toBeUndefined();
    await ok(server.url, `mutation { withdraw(input: {accountId: "huge", amount: "0.01"}) { account { balance } } }`);
    const after = { totalDeposits: money(total + cents('1000000000000.00')), totalWithdrawals: money(total + 1n), transactionCount: 202 };
    expect((await summary('huge')).accountSummary).toEqual(after);
    // A rebuild (pages of up to 1000 events in one statement) gives the same totals.
    await app.store.rebuildProjection('account_summaries');
    expect((await summary('huge')).accountSummary).toEqual(after);
  });

  it('carries over exactly at the limb boundary (10^18 cents)', async () => {
    // Ten deposits and withdrawals of 10^17 - 1 cents: 10^18 - 10 each.
    await bigStream('edge', 10, BIG, 7);
    const boundary = 10n ** 18n;
    const read = async () => (await summary('edge')).accountSummary;
    expect(await read()).toMatchObject({ totalDeposits: money(boundary - 10n), totalWithdrawals: money(boundary - 10n) });
    await ok(server.url, `mutation { deposit(input: {accountId: "edge", amount: "0.09"}) { account { id } } }`);
    expect((await read()).totalDeposits).toBe(money(boundary - 1n));
    await ok(server.url, `mutation { deposit(input: {accountId: "edge", amount: "0.01"}) { account { id } } }`);
    expect((await read()).totalDeposits).toBe(money(boundary));
    await ok(server.url, `mutation { deposit(input: {accountId: "edge", amount: "0.12"}) { account { id } } }`);
    await ok(server.url, `mutation { withdraw(input: {accountId: "edge", amount: "0.10"}) { account { id } } }`);
    expect(await read()).toEqual({ totalDeposits: money(boundary + 12n), totalWithdrawals: money(boundary), transactionCount: 24 });
    // Stored as limbs: lo in [0, 10^18).
    const [row] = await app.store.reader.query<Record<string, unknown>>("SELECT * FROM account_summaries WHERE account_id = 'edge'");
    expect([row!.total_deposits, row!.total_deposits_hi, row!.total_withdrawals, row!.total_withdrawals_hi].map(String)).toEqual(['12', '1', '0', '1']);
  });
});
