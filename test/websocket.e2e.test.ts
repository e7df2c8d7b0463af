/** The same contract over graphql-ws: limits, codes and masking apply there too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { wsClient, wsRequest } from './helpers/ws.js';

describe.each(backends)('GraphQL over WebSocket on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
    client = wsClient(server.wsUrl);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await db?.drop();
  });

  it('runs mutations and queries', async () => {
    const registered = await wsRequest(client, `mutation { registerUser(input: {userId: "w", email: "w@example.com", name: "W"}) { user { id } events { type position } } }`);
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerUser.events[0].type).toBe('user_registered');
    await wsRequest(client, `mutation { openAccount(input: {accountId: "wa", ownerId: "w", initialBalance: "5"}) { account { id } } }`);
    const deposit = await wsRequest(client, `mutation($a: Decimal!) { deposit(input: {accountId: "wa", amount: $a}) { account { balance version } } }`, { a: '2.50' });
    expect(deposit.data).toEqual({ deposit: { account: { balance: '7.50', version: 2 } } });
    const read = await wsRequest(client, `{ account(id: "wa", version: 1) { balance } events(first: 10) { edges { node { type } } } }`);
    expect(read.data?.account.balance).toBe('5.00');
    expect(read.data?.events.edges).toHaveLength(3);
  });

  it('answers domain errors with their codes', async () => {
    const insufficient = await wsRequest(client, `mutation { withdraw(input: {accountId: "wa", amount: "100"}) { account { id } } }`);
    expect(insufficient.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_FUNDS');
    const conflict = await wsRequest(client, `mutation { deposit(input: {accountId: "wa", amount: "1", expectedVersion: 9}) { account { id } } }`);
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ code: 'CONCURRENCY_CONFLICT', expectedVersion: 9, actualVersion: 2 });
  });

  it('applies the same input validation and limits as HTTP', async () => {
    const badAmount = await wsRequest(client, `mutation { deposit(input: {accountId: "wa", amount: "1e3"}) { account { id } } }`);
    expect(badAmount.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badVariable = await wsRequest(client, `mutation($a: Decimal!) { deposit(input: {accountId: "wa", amount: $a}) { account { id } } }`, { a: '0.001' });
    expect(badVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    let deep = 'id';
    for (let i = 0; i < 4; i++) deep = `owner { accounts { edges { node { ${deep} } } } }`;
    const tooDeep = await wsRequest(client, `{ account(id: "wa") { ${deep} } }`);
    expect(tooDeep.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'depth' });
    const bigPage = await wsRequest(client, `{ events(first: 100000) { edges { cursor } } }`);
    expect(bigPage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const invalid = await wsRequest(client, `{ nope }`);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('masks unexpected errors the same way', async () => {
    const Database = backend === 'sqlite' ? (await import('better-sqlite3')).default : undefined;
    if (Database) {
      const raw = new Database(db.url.slice('file:'.length));
      raw.exec('ALTER TABLE accounts RENAME TO accounts_gone');
      raw.close();
    } else {
      const pg = (await import('pg')).default;
      const raw = new pg.Client({ connectionString: db.url });
      await raw.connect();
      await raw.query('ALTER TABLE accounts RENAME TO accounts_gone');
      await raw.end();
    }
    const result = await wsRequest(client, `{ accounts { edges { node { id } } } }`);
    expect(result.errors).toEqual([{ message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['accounts'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(app.store.dialect).toBe(backend);
  });

  it('closes a socket that never sends connection_init (4408)', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(4408);
  });
});
