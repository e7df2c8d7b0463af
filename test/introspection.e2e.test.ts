/**
 * GRAPHQL_INTROSPECTION decides whether `__schema`/`__type` are answered, on
 * HTTP and WebSocket alike, defaulting as Apollo does (off when
 * NODE_ENV=production); a refusal names the setting. The bundled IDE keeps
 * its schema, docs and completion either way: it answers its own
 * introspection from the schema built into it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import type { Client } from 'graphql-ws';
import { loadConfig } from '../src/config.js';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { launchBrowser } from './helpers/browser.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql } from './helpers/graphql.js';
import { waitFor } from './helpers/pages.js';
import { spawnServer } from './helpers/process.js';
import { wsClient, wsRequest } from './helpers/ws.js';

const SCHEMA = `{ __schema { queryType { name } } }`;
const OFF = /Introspection is turned off on this server \(GRAPHQL_INTROSPECTION=false\)/;

describe('introspection', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    ({ server } = await startTestServer(db.url, { GRAPHQL_INTROSPECTION: 'false' }));
    client = wsClient(server.wsUrl);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await db?.drop();
  });

  it('defaults as Apollo does, and the setting wins over NODE_ENV', () => {
    expect(loadConfig({}).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).introspection).toBe(false);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'no' })).toThrow(/^Invalid configuration: GRAPHQL_INTROSPECTION must be true or false/);
  });

  it('refuses __schema and __type on HTTP and WebSocket when off, naming the setting', async () => {
    for (const query of [SCHEMA, `{ __type(name: "Account") { name } }`]) {
      const overHttp = await gql(server.url, query);
      expect(overHttp.status).toBe(400);
      expect(overHttp.errors).toHaveLength(1);
      expect(overHttp.errors?.[0]?.message).toMatch(OFF);
      expect(overHttp.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const overSocket = await wsRequest(client, query);
      expect(overSocket.errors?.[0]?.message).toMatch(OFF);
    }
    expect((await gql(server.url, `{ __typename }`)).data).toEqual({ __typename: 'Query' });
  });

  it('follows GRAPHQL_INTROSPECTION in a production process', async () => {
    const production = await createDatabase('sqlite');
    const on = await spawnServer({ DATABASE_URL: production.url, NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' });
    const off = await spawnServer({ DATABASE_URL: `${production.url}-off`, NODE_ENV: 'production' });
    try {
      expect((await gql(on.url, SCHEMA)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await gql(off.url, SCHEMA)).errors?.[0]?.message).toMatch(OFF);
    } finally {
      for (const child of [on, off]) {
        child.child.kill('SIGTERM');
        await child.exited;
      }
      await production.drop();
    }
  });

  it('leaves the IDE its schema documentation when off', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const sent: string[] = [];
      page.on('request', (request) => sent.push(request.postData() ?? ''));
      await page.goto(server.url);
      await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
      await page.locator('[aria-label="Show Documentation Explorer"]').click();
      await waitFor('the documentation of Query', async () => ((await page.locator('.graphiql-doc-explorer').textContent()) ?? '').includes('Query'), 20_000);
      // The IDE's introspection never reached the server.
      expect(sent.filter((body) => body.includes('__schema'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/** With introspection on, it is priced by the answer it returns (introspection-cost.ts). */
describe('introspection under the cost limit', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    // The standard introspection query nests `ofType` deeper than the default MAX_QUERY_DEPTH (12) allows.
    ({ server } = await startTestServer(db.url, { MAX_QUERY_DEPTH: '20' }));
    client = wsClient(server.wsUrl);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await db?.drop();
  });

  it("answers tools' standard introspection query within the default MAX_QUERY_COST, on HTTP and WebSocket", async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true });
    const overHttp = await gql(server.url, query);
    expect(overHttp.errors).toBeUndefined();
    expect((overHttp.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(20);
    expect((await wsRequest(client, query)).errors).toBeUndefined();
  });

  it('refuses a small document whose introspection answer is huge, on HTTP and WebSocket', async () => {
    // Two levels of `fields` (graphql-js refuses a third); thirty aliases of it answer half a megabyte.
    const nested = 'types { name fields { name args { name type { name } } type { name kind fields { name args { name } type { name kind } } } } }';
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __schema { ${nested} }`).join(' ')} }`;
    const overHttp = await gql(server.url, query);
    expect(overHttp.status).toBe(400);
    expect(overHttp.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'cost' });
    expect((await wsRequest(client, query)).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'cost' });
    // One of them is cheap enough.
    expect((await gql(server.url, `{ __schema { ${nested} } }`)).errors).toBeUndefined();
  });
});
