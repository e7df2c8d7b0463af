/**
 * The HTTP server without Express on /graphql: what body-parser and the
 * Express stack used to do is ours now, so it is pinned here: bodies (limit,
 * chunked, charset, not JSON), headers on GraphQL answers (request id,
 * no-store, CORS with Vary), the probes and unknown paths, remembered
 * tokens that still expire, and the guard's per-document plans that still
 * price each request's variables and check each request's text.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql } from './helpers/graphql.js';
import { until } from './helpers/deadline.js';
import { SECRET, bearer, hsToken } from './helpers/tokens.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the test chooses the headers and how the body is sent (chunks without a length). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; chunks?: Array<string | Buffer> }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

const codeOf = (answer: Answer) => (JSON.parse(answer.body) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code;

describe('GraphQL over node:http', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let origin: string;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    ({ server } = await startTestServer(db.url, { CORS_ORIGINS: 'https://app.example.com' }));
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('refuses a body over 1 MB sent in chunks without a length, and the connection serves the next request', async () => {
    const piece = Buffer.alloc(64 * 1024, 'x');
    const chunks = ['{"query":"{ __typename }","variables":{"pad":"', ...Array.from({ length: 20 }, () => piece), '"}}'];
    const huge = await send(server.url, { headers: { 'content-type': 'application/json' }, chunks });
    expect(huge.status).toBe(413);
    expect(codeOf(huge)).toBe('PAYLOAD_TOO_LARGE');
    expect((await gql(server.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('answers 400 to bodies that are not a JSON object or list, and 415 to a charset other than UTF-8', async () => {
    for (const body of ['"just a string"', '42', '{"query": ']) {
      const answer = await send(server.url, { headers: { 'content-type': 'application/json' }, chunks: [body] });
      expect(answer.status, body).toBe(400);
      expect(codeOf(answer), body).toBe('BAD_REQUEST');
    }
    const latin = await send(server.url, { headers: { 'content-type': 'application/json; charset=latin1' }, chunks: ['{"query":"{ __typename }"}'] });
    expect(latin.status).toBe(415);
    expect(codeOf(latin)).toBe('BAD_REQUEST');
    const utf8 = await send(server.url, { headers: { 'content-type': 'application/json; charset=UTF-8' }, chunks: ['{"query":"{ __typename }"}'] });
    expect(JSON.parse(utf8.body)).toEqual({ data: { __typename: 'Query' } });
    // No body, or a body that is not JSON: Apollo refuses it (no operation, or its CSRF check).
    expect((await send(server.url, { headers: { 'content-type': 'application/json' } })).status).toBe(400);
    const text = await send(server.url, { headers: { 'content-type': 'text/plain' }, chunks: ['{"query":"{ __typename }"}'] });
    expect(text.status).toBe(400);
  });

  it('answers GraphQL with the request id, no-store, and CORS headers (with Vary) for listed origins', async () => {
    const answer = await send(server.url, {
      headers: { 'content-type': 'application/json', origin: 'https://app.example.com', 'x-request-id': 'http-1' },
      chunks: ['{"query":"{ __typename }"}'],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBe('http-1');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(answer.headers.vary)).toContain('Origin');
    expect(answer.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
    const preflight = await send(server.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    const stranger = await send(server.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(stranger.status).toBe(403);
  });

  it('serves the probes to GET and HEAD, 404 elsewhere, and 405 to other methods on /graphql', async () => {
    expect((await send(`${origin}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await send(`${origin}/readyz`, { method: 'GET' })).status).toBe(200);
    expect((await send(`${origin}/nothing-here`, { method: 'GET' })).status).toBe(404);
    const put = await send(server.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, chunks: ['{"query":"{ __typename }"}'] });
    expect(put.status).toBe(405);
  });

  it('prices the same document again for each request\'s page sizes, and checks each request\'s variables for bad text', async () => {
    const pages = 'query($n: Int) { accounts(first: $n) { edges { node { owner { accounts(first: $n) { edges { node { events(first: $n) { edges { node { id } } } } } } } } } } }';
    expect((await gql(server.url, pages, { n: 3 })).errors).toBeUndefined();
    expect((await gql(server.url, pages, { n: 50 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    expect((await gql(server.url, pages, { n: 3 })).errors).toBeUndefined();
    // A page size left out takes the operation's default; sent later on the same document, it is priced as sent.
    const defaulted = pages.replace('query($n: Int)', 'query($n: Int = 3)');
    expect((await gql(server.url, defaulted, {})).errors).toBeUndefined();
    expect((await gql(server.url, defaulted, { n: 50 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    const lookup = 'query($id: ID!) { account(id: $id) { id } }';
    expect((await gql(server.url, lookup, { id: 'plain' })).errors).toBeUndefined();
    expect((await gql(server.url, lookup, { id: 'nul\u0000inside' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('remembered tokens', () => {
  let db: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    ({ server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_CLOCK_TOLERANCE_SECONDS: '0' }));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('refuses a token once it has expired, though it was accepted (and remembered) before', async () => {
    const token = await hsToken({ sub: 'short', roles: ['admin'], expiresIn: 2 });
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    for (let i = 0; i < 3; i++) expect((await gql(server.url, '{ __typename }', undefined, bearer(token))).status).toBe(200);
    const refused = await until('the token to be refused', async () => {
      const answer = await gql(server.url, '{ __typename }', undefined, bearer(token));
      return answer.status === 401 ? answer : undefined;
    });
    // Refused at its expiry (no tolerance configured), not some time later.
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.exp * 1000);
    expect(Date.now()).toBeLessThan(expiresAt.exp * 1000 + 1_000);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
  });

  it('never remembers a refusal: a forged token is refused every time', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await gql(server.url, '{ __typename }', undefined, { authorization: 'Bearer forged.token.here' });
      expect(answer.status).toBe(401);
    }
  });
});
