/**
 * Every string and number the API accepts is checked at the edge: text with
 * NUL or an unpaired surrogate, cursors beyond a 64-bit position, impossible
 * dates, page sizes out of range. Each answers BAD_USER_INPUT on both
 * databases and both transports, and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { collect } from './helpers/subscribe.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';
import { connectRaw, wsClient, wsRequest } from './helpers/ws.js';

const NUL = '\u0000';
const TOO_BIG = '9223372036854775808'; // 2^63
const LARGEST = '9223372036854775807'; // 2^63 - 1

describe.each(backends)('input at the edge on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  let client: Client;
  const codeOf = async (query: string, variables?: Record<string, unknown>) => {
    const overHttp = await gql(server.url, query, variables);
    const overSocket = await wsRequest(client, query, variables);
    return [overHttp.errors?.[0]?.extensions?.code, overSocket.errors?.[0]?.extensions?.code];
  };

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
    client = wsClient(server.wsUrl);
    await ok(server.url, `mutation { registerUser(input: {userId: "in", email: "in@example.com", name: "In"}) { user { id } } }`);
    await ok(server.url, `mutation { openAccount(input: {accountId: "in-a", ownerId: "in"}) { account { id } } }`);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await db?.drop();
  });

  it('refuses NUL and unpaired surrogates in every string, literal or variable, and writes nothing', async () => {
    const head = await app.store.headPosition();
    const cases: Array<[string, Record<string, unknown>?]> = [
      [`{ account(id: "a\\u0000b") { id } }`],
      [`{ account(id: "a\\u{0}b") { id } }`],
      [`query($id: ID!) { account(id: $id) { id } }`, { id: `a${NUL}b` }],
      [`query($id: ID!) { account(id: $id) { id } }`, { id: 'a\ud800' }],
      [`query($id: ID!) { user(id: $id) { id } }`, { id: `u${NUL}` }],
      [`query($id: ID!) { accountSummary(id: $id) { accountId } }`, { id: `u${NUL}` }],
      [`query($o: ID) { accounts(ownerId: $o) { edges { cursor } } }`, { o: `u${NUL}` }],
      [`query($s: ID, $t: String) { events(streamId: $s, streamType: $t) { edges { cursor } } }`, { s: 'in-a', t: `T${NUL}` }],
      [`query($t: [String!]) { events(types: $t) { edges { cursor } } }`, { t: ['money_deposited', `x${NUL}`] }],
      [`mutation($id: ID) { registerUser(input: {userId: $id, email: "n@example.com", name: "N"}) { user { id } } }`, { id: `n${NUL}` }],
      [`mutation($name: String!) { registerUser(input: {email: "n@example.com", name: $name}) { user { id } } }`, { name: `N${NUL}` }],
      [`mutation($input: DepositInput!) { deposit(input: $input) { account { id } } }`, { input: { accountId: 'in-a', amount: '1', description: `d${NUL}` } }],
      [`mutation($input: DepositInput!) { deposit(input: $input) { account { id } } }`, { input: { accountId: 'in-a', amount: '1', commandId: `c${NUL}` } }],
      [`mutation { openAccount(input: {ownerId: "in", accountId: "x\\u0000"}) { account { id } } }`],
      [`subscription($s: ID) { eventAppended(streamId: $s) { position } }`, { s: `s${NUL}` }],
      [`subscription { eventAppended(streamType: "T\u0000") { position } }`],
      [`subscription($t: [String!]) { eventsAppended(types: $t) { caughtUp } }`, { t: [`x${NUL}`] }],
      [`subscription($id: ID!) { accountChanged(id: $id) { id } }`, { id: `in-a${NUL}` }],
      [`{ streamState(id: "in-a\u0000") { version } }`],
      [`query($t: String) { eventTypes(streamType: $t) { type } }`, { t: `BankAccount${NUL}` }],
      [`query($r: String) { account(id: "in-a") { events(reference: $r) { edges { cursor } } } }`, { r: `INV${NUL}` }],
    ];
    for (const [query, variables] of cases) {
      const overHttp = await gql(server.url, query, variables);
      if (!query.startsWith('subscription')) {
        expect(overHttp.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
        expect(overHttp.errors?.[0]?.message, query).toMatch(/NUL character/);
      }
      expect((await wsRequest(client, query, variables)).errors?.[0]?.extensions?.code, `${query} over WebSocket`).toBe('BAD_USER_INPUT');
    }
    expect(await app.store.headPosition()).toBe(head);
    // Well-formed text outside the BMP is fine.
    expect((await gql(server.url, `query($id: ID!) { account(id: $id) { id } }`, { id: 'emoji-😀' })).data).toEqual({ account: null });
  });

  it('refuses cursors beyond the largest position, and takes the largest', async () => {
    for (const query of [
      `{ events(after: "${TOO_BIG}") { edges { cursor } } }`,
      `{ events(last: 5, before: "${TOO_BIG}") { edges { cursor } } }`,
      `{ events(after: "99999999999999999999") { edges { cursor } } }`,
      `{ accounts(after: "${TOO_BIG}") { edges { cursor } } }`,
      `{ account(id: "in-a") { events(after: "${TOO_BIG}") { edges { cursor } } } }`,
    ]) {
      expect(await codeOf(query), query).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    }
    const past = collect(client, `subscription($p: String) { eventAppended(afterPosition: $p) { position } }`, (data) => data.eventAppended.position, { p: TOO_BIG });
    await expect(past.waitFor(1, 5_000)).rejects.toThrow(/BAD_USER_INPUT/);
    expect((await ok(server.url, `{ events(after: "${LARGEST}") { edges { cursor } } accounts(after: "${LARGEST}") { edges { cursor } } }`))).toEqual({
      events: { edges: [] },
      accounts: { edges: [] },
    });
  });

  it('refuses page sizes out of range and names the argument', async () => {
    const last = await gql(server.url, `{ events(last: -1) { edges { cursor } } }`);
    expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    expect(last.errors?.[0]?.message).toMatch(/^last must be/);
    for (const query of [`{ events(first: 2147483647) { edges { cursor } } }`, `{ account(id: "in-a") { events(first: -1) { edges { cursor } } } }`, `{ account(id: "in-a", version: -2147483648) { id } }`]) {
      expect(await codeOf(query), query).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    }
  });

  it('refuses impossible dates and takes real ones', async () => {
    const at = (when: string) => `{ account(id: "in-a", asOf: "${when}") { id } }`;
    for (const impossible of [
      '2026-02-30T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-13-01T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2026-04-31T12:00:00Z',
      '2026-01-01T00:60:00Z',
      '2026-01-01T00:00:60Z',
      '2026-01-01T00:00:00+24:00',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
    ]) {
      expect(await codeOf(at(impossible)), impossible).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    }
    const variable = await gql(server.url, `query($t: DateTime) { events(since: $t) { edges { cursor } } }`, { t: '2026-02-29T00:00:00Z' });
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const real of ['2024-02-29T00:00:00Z', '2000-02-29T23:59:59.999Z', '2026-12-31T23:59:59+14:00', '1970-01-01T00:00Z']) {
      expect((await gql(server.url, at(real))).errors, real).toBeUndefined();
    }
  });
});

/**
 * The token's `sub` is text the API stores (the user id of commands, their
 * ids' owner, events' metadata): a signed token whose `sub` holds NUL or an
 * unpaired surrogate is refused as invalid before any work, on both
 * transports, instead of reaching PostgreSQL (which cannot store NUL).
 */
describe.each(backends)('text in tokens on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('refuses a sub with NUL or an unpaired surrogate as an invalid token, on HTTP and WebSocket, writing nothing', async () => {
    const head = await app.store.headPosition();
    const register = `mutation { registerUser(input: {email: "t@example.com", name: "T", commandId: "t-1"}) { user { id } } }`;
    for (const sub of [`u${NUL}x`, 'u\ud800']) {
      const token = await hsToken({ sub });
      const overHttp = await gql(server.url, register, undefined, bearer(token));
      expect(overHttp.status).toBe(401);
      expect(overHttp.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'invalid' });
      const socket = await connectRaw(server.wsUrl, bearer(token));
      expect(socket.acked).toBe(false);
      expect(socket.code).toBe(4403);
    }
    expect(await app.store.headPosition()).toBe(head);
    // The same token with a well-formed sub works.
    expect((await gql(server.url, register, undefined, bearer(await hsToken({ sub: 'u-😀' })))).data).toEqual({ registerUser: { user: { id: 'u-😀' } } });
  });
});
