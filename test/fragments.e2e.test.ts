/**
 * Documents whose fragments spread each other many times (a few hundred
 * bytes that expand to millions of fields) are answered or refused at once
 * on HTTP and WebSocket: every limit measures a fragment once. The server
 * runs as its own process, so a server that hangs fails the deadline here
 * instead of freezing the test too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { before } from './helpers/deadline.js';
import { gql } from './helpers/graphql.js';
import { spawnServer, type ServerProcess } from './helpers/process.js';
import { wsClient, wsRequest } from './helpers/ws.js';

/** A hang guard, not a speed figure: the old code took seconds for 20 levels and hours for 30. */
const DEADLINE_MS = 2_000;

/** `fragment F1 on T { ...F2 ...F2 }` and so on: each level doubles (or `width`-folds) the expansion. */
function nested(levels: number, options: { width?: number; root?: string; on?: string; leaf?: string; body?: (spread: string) => string } = {}): string {
  const { width = 2, root = 'query Q { ...F1 }', on = 'Query', leaf = '__typename' } = options;
  const body = options.body ?? ((spread: string) => Array.from({ length: width }, () => spread).join(' '));
  const parts = [root];
  for (let i = 1; i < levels; i++) parts.push(`fragment F${i} on ${on} { ${body(`...F${i + 1}`)} }`);
  parts.push(`fragment F${levels} on ${on} { ${leaf} }`);
  return parts.join('\n');
}

const COST = { code: 'BAD_USER_INPUT', limit: 'cost' };
const cases: Array<[string, string, Record<string, unknown>]> = [
  ['20 levels', nested(20), COST],
  ['30 levels', nested(30), COST],
  ['wide: 4 spreads a level, 16 levels', nested(16, { width: 4 }), COST],
  ['aliases and inline fragments', nested(25, { body: (spread) => `a: __typename ... on Query { ${spread} } ${spread}` }), COST],
  ['inside a field', nested(30, { root: 'query Q { account(id: "x") { ...F1 } }', on: 'Account', leaf: 'id' }), COST],
  ['a mutation', nested(30, { root: 'mutation M { ...F1 }', on: 'Mutation', leaf: 'deposit(input: {accountId: "x", amount: "1"}) { account { id } }' }), COST],
  ['a cycle', 'query Q { ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A ...A }', { code: 'GRAPHQL_VALIDATION_FAILED' }],
];

describe.each(backends)('nested fragments on %s', (backend) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let client: Client;

  beforeAll(async () => {
    db = await createDatabase(backend);
    server = await spawnServer({ DATABASE_URL: db.url });
    client = wsClient(server.wsUrl);
  });
  afterAll(async () => {
    await client?.dispose();
    // A server stuck in validation would not drain.
    server?.child.kill('SIGKILL');
    await server?.exited;
    await db?.drop();
  });

  it.each(cases)('answers %s at once over HTTP and WebSocket', async (name, query, extensions) => {
    expect(query.length).toBeLessThan(2_000);
    const overHttp = await before(DEADLINE_MS, `${name} over HTTP`, gql(server.url, query));
    expect(overHttp.errors?.[0]?.extensions).toEqual(extensions);
    const overSocket = await before(DEADLINE_MS, `${name} over WebSocket`, wsRequest(client, query));
    expect(overSocket.errors?.[0]?.extensions).toEqual(extensions);
  });
});
