/**
 * Token lifetimes: a token must carry `exp` (unless AUTH_REQUIRE_EXP=false),
 * and `exp`/`nbf` are checked with AUTH_CLOCK_TOLERANCE_SECONDS of skew, on
 * HTTP and on the WebSocket, whose connection closes when exp + skew passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql } from './helpers/graphql.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';
import { closed, connectRaw } from './helpers/ws.js';

const AUTH = { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE };

describe('token lifetimes', () => {
  let db: TestDatabase;
  const servers: RunningServer[] = [];
  const start = async (overrides: Record<string, string> = {}) => {
    const { server } = await startTestServer(db.url, { ...AUTH, ...overrides });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    db = await createDatabase('sqlite');
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await db?.drop();
  });

  it('refuses a token without exp by default, and takes it when AUTH_REQUIRE_EXP=false', async () => {
    const forever = await hsToken({ sub: 'alice', expiresIn: null });
    const strict = await start();
    const refused = await gql(strict.url, `{ __typename }`, undefined, bearer(forever));
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]).toMatchObject({ message: 'Token has no expiry (exp claim)', extensions: { code: 'UNAUTHENTICATED', reason: 'invalid' } });
    expect(await connectRaw(strict.wsUrl, { authorization: `Bearer ${forever}` })).toMatchObject({ acked: false, code: 4403 });

    const relaxed = await start({ AUTH_REQUIRE_EXP: 'false' });
    expect((await gql(relaxed.url, `{ __typename }`, undefined, bearer(forever))).data).toEqual({ __typename: 'Query' });
    const socket = await connectRaw(relaxed.wsUrl, { authorization: `Bearer ${forever}` });
    expect(socket.acked).toBe(true);
    socket.socket.close();
  });

  it('allows the configured clock skew on exp and nbf, and no more', async () => {
    const server = await start(); // default: 30 s
    const status = async (claims: Parameters<typeof hsToken>[0]) => (await gql(server.url, `{ __typename }`, undefined, bearer(await hsToken(claims)))).status;
    expect(await status({ sub: 'alice', expiresIn: -10 })).toBe(200);
    expect(await status({ sub: 'alice', notBefore: 10 })).toBe(200);
    expect(await status({ sub: 'alice', expiresIn: -60 })).toBe(401);
    expect(await status({ sub: 'alice', notBefore: 120 })).toBe(401);
    const late = await connectRaw(server.wsUrl, { authorization: `Bearer ${await hsToken({ sub: 'alice', expiresIn: -10 })}` });
    expect(late.acked).toBe(true);
    late.socket.close();
  });

  it('closes a WebSocket once its token is past exp plus the skew', async () => {
    const server = await start({ AUTH_CLOCK_TOLERANCE_SECONDS: '2' });
    const connection = await connectRaw(server.wsUrl, { authorization: `Bearer ${await hsToken({ sub: 'alice', expiresIn: 1 })}` });
    expect(connection.acked).toBe(true);
    const opened = Date.now();
    expect(await closed(connection.socket, 8_000)).toBe(4403);
    // exp is in whole seconds, so it lies between 0 and 1 s ahead: the socket lives at least the 2 s of skew.
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1_900);
  });
});
