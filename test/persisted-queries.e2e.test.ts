/**
 * Automatic persisted queries over HTTP: the client's mistakes (a hash that
 * is not the query's, a version other than 1, a malformed extension) answer
 * 400 with a stable code, never INTERNAL_SERVER_ERROR; the protocol itself
 * (hash alone -> PERSISTED_QUERY_NOT_FOUND, then hash + query, then hash
 * alone) keeps working, for a raw client and for Apollo Client's link.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql as tag } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';

const QUERY = '{ __typename }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describe.each(backends)('automatic persisted queries on %s', (backend) => {
  let db: TestDatabase;
  let server: RunningServer;

  const post = async (body: unknown): Promise<Answer> => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const get = async (params: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${server.url}?${new URLSearchParams(params).toString()}`, { headers: { 'apollo-require-preflight': 'true' } });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const refusal = (answer: Answer) => ({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.code, data: answer.body.data });

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ server } = await startTestServer(db.url));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers a hash that is not the query text\'s with 400 PERSISTED_QUERY_HASH_MISMATCH', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256('{ something { else } }') } };
    const answer = await post({ query: QUERY, extensions });
    expect(refusal(answer)).toEqual({ status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH', data: undefined });
    expect(answer.body.errors?.[0]?.message).toMatch(/sha256Hash/);
    // The same over GET.
    expect(refusal(await get({ query: QUERY, extensions: JSON.stringify(extensions) }))).toMatchObject({ status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' });
  });

  it('answers a version other than 1 with 400 PERSISTED_QUERY_VERSION_NOT_SUPPORTED', async () => {
    for (const version of [2, 0, '1', null]) {
      const answer = await post({ query: QUERY, extensions: { persistedQuery: { version, sha256Hash: sha256(QUERY) } } });
      expect(refusal(answer)).toEqual({ status: 400, code: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED', data: undefined });
    }
    expect(refusal(await post({ extensions: { persistedQuery: { sha256Hash: sha256(QUERY) } } }))).toMatchObject({ status: 400, code: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED' });
  });

  it('answers a malformed persistedQuery extension with 400 BAD_REQUEST', async () => {
    const malformed: unknown[] = ['yes', 1, true, [1], { version: 1 }, { version: 1, sha256Hash: 42 }, { version: 1, sha256Hash: 'abc' }, { version: 1, sha256Hash: sha256(QUERY).toUpperCase() }];
    for (const persistedQuery of malformed) {
      const answer = await post({ extensions: { persistedQuery } });
      expect(refusal(answer), JSON.stringify(persistedQuery)).toEqual({ status: 400, code: 'BAD_REQUEST', data: undefined });
      expect(answer.body.errors?.[0]?.message).not.toMatch(/internal/i);
    }
  });

  it('keeps the protocol: unknown hash -> PERSISTED_QUERY_NOT_FOUND, then registered with the query, then served by hash', async () => {
    const query = '{ nothingHere: __typename }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const missing = await post({ extensions });
    expect(refusal(missing)).toEqual({ status: 200, code: 'PERSISTED_QUERY_NOT_FOUND', data: undefined });
    expect(missing.body.errors?.[0]?.message).toBe('PersistedQueryNotFound');
    expect(await post({ query, extensions })).toEqual({ status: 200, body: { data: { nothingHere: 'Query' } } });
    expect(await post({ extensions })).toEqual({ status: 200, body: { data: { nothingHere: 'Query' } } });
    expect(await get({ extensions: JSON.stringify(extensions) })).toEqual({ status: 200, body: { data: { nothingHere: 'Query' } } });
  });

  it("serves Apollo Client's persisted-query link (hash first, full query on PersistedQueryNotFound)", async () => {
    const sent: Array<{ query: boolean; hash: boolean }> = [];
    const recording: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body)) as { query?: string; extensions?: { persistedQuery?: unknown } };
      sent.push({ query: typeof body.query === 'string', hash: body.extensions?.persistedQuery !== undefined });
      return fetch(input, init);
    };
    const link = new PersistedQueryLink({ sha256: (text: string) => sha256(text) }).concat(new HttpLink({ uri: server.url, fetch: recording }));
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    const QUERY_DOC = tag`query ApqProbe { probe: __typename }`;
    const first = await client.query({ query: QUERY_DOC, fetchPolicy: 'network-only' });
    expect(first.data).toEqual({ probe: 'Query' });
    const second = await client.query({ query: QUERY_DOC, fetchPolicy: 'network-only' });
    expect(second.data).toEqual({ probe: 'Query' });
    // Hash alone (not found), hash + query (registered), then the hash alone is enough.
    expect(sent).toEqual([
      { query: false, hash: true },
      { query: true, hash: true },
      { query: false, hash: true },
    ]);
    client.stop();
  });
});
