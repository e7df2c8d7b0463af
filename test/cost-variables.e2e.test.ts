/**
 * The cost estimate resolves `first: $n` from the variables sent,
 * and from the variable's default value in the operation
 * (`query($n: Int = 100)`), which graphql-js then executes with. Such a page
 * must be priced at its real size, or an operation
 * refused with literals would be accepted with defaults (nested pages: about 24x).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql } from './helpers/graphql.js';
import { wsClient, wsRequest } from './helpers/ws.js';

const PAGE = `edges { node { id events(first: $n) { edges { node { id type data metadata timestamp } } } } }`;

describe('the cost of pages sized by a variable default', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await createDatabase('sqlite');
    ({ server } = await startTestServer(db.url));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('prices first: $n with $n: Int = 100 as it prices first: 100 (HTTP)', async () => {
    const literal = await gql(server.url, `{ accounts(first: 100) { ${PAGE.replaceAll('$n', '100')} } }`);
    expect(literal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    const sent = await gql(server.url, `query Q($n: Int) { accounts(first: $n) { ${PAGE} } }`, { n: 100 });
    expect(sent.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    // It runs with pages of 100, so it is priced with pages of 100 (it was priced with pages of 20).
    const byDefault = await gql(server.url, `query Q($n: Int = 100) { accounts(first: $n) { ${PAGE} } }`);
    expect(byDefault.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
  });

  it('prices a variable default the same over WebSocket', async () => {
    const client = wsClient(server.wsUrl);
    try {
      const byDefault = await wsRequest(client, `query Q($n: Int = 100) { accounts(first: $n) { ${PAGE} } }`);
      expect(byDefault.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    } finally {
      await client.dispose();
    }
  });
});
