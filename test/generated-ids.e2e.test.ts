/**
 * Commands that create a stream whose id the server chooses: a repeat with
 * the same commandId addresses the same stream and replays the first result
 * (before, each repeat drew a new random id and was refused as "a different
 * command"); without a commandId, every command creates its own stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql, ok } from './helpers/graphql.js';

const REGISTER = `mutation($c: ID) { registerUser(input: {email: "g@example.com", name: "G", commandId: $c}) { user { id } events { id } } }`;
const OPEN = `mutation($owner: ID!, $c: ID) { openAccount(input: {ownerId: $owner, initialBalance: "5.00", commandId: $c}) { account { id } events { id } } }`;

describe.each(backends)('server-chosen ids on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers a repeated command with the stream it created, appending nothing', async () => {
    const first = (await ok(server.url, REGISTER, { c: 'reg-g' })).registerUser;
    const head = await app.store.headPosition();
    const again = await gql(server.url, REGISTER, { c: 'reg-g' });
    expect(again.errors).toBeUndefined();
    expect(again.data?.registerUser).toEqual(first);
    const opened = (await ok(server.url, OPEN, { owner: first.user.id, c: 'open-g' })).openAccount;
    const reopened = await gql(server.url, OPEN, { owner: first.user.id, c: 'open-g' });
    expect(reopened.errors).toBeUndefined();
    expect(reopened.data?.openAccount).toEqual(opened);
    expect(await app.store.headPosition()).toBe(head + 1n);
  });

  it('creates a new stream for each command without a commandId', async () => {
    const a = (await ok(server.url, REGISTER, {})).registerUser.user.id;
    const b = (await ok(server.url, REGISTER, {})).registerUser.user.id;
    expect(a).not.toBe(b);
  });
});
