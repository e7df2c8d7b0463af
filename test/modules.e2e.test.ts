/**
 * The module seam, proven end to end: a Loan aggregate that exists only in
 * test/fixtures/loans is registered through the same list as the shipped
 * modules and works over HTTP and WebSocket like they do: commands, time
 * travel, its read model, a subscription, authorization, its error code,
 * its event types and the generic stream queries.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { migrate, sqlitePath } from '../src/eventstore/migrate.js';
import { modules } from '../src/modules.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { testConfig } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql } from './helpers/graphql.js';
import { collect } from './helpers/subscribe.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';
import { wsClient } from './helpers/ws.js';
import { loansModule } from './fixtures/loans/index.js';
import { LOANS_TABLE } from './fixtures/loans/projection.js';

/** The loans table, as the module's migration would create it. */
async function createLoansTable(url: string): Promise<void> {
  await migrate(url);
  if (url.startsWith('file:')) {
    const db = new Database(sqlitePath(url));
    db.exec(LOANS_TABLE);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(LOANS_TABLE);
  await client.end();
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(backends)('a module registered through the seam, on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  const tokens = { ann: '', bob: '', admin: '' };
  /** Ann's loan: its id is chosen by the server. */
  let loan = '';
  const as = (who: keyof typeof tokens, query: string, variables?: Record<string, unknown>) => gql(server.url, query, variables, bearer(tokens[who]));

  beforeAll(async () => {
    db = await createDatabase(backend);
    await createLoansTable(db.url);
    app = await createApp(testConfig(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, SNAPSHOT_EVERY: '2' }), [...modules, loansModule]);
    server = await startServer(app, { port: 0, host: '127.0.0.1' });
    tokens.ann = await hsToken({ sub: 'ann' });
    tokens.bob = await hsToken({ sub: 'bob' });
    tokens.admin = await hsToken({ sub: 'root', roles: ['admin'] });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('runs its commands, time travel, read model and error codes over HTTP', async () => {
    const requested = await as('ann', `mutation { requestLoan(borrowerId: "ann", amount: "100.00") { loan { id outstanding version } events { type streamType data } } }`);
    loan = requested.data?.requestLoan.loan.id;
    expect(requested.errors).toBeUndefined();
    expect(requested.data?.requestLoan).toEqual({
      loan: { id: loan, outstanding: '100.00', version: 1 },
      events: [{ type: 'loan_requested', streamType: 'Loan', data: { loanId: loan, borrowerId: 'ann', amount: '100.00' } }],
    });
    for (const amount of ['30.00', '20.00', '10.00']) {
      expect((await as('ann', `mutation($a: Decimal!) { repayLoan(loanId: "${loan}", amount: $a) { loan { outstanding } } }`, { a: amount })).errors).toBeUndefined();
    }
    const overpaid = await as('ann', `mutation { repayLoan(loanId: "${loan}", amount: "40.01") { loan { id } } }`);
    expect(overpaid.errors?.[0]?.extensions).toMatchObject({ code: 'LOAN_OVERPAID', outstanding: '40.00' });

    // Time travel through the module's repository: snapshots every 2 events, state at each version.
    const history = await as('ann', `{ v1: loan(id: "${loan}", version: 1) { outstanding } v3: loan(id: "${loan}", version: 3) { outstanding } now: loan(id: "${loan}") { outstanding version repaid } }`);
    expect(history.data).toEqual({ v1: { outstanding: '100.00' }, v3: { outstanding: '50.00' }, now: { outstanding: '40.00', version: 4, repaid: false } });
    const outstanding = await as('ann', `{ outstandingLoans(borrowerId: "ann") { id outstanding } }`);
    expect(outstanding.data?.outstandingLoans).toEqual([{ id: loan, outstanding: '40.00' }]);

    // The generic queries know it too.
    const state = await as('ann', `{ streamState(id: "${loan}", version: 2) { streamType version state } }`);
    expect(state.data?.streamState).toEqual({ streamType: 'Loan', version: 2, state: { status: 'open', id: loan, borrowerId: 'ann', outstanding: '70.00' } });
    const types = await as('ann', `{ eventTypes(streamType: "Loan") { type version schema } }`);
    expect(types.data?.eventTypes.map((t: { type: string }) => t.type)).toEqual(['loan_requested', 'loan_repaid']);
    expect(types.data?.eventTypes[0].schema).toMatchObject({ type: 'object', required: ['loanId', 'borrowerId', 'amount'] });
    const log = await as('ann', `{ events(streamId: "${loan}") { edges { node { type version } } } }`);
    expect(log.data?.events.edges.map((edge: any) => edge.node.version)).toEqual([1, 2, 3, 4]);
  });

  it('keeps other users out of it, like every stream', async () => {
    const before = await app.store.headPosition();
    for (const query of [
      `{ loan(id: "${loan}") { outstanding } }`,
      `{ streamState(id: "${loan}") { state } }`,
      `{ events(streamId: "${loan}") { edges { node { data } } } }`,
      `mutation { repayLoan(loanId: "${loan}", amount: "1.00") { loan { id } } }`,
      `mutation { requestLoan(borrowerId: "ann", amount: "1.00") { loan { id } } }`,
      `{ outstandingLoans(borrowerId: "ann") { id } }`,
    ]) {
      const response = await as('bob', query);
      expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
      expect(JSON.stringify(response.data ?? null), query).not.toContain('ann');
    }
    expect(await app.store.headPosition()).toBe(before);
    expect((await as('admin', `{ loan(id: "${loan}") { outstanding } }`)).data?.loan).toEqual({ outstanding: '40.00' });
  });

  it('streams its state changes over WebSocket to the owner', async () => {
    const client = wsClient(server.wsUrl, { connectionParams: bearer(tokens.ann) });
    const listening = app.tailer.listenerCount;
    const changes = collect(client, `subscription { loanChanged(id: "${loan}") { outstanding version } }`, (data) => data.loanChanged);
    await until(() => app.tailer.listenerCount > listening, 'the subscription to join the log');
    await as('ann', `mutation { repayLoan(loanId: "${loan}", amount: "15.00") { loan { id } } }`);
    await as('ann', `mutation { repayLoan(loanId: "${loan}", amount: "25.00") { loan { id } } }`);
    expect(await changes.waitFor(2)).toEqual([
      { outstanding: '25.00', version: 5 },
      { outstanding: '0.00', version: 6 },
    ]);
    changes.stop();
    await client.dispose();
  });
});
