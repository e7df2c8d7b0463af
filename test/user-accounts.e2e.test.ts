/**
 * A user's accounts are a page like every other list, priced by their page
 * size, and the events of a page of accounts are read in one query
 * (issue 11, item 5: 210 accounts came back whole, one log query each).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql, ok } from './helpers/graphql.js';

const ACCOUNTS = 210;

describe.each(backends)('User.accounts on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
    await ok(server.url, `mutation { registerUser(input: {userId: "many", email: "many@example.com", name: "Many"}) { user { id } } }`);
    await Promise.all(
      Array.from({ length: ACCOUNTS }, (_, i) =>
        ok(server.url, `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "many", initialBalance: "1.00"}) { account { id } } }`, { id: `m-${String(i).padStart(3, '0')}` }),
      ),
    );
    for (let i = 0; i < 3; i++) await ok(server.url, `mutation { deposit(input: {accountId: "m-000", amount: "2.00"}) { account { id } } }`);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers a page of the default size, and the rest page by page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await ok(server.url, `query($a: String) { user(id: "many") { accounts(first: 100, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`, { a: after })).user.accounts;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(ACCOUNTS);
    expect(new Set(seen).size).toBe(ACCOUNTS);
    const first = (await ok(server.url, `{ user(id: "many") { accounts { edges { node { id } } pageInfo { hasNextPage } } } }`)).user.accounts;
    expect(first.edges).toHaveLength(app.config.defaultPageSize);
    expect(first.pageInfo.hasNextPage).toBe(true);
  });

  it('reads the events of every account of a page in one query', async () => {
    // The log tailer's fallback poll reads the log too: keep it out of the count.
    await app.tailer.stop();
    const before = app.store.stats.reads;
    const data = await ok(server.url, `{ user(id: "many") { accounts(first: 50) { edges { node { id events(first: 5) { edges { node { type version } } pageInfo { hasNextPage } } } } } } }`);
    const used = app.store.stats.reads - before;
    const accounts = data.user.accounts.edges.map((edge: any) => edge.node);
    expect(accounts).toHaveLength(50);
    // The accounts were opened concurrently: the page's order is the log's, not their names'.
    const byId = new Map(accounts.map((account: any) => [account.id, account]));
    const deposited: any = byId.get('m-000') ?? (await ok(server.url, `{ account(id: "m-000") { id events(first: 5) { edges { node { type version } } } } }`)).account;
    expect(deposited.events.edges.map((edge: any) => edge.node.version)).toEqual([1, 2, 3, 4]);
    const other = accounts.find((account: any) => account.id !== 'm-000');
    expect(other.events.edges.map((edge: any) => edge.node.type)).toEqual(['account_created']);
    // The user (snapshot + tail), the page of accounts, and one query for all 50 accounts' events.
    expect(used).toBeLessThanOrEqual(4);
  });

  it('prices nested pages by their page sizes', async () => {
    const refused = await gql(server.url, `{ user(id: "many") { accounts(first: 100) { edges { node { events(first: 100) { edges { node { type data } } } } } } } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
  });
});
