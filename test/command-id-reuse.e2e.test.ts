/**
 * A commandId names one command. Repeated with the same input it replays the
 * first result; repeated by the same caller with other input (another
 * amount, another account, another command) it is refused with
 * BAD_USER_INPUT and `extensions.reason: COMMAND_ID_REUSED`, and appends
 * nothing. Commands recorded before fingerprints were (no fingerprint in
 * their row) keep replaying as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer } from './helpers/app.js';
import { gql, ok } from './helpers/graphql.js';
import { connect } from './helpers/raw-sql.js';

const DEPOSIT = `mutation($id: ID!, $amount: Decimal!, $cmd: ID, $ref: String) {
  deposit(input: {accountId: $id, amount: $amount, commandId: $cmd, reference: $ref}) { account { balance version } events { id } }
}`;
const REUSED = { code: 'BAD_USER_INPUT', field: 'commandId', reason: 'COMMAND_ID_REUSED' };

describe.each(backends)('a commandId reused for another command on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
    await ok(server.url, `mutation { registerUser(input: {userId: "u", email: "u@example.com", name: "U"}) { user { id } } }`);
    for (const id of ['r1', 'r2']) await ok(server.url, `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "u"}) { account { id } } }`, { id });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('replays the same deposit, and refuses the id with another amount, account, reference or command', async () => {
    const first = await gql(server.url, DEPOSIT, { id: 'r1', amount: '10.00', cmd: 'dep-1' });
    expect(first.errors).toBeUndefined();
    const head = await app.store.headPosition();
    expect((await gql(server.url, DEPOSIT, { id: 'r1', amount: '10.00', cmd: 'dep-1' })).data).toEqual(first.data);
    for (const other of [{ amount: '20.00' }, { id: 'r2' }, { ref: 'INV-1' }]) {
      const reused = await gql(server.url, DEPOSIT, { id: 'r1', amount: '10.00', cmd: 'dep-1', ...other });
      expect(reused.data).toBeNull();
      expect(reused.errors?.[0]?.extensions).toEqual(REUSED);
    }
    const withdraw = await gql(server.url, `mutation { withdraw(input: {accountId: "r1", amount: "10.00", commandId: "dep-1"}) { account { balance } } }`);
    expect(withdraw.errors?.[0]?.extensions).toEqual(REUSED);
    expect(await app.store.headPosition()).toBe(head);
    expect((await ok(server.url, `{ account(id: "r1") { balance } }`)).account.balance).toBe('10.00');
  });

  it('refuses a different input racing the first, and lands only the first', async () => {
    const head = await app.store.headPosition();
    const results = await Promise.all([
      gql(server.url, DEPOSIT, { id: 'r2', amount: '1.00', cmd: 'race-1' }),
      gql(server.url, DEPOSIT, { id: 'r2', amount: '2.00', cmd: 'race-1' }),
    ]);
    const landed = results.filter((result) => !result.errors);
    expect(landed).toHaveLength(1);
    expect(results.find((result) => result.errors)?.errors?.[0]?.extensions).toEqual(REUSED);
    expect(await app.store.headPosition()).toBe(head + 1n);
  });

  it('keeps replaying commands recorded before fingerprints, whatever the input', async () => {
    const first = await gql(server.url, DEPOSIT, { id: 'r1', amount: '5.00', cmd: 'old-1' });
    expect(first.errors).toBeUndefined();
    // As an older release wrote it: no fingerprint.
    const raw = await connect(backend, db.url);
    try {
      await raw.sql.execute(`UPDATE processed_commands SET fingerprint = NULL WHERE command_id = ?`, ['old-1']);
    } finally {
      await raw.close();
    }
    const head = await app.store.headPosition();
    expect((await gql(server.url, DEPOSIT, { id: 'r1', amount: '7.00', cmd: 'old-1' })).data).toEqual(first.data);
    expect(await app.store.headPosition()).toBe(head);
  });
});
