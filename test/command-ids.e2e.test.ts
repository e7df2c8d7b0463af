/**
 * Command ids belong to the caller who sent them: with authentication on, a
 * repeat of a command id replays the first result only to the principal who
 * issued it. Anyone else using the same id sends a new command (run and
 * recorded under their own name), and never sees the first caller's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql } from './helpers/graphql.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';

const ACCOUNT = `account { id ownerId balance owner { id name email } } events { id position type data metadata }`;
const USER = `user { id name email } events { id position type data metadata }`;

describe.each(backends)('command ids per principal on %s', (backend) => {
  let db: TestDatabase;
  /** Alice's account: its id is chosen by the server. */
  let ALICE_ACC = '';
  let app: App;
  let server: RunningServer;
  const tokens: Record<'alice' | 'mallory' | 'admin', string> = { alice: '', mallory: '', admin: '' };
  const as = (who: keyof typeof tokens, query: string) => gql(server.url, query, undefined, bearer(tokens[who]));

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
    tokens.alice = await hsToken({ sub: 'alice' });
    tokens.mallory = await hsToken({ sub: 'mallory' });
    tokens.admin = await hsToken({ sub: 'root', roles: ['admin'] });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("never replays Alice's command to Mallory, and still replays it to Alice", async () => {
    const register = `mutation { registerUser(input: {email: "alice@example.com", name: "Alice", commandId: "alice-reg"}) { ${USER} } }`;
    const aliceReg = await as('alice', register);
    expect(aliceReg.errors).toBeUndefined();
    const open = `mutation { openAccount(input: {ownerId: "alice", initialBalance: "250.00", commandId: "alice-open"}) { ${ACCOUNT} } }`;
    const aliceOpen = await as('alice', open);
    expect(aliceOpen.errors).toBeUndefined();
    ALICE_ACC = aliceOpen.data?.openAccount.account.id;

    // The attack from the issue: Alice's command id, Mallory as owner (users cannot name the account any more):
    // Mallory's own new command, refused because she has not registered.
    const head = await app.store.headPosition();
    const attack = await as('mallory', `mutation { openAccount(input: {ownerId: "mallory", commandId: "alice-open"}) { ${ACCOUNT} } }`);
    expect(attack.data?.openAccount ?? null).toBeNull();
    expect(attack.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const text = JSON.stringify(attack);
    for (const secret of ['250.00', 'alice@example.com', 'Alice', aliceOpen.data?.openAccount.events[0].id]) expect(text).not.toContain(secret);
    expect(await app.store.headPosition()).toBe(head);

    // Mallory registers herself with Alice's command id: a new command of hers, not Alice's replay.
    const malloryReg = await as('mallory', `mutation { registerUser(input: {email: "m@example.com", name: "Mallory", commandId: "alice-reg"}) { ${USER} } }`);
    expect(malloryReg.errors).toBeUndefined();
    expect(malloryReg.data?.registerUser.user).toEqual({ id: 'mallory', name: 'Mallory', email: 'm@example.com' });
    expect(malloryReg.data?.registerUser.events[0].metadata).toMatchObject({ userId: 'mallory', commandId: 'alice-reg' });

    // Alice's own repeats still answer her first results, appending nothing.
    const before = await app.store.headPosition();
    expect((await as('alice', register)).data).toEqual(aliceReg.data);
    expect((await as('alice', open)).data).toEqual(aliceOpen.data);
    expect(await app.store.headPosition()).toBe(before);

    // Mallory's updateUser with Alice's id for it runs as her own command.
    const aliceUpdate = await as('alice', `mutation { updateUser(input: {userId: "alice", name: "Alice A.", commandId: "alice-upd"}) { ${USER} } }`);
    expect(aliceUpdate.errors).toBeUndefined();
    const malloryUpdate = await as('mallory', `mutation { updateUser(input: {userId: "mallory", name: "Mal", commandId: "alice-upd"}) { ${USER} } }`);
    expect(malloryUpdate.errors).toBeUndefined();
    expect(malloryUpdate.data?.updateUser.user.name).toBe('Mal');

    const afterUpdates = await app.store.headPosition();
    expect((await as('alice', `mutation { updateUser(input: {userId: "alice", name: "Alice A.", commandId: "alice-upd"}) { ${USER} } }`)).data).toEqual(aliceUpdate.data);
    expect(await app.store.headPosition()).toBe(afterUpdates);

    // Mallory's repeat of her own command answers hers.
    expect((await as('mallory', `mutation { registerUser(input: {email: "m@example.com", name: "Mallory", commandId: "alice-reg"}) { ${USER} } }`)).data).toEqual(malloryReg.data);
  });

  it("treats an admin's use of someone's command id as the admin's own command", async () => {
    const first = await as('alice', `mutation { deposit(input: {accountId: "${ALICE_ACC}", amount: "1.00", commandId: "alice-dep"}) { ${ACCOUNT} } }`);
    expect(first.errors).toBeUndefined();
    const byAdmin = await as('admin', `mutation { deposit(input: {accountId: "${ALICE_ACC}", amount: "1.00", commandId: "alice-dep"}) { ${ACCOUNT} } }`);
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data?.deposit.events[0].id).not.toBe(first.data?.deposit.events[0].id);
    expect(byAdmin.data?.deposit.events[0].metadata).toMatchObject({ userId: 'root' });
    expect(byAdmin.data?.deposit.account.balance).toBe('252.00');
  });
});
