/**
 * Authentication and authorization, the way clients meet them: over HTTP
 * with Authorization headers and over graphql-ws with connectionParams.
 * Every refusal is checked to have appended nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql } from './helpers/graphql.js';
import { collect, subscribed } from './helpers/subscribe.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken, signToken, startKeyServer, type KeyServer } from './helpers/tokens.js';
import { closed, connectRaw, wsClient, wsRequest } from './helpers/ws.js';

describe.each(backends)('authentication and authorization on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' };
  const clients: Client[] = [];

  const as = (who: keyof typeof tokens, query: string, variables?: Record<string, unknown>) => gql(server.url, query, variables, bearer(tokens[who]));
  const head = () => app.store.headPosition();
  const socketFor = (who: keyof typeof tokens) => {
    const client = wsClient(server.wsUrl, { connectionParams: { authorization: `Bearer ${tokens[who]}` } });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createDatabase(backend);
    // No clock skew here, so an expiring token closes its socket at its exp (tokens.e2e covers the skew).
    ({ app, server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_CLOCK_TOLERANCE_SECONDS: '0' }));
    tokens.alice = await hsToken({ sub: 'alice' });
    tokens.bob = await hsToken({ sub: 'bob' });
    tokens.admin = await hsToken({ sub: 'root', roles: ['admin'] });
    // Alice and Bob register themselves (leaving userId out); an admin opens an account with a readable id for each.
    for (const who of ['alice', 'bob'] as const) {
      const registered = await as(who, `mutation { registerUser(input: {email: "${who}@example.com", name: "${who}"}) { user { id } } }`);
      expect(registered.data?.registerUser.user.id).toBe(who);
      const opened = await as('admin', `mutation { openAccount(input: {accountId: "${who}-acc", ownerId: "${who}", initialBalance: "100.00"}) { account { id } } }`);
      expect(opened.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await server?.close();
    await db?.drop();
  });

  it('refuses anonymous, malformed, expired and forged tokens over HTTP with 401 UNAUTHENTICATED', async () => {
    const before = await head();
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no header', {}, 'missing'],
      ['not bearer', { authorization: 'Basic YWxpY2U6cHc=' }, 'malformed'],
      ['expired', bearer(await hsToken({ sub: 'alice', expiresIn: -60 })), 'expired'],
      ['other secret', bearer(await hsToken({ sub: 'alice' }, 'another-secret-that-is-32-bytes-long!!')), 'invalid'],
      ['wrong issuer', bearer(await hsToken({ sub: 'alice', iss: 'https://evil.test' })), 'invalid'],
      ['wrong audience', bearer(await hsToken({ sub: 'alice', aud: 'someone-else' })), 'invalid'],
      ['no subject', bearer(await hsToken({})), 'invalid'],
      // alg "none": an unsigned token claiming to be the admin.
      ['unsigned', bearer(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'root', roles: ['admin'], iss: ISSUER, aud: AUDIENCE })).toString('base64url')}.`), 'invalid'],
      // A valid token with its payload swapped for an admin's.
      ['tampered', bearer(tamper(tokens.alice, { sub: 'root', roles: ['admin'] })), 'invalid'],
    ];
    for (const [name, headers, reason] of cases) {
      const response = await gql(server.url, `mutation { deposit(input: {accountId: "alice-acc", amount: "1.00"}) { account { balance } } }`, undefined, headers);
      expect(response.status, name).toBe(401);
      expect(response.headers.get('www-authenticate'), name).toMatch(/^Bearer/);
      expect(response.errors?.[0]?.extensions, name).toEqual({ code: 'UNAUTHENTICATED', reason });
      expect(JSON.stringify(response), name).not.toMatch(/JWS|JWT|jose|signature verification/i);
    }
    expect((await gql(server.url, `{ __typename }`)).status).toBe(401);
    expect(await head()).toBe(before);
  });

  it('lets users act only as themselves: register, update, open accounts', async () => {
    const before = await head();
    const refused = [
      await as('alice', `mutation { registerUser(input: {userId: "mallory", email: "m@example.com", name: "M"}) { user { id } } }`),
      await as('alice', `mutation { updateUser(input: {userId: "bob", name: "Bobby"}) { user { id } } }`),
      await as('alice', `mutation { openAccount(input: {accountId: "for-bob", ownerId: "bob"}) { account { id } } }`),
    ];
    for (const response of refused) expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await head()).toBe(before);
    const updated = await as('alice', `mutation { updateUser(input: {userId: "alice", name: "Alice A."}) { user { name } events { metadata } } }`);
    expect(updated.data?.updateUser.user.name).toBe('Alice A.');
    expect(updated.data?.updateUser.events[0].metadata.userId).toBe('alice');
  });

  it("refuses commands on another owner's account and appends nothing", async () => {
    const before = await head();
    for (const mutation of [
      `deposit(input: {accountId: "bob-acc", amount: "5.00"}) { account { balance } }`,
      `withdraw(input: {accountId: "bob-acc", amount: "5.00"}) { account { balance } }`,
      `closeAccount(input: {accountId: "bob-acc"}) { account { isActive } }`,
      `deposit(input: {accountId: "no-such-account", amount: "5.00"}) { account { balance } }`,
    ]) {
      const response = await as('alice', `mutation { ${mutation} }`);
      expect(response.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
      expect(response.data?.[Object.keys(response.data ?? {})[0] ?? ''] ?? null).toBeNull();
    }
    expect(await head()).toBe(before);
    expect((await as('bob', `{ account(id: "bob-acc") { balance } }`)).data?.account.balance).toBe('100.00');
  });

  it('records the acting user in event metadata', async () => {
    const own = await as('alice', `mutation { deposit(input: {accountId: "alice-acc", amount: "1.00"}) { events { metadata } } }`);
    expect(own.data?.deposit.events[0].metadata).toMatchObject({ userId: 'alice' });
    const byAdmin = await as('admin', `mutation { deposit(input: {accountId: "bob-acc", amount: "2.00"}) { events { metadata } } }`);
    expect(byAdmin.data?.deposit.events[0].metadata).toMatchObject({ userId: 'root' });
  });

  it("hides other owners' state, history and time travel", async () => {
    const refused = [
      `{ account(id: "bob-acc") { balance } }`,
      `{ account(id: "bob-acc", version: 1) { balance } }`,
      `{ account(id: "bob-acc", asOf: "2030-01-01T00:00:00Z") { balance } }`,
      `{ accountSummary(id: "bob-acc") { totalDeposits } }`,
      `{ user(id: "bob") { name } }`,
      `{ user(id: "bob", version: 1) { name } }`,
      `{ accounts(ownerId: "bob") { edges { node { id } } } }`,
      `{ events(first: 5) { edges { node { type } } } }`,
      `{ events(streamId: "bob-acc") { edges { node { type } } } }`,
      `{ events(streamId: "bob") { edges { node { type } } } }`,
      `{ account(id: "no-such-account") { balance } }`,
    ];
    for (const query of refused) {
      const response = await as('alice', query);
      expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
      expect(JSON.stringify(response.data ?? null), query).not.toContain('bob');
    }
    const mine = await as('alice', `{ account(id: "alice-acc", version: 1) { balance owner { id accounts { edges { node { id } } } } } accounts { edges { node { id } } } user(id: "alice") { name } events(streamId: "alice-acc") { edges { node { type } } } }`);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.account).toEqual({ balance: '100.00', owner: { id: 'alice', accounts: { edges: [{ node: { id: 'alice-acc' } }] } } });
    // Left out, ownerId means "mine".
    expect(mine.data?.accounts.edges).toEqual([{ node: { id: 'alice-acc' } }]);
    expect(mine.data?.events.edges.length).toBeGreaterThanOrEqual(1);
  });

  it('lets no answer tell which ids exist or whose they are', async () => {
    const before = await head();
    // Users leave the ids of new accounts to the server: taken, free, a user's id or a UUID (a future user's
    // `sub` may be one), every choice answers the same, so no id can be tried, squatted or told apart.
    const futureSub = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
    for (const chosen of ['bob-acc', 'bob', 'free-name', futureSub]) {
      const opened = await as('alice', `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "alice"}) { account { id } } }`, { id: chosen });
      expect(opened.errors?.[0]?.extensions, chosen).toEqual({ code: 'BAD_USER_INPUT', field: 'accountId' });
      expect(opened.errors?.[0]?.message, chosen).toBe('accountId is chosen by the server: leave it out (only admins choose ids)');
    }
    expect(await head()).toBe(before);
    const mine = await as('alice', `mutation { openAccount(input: {ownerId: "alice"}) { account { id } } }`);
    expect(mine.data?.openAccount.account.id).toMatch(/^[0-9a-f-]{36}$/);
    const future = await gql(server.url, `mutation { registerUser(input: {email: "f@example.com", name: "F"}) { user { id } } }`, undefined, bearer(await hsToken({ sub: futureSub })));
    expect(future.data?.registerUser.user.id).toBe(futureSub);
    // Another owner's stream and an id nobody uses answer the same, word for word, on every read and command.
    for (const query of [
      `query($id: ID!) { account(id: $id) { id } }`,
      `query($id: ID!) { accountSummary(id: $id) { accountId } }`,
      `query($id: ID!) { streamState(id: $id) { version } }`,
      `query($id: ID!) { events(streamId: $id) { edges { cursor } } }`,
      `mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1.00"}) { account { id } } }`,
      `mutation($id: ID!) { closeAccount(input: {accountId: $id}) { account { id } } }`,
    ]) {
      const theirs = await as('alice', query, { id: 'bob-acc' });
      const nobodys = await as('alice', query, { id: 'no-such-stream' });
      const user = await as('alice', query, { id: 'bob' });
      expect(theirs.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
      expect({ errors: nobodys.errors, data: nobodys.data }, query).toEqual({ errors: theirs.errors, data: theirs.data });
      expect({ errors: user.errors, data: user.data }, query).toEqual({ errors: theirs.errors, data: theirs.data });
    }
  });

  it('lets admins read and act on everything', async () => {
    const response = await as('admin', `{ account(id: "bob-acc", version: 1) { balance } accounts { edges { node { id } } } events(first: 100) { edges { node { streamId } } } user(id: "alice") { name } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data?.account.balance).toBe('100.00');
    const ids: string[] = response.data?.accounts.edges.map((edge: any) => edge.node.id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(expect.arrayContaining(['alice-acc', 'bob-acc']));
    expect(new Set(response.data?.events.edges.map((edge: any) => edge.node.streamId))).toEqual(new Set(['alice', 'bob', '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', ...ids]));
  });

  it('closes WebSockets without a token with 4401 and with a bad or expired one with 4403', async () => {
    expect(await connectRaw(server.wsUrl)).toMatchObject({ acked: false, code: 4401 });
    expect(await connectRaw(server.wsUrl, { authorization: 'Bearer not.a.token' })).toMatchObject({ acked: false, code: 4403 });
    expect(await connectRaw(server.wsUrl, { authorization: `Bearer ${await hsToken({ sub: 'alice', expiresIn: -60 })}` })).toMatchObject({ acked: false, code: 4403 });
    expect(await connectRaw(server.wsUrl, { authorization: `Bearer ${await hsToken({ sub: 'root', roles: ['admin'] }, 'forged-secret-forged-secret-forged!!')}` })).toMatchObject({ acked: false, code: 4403 });
    const good = await connectRaw(server.wsUrl, { authorization: `Bearer ${tokens.alice}` });
    expect(good.acked).toBe(true);
    good.socket.close();
  });

  it('closes a WebSocket when its token expires', async () => {
    const shortLived = await hsToken({ sub: 'alice', expiresIn: 2 });
    const connection = await connectRaw(server.wsUrl, { authorization: `Bearer ${shortLived}` });
    expect(connection.acked).toBe(true);
    expect(await closed(connection.socket, 6_000)).toBe(4403);
  });

  it("never delivers another owner's events to a subscriber", async () => {
    const alice = socketFor('alice');
    for (const query of [
      `subscription { accountChanged(id: "bob-acc") { balance } }`,
      `subscription { eventAppended { position } }`,
      `subscription { eventAppended(streamId: "bob-acc") { position } }`,
      `subscription { eventAppended(streamType: "BankAccount") { position } }`,
    ]) {
      const result = await wsRequest(alice, query);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    const mine = collect(alice, `subscription { eventAppended(streamId: "alice-acc") { streamId data } }`, (data) => data.eventAppended);
    const changes = collect(alice, `subscription { accountChanged(id: "alice-acc") { balance } }`, (data) => data.accountChanged.balance);
    const everything = collect(socketFor('admin'), `subscription { eventAppended { streamId } }`, (data) => data.eventAppended.streamId);
    await subscribed(server, 3);
    await as('admin', `mutation { deposit(input: {accountId: "bob-acc", amount: "7.00"}) { account { id } } }`);
    await as('alice', `mutation { deposit(input: {accountId: "alice-acc", amount: "3.00"}) { account { id } } }`);
    await everything.waitFor(2);
    await mine.waitFor(1);
    await changes.waitFor(1);
    expect(everything.items).toEqual(['bob-acc', 'alice-acc']);
    expect(mine.items.map((event) => event.streamId)).toEqual(['alice-acc']);
    expect(mine.items[0].data.amount).toBe('3.00');
    // Events arrive in log order: once Alice's next deposit has arrived, nothing else came before it.
    await as('admin', `mutation { deposit(input: {accountId: "bob-acc", amount: "1.00"}) { account { id } } }`);
    await as('alice', `mutation { deposit(input: {accountId: "alice-acc", amount: "2.00"}) { account { id } } }`);
    await mine.waitFor(2);
    await changes.waitFor(2);
    expect(mine.items.map((event) => [event.streamId, event.data.amount])).toEqual([
      ['alice-acc', '3.00'],
      ['alice-acc', '2.00'],
    ]);
    expect(changes.items).toHaveLength(2);
    mine.stop();
    changes.stop();
    everything.stop();
  });

  it('runs mutations over the WebSocket under the same rules', async () => {
    const alice = socketFor('alice');
    const refused = await wsRequest(alice, `mutation { deposit(input: {accountId: "bob-acc", amount: "1.00"}) { account { balance } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await wsRequest(alice, `mutation { deposit(input: {accountId: "alice-acc", amount: "1.00"}) { events { metadata } } }`);
    expect(own.data?.deposit.events[0].metadata.userId).toBe('alice');
  });
});

describe('tokens signed with keys from a JWKS URL', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let keys: KeyServer;

  beforeAll(async () => {
    keys = await startKeyServer();
    db = await createDatabase('sqlite');
    ({ server } = await startTestServer(db.url, { AUTH_JWKS_URL: keys.url, AUTH_ISSUER: ISSUER }));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    await keys?.close();
  });

  it('accepts RS256 and ES256 tokens from the published keys and refuses others', async () => {
    const query = `{ __typename }`;
    const rs = await signToken(keys.rsa, { sub: 'carol' }, { alg: 'RS256', kid: 'rsa-1' });
    const es = await signToken(keys.ec, { sub: 'carol' }, { alg: 'ES256', kid: 'ec-1' });
    expect((await gql(server.url, query, undefined, bearer(rs))).status).toBe(200);
    expect((await gql(server.url, query, undefined, bearer(es))).status).toBe(200);
    const { generateKeyPair } = await import('jose');
    const stranger = await generateKeyPair('RS256');
    const strangers = await signToken(stranger.privateKey, { sub: 'carol' }, { alg: 'RS256', kid: 'rsa-1' });
    // HS256 "signed" with the public key's text: the classic algorithm confusion.
    const confused = await hsToken({ sub: 'carol' }, JSON.stringify(keys.url).padEnd(40, '!'));
    for (const token of [strangers, confused]) {
      const response = await gql(server.url, query, undefined, bearer(token));
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const ws = await connectRaw(server.wsUrl, { authorization: `Bearer ${es}` });
    expect(ws.acked).toBe(true);
    ws.socket.close();
  });
});

/** A token with its payload replaced and the original signature kept. */
function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const original = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...original, ...claims })).toString('base64url')}.${signature}`;
}
