/**
 * Forgetting a person, at its edges (each case a defect found when the
 * feature was reviewed, failing before its fix): the destroyed key's bytes
 * in SQLite's WAL, values that look sealed, what one request sees after a
 * forget inside it, the explorer's caches, and sockets the person holds.
 * (Moving the log with its keys: log-transfer-personal-data.e2e.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '../src/eventstore/migrate.js';
import { keyFileOf } from '../src/privacy/index.js';
import { readKeyFile } from '../src/privacy/master-key.js';
import { openValue, unwrapKey } from '../src/privacy/seal.js';
import { startTestServer, testConfig } from './helpers/app.js';
import { noteDecider, noteModule } from './helpers/note-module.js';
import { spawnServer } from './helpers/process.js';
import { createApp } from '../src/app.js';
import { modules } from '../src/modules.js';
import { forgetUser, registerUser } from '../src/users/use-cases.js';
import { databaseBytes } from './helpers/database-bytes.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql, ok } from './helpers/graphql.js';
import { AUDIENCE, ISSUER, SECRET, bearer, hsToken } from './helpers/tokens.js';
import { launchBrowser } from './helpers/browser.js';
import { waitFor } from './helpers/pages.js';
import { connectRaw } from './helpers/ws.js';
import { before, until } from './helpers/deadline.js';
import { subscribed } from './helpers/subscribe.js';


const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
});

describe('forget edges: SQLite file', () => {
  it('leaves no copy of the destroyed data key in the SQLite file or its WAL (the key file next to it would open every sealed value)', async () => {
    const db = await createDatabase('sqlite');
    dbs.push(db);
    const { server } = await startTestServer(db.url);
    const path = sqlitePath(db.url);
    let wrapped = '';
    let sealedEmail = '';
    let running: Buffer;
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "zelda", email: "zelda.shred@example.org", name: "Zelda Shred"}) { user { id } } }`);
      const peek = new Database(path, { readonly: true, fileMustExist: true });
      try {
        wrapped = (peek.prepare(`SELECT wrapped_key FROM personal_data_keys WHERE subject_id = 'zelda'`).get() as { wrapped_key: string }).wrapped_key;
        sealedEmail = JSON.parse((peek.prepare(`SELECT data FROM events WHERE stream_id = 'zelda' AND version = 1`).get() as { data: string }).data).email;
      } finally {
        peek.close();
      }
      await ok(server.url, `mutation { forgetUser(input: {userId: "zelda"}) { user { forgotten } } }`);
      // Truncated before the answer unless a reader held the WAL past the wait, then soon after: either way
      // without a restart, a shutdown or another write.
      running = await until('the destroyed key gone from the file and the WAL of the running server', async () => {
        const bytes = await databaseBytes(db);
        return bytes.includes(wrapped) ? undefined : bytes;
      });
    } finally {
      await server.close();
    }
    const stopped = await databaseBytes(db);
    // What an attacker holding the directory (database + key file) gets back when the wrapped key survived:
    const master = readKeyFile(keyFileOf(db.url))[0]!;
    expect(openValue(unwrapKey(master, 'zelda', wrapped), 'zelda', sealedEmail)).toBe('zelda.shred@example.org');
    expect({ whileRunning: running.includes(wrapped), afterShutdown: stopped.includes(wrapped) }, 'wrapped key in the database file or its WAL').toEqual({
      whileRunning: false,
      afterShutdown: false,
    });
  }, 60_000);
});

describe('forget edges: SQLite WAL held by a reader', () => {
  it('answers a forget while a long reader holds the WAL, and truncates it once the reader is gone', async () => {
    const db = await createDatabase('sqlite');
    dbs.push(db);
    const { server } = await startTestServer(db.url);
    const path = sqlitePath(db.url);
    const wal = () => (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0));
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "rex", email: "rex@example.org", name: "Rex Held"}) { user { id } } }`);
      const reader = new Database(path, { readonly: true, fileMustExist: true });
      const wrapped = (reader.prepare(`SELECT wrapped_key FROM personal_data_keys WHERE subject_id = 'rex'`).get() as { wrapped_key: string }).wrapped_key;
      // A reader that keeps its snapshot (as an export does) keeps the WAL from being truncated.
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM events').get();
      try {
        await ok(server.url, `mutation { forgetUser(input: {userId: "rex"}) { user { forgotten } } }`);
        expect(wal().includes(wrapped), 'the WAL while the reader holds it').toBe(true);
      } finally {
        reader.exec('COMMIT');
        reader.close();
      }
      // No further forget or checkpoint is needed: the server tries again by itself.
      await until('the WAL truncated after the reader left', () => !wal().includes(wrapped));
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe.each(backends)('forget edges on %s', (backend) => {
  it('seals a name or email that happens to start with "pd1:" (it stays plaintext and survives the forget)', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    const { server } = await startTestServer(db.url);
    try {
      const registered = await ok(
        server.url,
        `mutation { registerUser(input: {userId: "p", email: "pd1:paula.prefix@example.org", name: "pd1:Paula Prefixed"}) { user { name email } } }`,
      );
      expect(registered.registerUser.user).toEqual({ name: 'pd1:Paula Prefixed', email: 'pd1:paula.prefix@example.org' });
      const before = await databaseBytes(db);
      expect(before.includes('Paula Prefixed'), 'name in plaintext before the forget').toBe(false);
      // Read back: the value looked sealed, did not open, and reads as null although nobody was forgotten.
      expect((await ok(server.url, `{ user(id: "p") { name email forgotten } }`)).user).toEqual({ name: 'pd1:Paula Prefixed', email: 'pd1:paula.prefix@example.org', forgotten: false });
      await ok(server.url, `mutation { forgetUser(input: {userId: "p"}) { user { forgotten } } }`);
      const after = await databaseBytes(db);
      expect(after.includes('Paula Prefixed'), 'name in plaintext after the forget').toBe(false);
      expect(after.includes('paula.prefix'), 'email in plaintext after the forget').toBe(false);
    } finally {
      await server.close();

    }
  }, 60_000);

  it('shows an owner forgotten earlier in the same request as forgotten (the per-request usersById loader kept the plaintext)', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    const { server } = await startTestServer(db.url);
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "olga", email: "olga.owner@example.org", name: "Olga Owner"}) { user { id } } }`);
      await ok(server.url, `mutation { openAccount(input: {accountId: "olga-acc", ownerId: "olga", initialBalance: "1.00"}) { account { id } } }`);
      const data = await ok(
        server.url,
        `mutation {
          d1: deposit(input: {accountId: "olga-acc", amount: "1.00"}) { account { owner { name } } }
          f: forgetUser(input: {userId: "olga"}) { user { forgotten name } }
          d2: deposit(input: {accountId: "olga-acc", amount: "1.00"}) { account { owner { name email forgotten } } }
        }`,
      );
      expect(data.d1.account.owner.name).toBe('Olga Owner');
      expect(data.f.user).toEqual({ forgotten: true, name: null });
      expect(data.d2.account.owner).toEqual({ name: null, email: null, forgotten: true });
    } finally {
      await server.close();

    }
  }, 60_000);

  it('refuses a forgotten user who acts later in the same request (the per-request forgottenUsers loader answered "not forgotten")', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    const { server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    try {
      const me = bearer(await hsToken({ sub: 'fred' }));
      const call = async (query: string) => {
        const response = await gql(server.url, query, undefined, me);
        if (response.errors?.length && !response.data) throw new Error(JSON.stringify(response.errors));
        return response;
      };
      expect((await call(`mutation { registerUser(input: {email: "fred@example.org", name: "Fred"}) { user { id } } }`)).errors).toBeUndefined();
      const opened = await call(`mutation { openAccount(input: {ownerId: "fred", initialBalance: "10.00"}) { account { id } } }`);
      const accountId = opened.data!.openAccount.account.id as string;
      const response = await gql(server.url, `mutation {
        d1: deposit(input: {accountId: "${accountId}", amount: "1.00"}) { account { balance } }
        f: forgetUser(input: {userId: "fred"}) { user { forgotten } }
        w: withdraw(input: {accountId: "${accountId}", amount: "5.00"}) { account { balance } }
      }`, undefined, me);
      // (Mutation fields are non-null: the refusal nulls the whole answer.)
      expect(response.data?.w ?? null, 'a withdrawal by a forgotten user').toBeNull();
      expect(response.errors?.map((error) => [error.path?.[0], error.extensions?.code])).toEqual([['w', 'FORGOTTEN']]);
      // Afterwards, in a new request, the same user is refused (that part works).
      const later = await gql(server.url, `mutation { deposit(input: {accountId: "${accountId}", amount: "1.00"}) { account { balance } } }`, undefined, me);
      expect(later.errors?.[0]?.extensions?.code).toBe('FORGOTTEN');
      const admin = bearer(await hsToken({ sub: 'root', roles: ['admin'] }));
      const balance = (await gql(server.url, `{ account(id: "${accountId}") { balance } }`, undefined, admin)).data!.account.balance;
      expect(balance).toBe('11.00');
    } finally {
      await server.close();

    }
  }, 60_000);
});

describe('forget edges: unreadable values', () => {
  it('counts personal values that cannot open (their key is missing) on /metrics, and reads them as null', async () => {
    const db = await createDatabase('sqlite');
    dbs.push(db);
    const { app, server } = await startTestServer(db.url);
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "lou", email: "lou@example.org", name: "Lou Lost"}) { user { id } } }`);
      const metric = async () => Number((await (await fetch(new URL('/metrics', server.url))).text()).match(/^ledger_personal_data_unreadable_total (\d+)/m)?.[1]);
      expect(await metric()).toBe(0);
      // The key row lost (as a move or a restore without keys would lose it), and this process's cache dropped.
      const raw = new Database(sqlitePath(db.url), { fileMustExist: true });
      raw.prepare(`DELETE FROM personal_data_keys WHERE subject_id = 'lou'`).run();
      raw.close();
      app.privacy.keys.clear();
      expect((await ok(server.url, `{ events(streamId: "lou") { edges { node { data } } } }`)).events.edges[0].node.data).toEqual({ userId: 'lou', email: null, name: null });
      expect(await metric()).toBe(2);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe.each(backends)('forget edges: another stream\'s person, on %s', (backend) => {
  it('forgets a person\'s data held in another aggregate\'s stream, whose state was cached before the forget', async () => {
    const db = await createDatabase(backend);
    dbs.push(db);
    const app = await createApp(testConfig(db.url), [...modules, noteModule]);
    try {
      await registerUser(app, { userId: 'nia', email: 'nia@example.org', name: 'Nia' }, {});
      const meta = { correlationId: 'c', causationId: 'c' };
      await app.store.append({ streamId: 'note-1', streamType: 'Note', expectedVersion: 'no_stream', events: [{ type: 'note_written', data: { noteId: 'note-1', authorId: 'nia', text: 'Nia was here' }, metadata: meta }] });
      const notes = app.repository(noteDecider);
      expect((await notes.load('note-1')).state).toEqual({ authorId: 'nia', text: 'Nia was here' });
      await forgetUser(app, { userId: 'nia' }, {});
      expect((await notes.load('note-1')).state, 'the note after its author was forgotten').toEqual({ authorId: 'nia', text: null });
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe.skipIf(!backends.includes('postgresql'))('forget edges: two server processes on PostgreSQL', () => {
  it('stops showing a forgotten person on the process that did not forget them, though its key cache had their key', async () => {
    const db = await createDatabase('postgresql');
    dbs.push(db);
    const [a, b] = await Promise.all([spawnServer({ DATABASE_URL: db.url }), spawnServer({ DATABASE_URL: db.url })]);
    try {
      await ok(a.url, `mutation { registerUser(input: {userId: "pia", email: "pia@example.org", name: "Pia Two"}) { user { id } } }`);
      const read = async () => (await ok(b.url, `{ user(id: "pia", version: 1) { name email forgotten } events(streamId: "pia") { edges { node { data } } } }`));
      // B opens (and caches) Pia's key...
      expect((await read()).user).toEqual({ name: 'Pia Two', email: 'pia@example.org', forgotten: false });
      await ok(a.url, `mutation { forgetUser(input: {userId: "pia"}) { user { forgotten } } }`);
      // ...and the first read after A's forget no longer answers with it.
      const after = await read();
      expect(after.user).toEqual({ name: null, email: null, forgotten: false });
      expect(after.events.edges[0].node.data).toEqual({ userId: 'pia', email: null, name: null });
      expect((await ok(b.url, `{ user(id: "pia") { forgotten } }`)).user.forgotten).toBe(true);
    } finally {
      for (const server of [a, b]) server.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  }, 120_000);
});

describe('forget edges: the explorer', () => {
  it('shows a person forgotten while their stream is open as forgotten: no plaintext left in its timeline or its cached versions', async () => {
    const db = await createDatabase('sqlite');
    dbs.push(db);
    const { server } = await startTestServer(db.url);
    const browser = await launchBrowser();
    try {
      await ok(server.url, `mutation { registerUser(input: {userId: "vera", email: "vera.visible@example.org", name: "Vera Visible"}) { user { id } } }`);
      await ok(server.url, `mutation { updateUser(input: {userId: "vera", name: "Vera Second"}) { user { id } } }`);
      const page = await browser.context.newPage();
      const origin = new URL(server.url).origin;
      await page.goto(`${origin}/explorer?stream=vera`);
      const version = () => page.getByTestId('state').getAttribute('data-version');
      await waitFor('the user at version 2', async () => (await version()) === '2');
      const slider = page.getByTestId('version-slider');
      await slider.focus();
      await slider.press('Home');
      await waitFor('the user at version 1', async () => (await version()) === '1');
      expect(await page.getByTestId('state-name').textContent()).toBe('Vera Visible');

      await ok(server.url, `mutation { forgetUser(input: {userId: "vera"}) { user { forgotten } } }`);
      // The forget reaches the open page live (its timeline follows the stream).
      await waitFor('the forget in the timeline', async () => (await page.getByTestId('timeline').locator('li').count()) === 3);
      await slider.focus();
      await slider.press('Home');
      await waitFor('the user at version 1 again', async () => (await version()) === '1');
      expect(await page.getByTestId('state-name').textContent(), 'version 1 after the forget').toBe('(forgotten)');
      const text = (await page.locator('body').textContent()) ?? '';
      expect(['Vera Visible', 'Vera Second', 'vera.visible'].filter((secret) => text.includes(secret)), 'plaintext on the page after the forget').toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});

describe('forget edges: subscriptions', () => {
  it('closes the sockets of a user who is forgotten (4403): they can no longer act, nor keep reading', async () => {
    const db = await createDatabase('sqlite');
    dbs.push(db);
    const { server } = await startTestServer(db.url, { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    const token = await hsToken({ sub: 'gus' });
    const bystander = await hsToken({ sub: 'ivy' });
    try {
      expect((await gql(server.url, `mutation { registerUser(input: {email: "gus@example.org", name: "Gus"}) { user { id } } }`, undefined, bearer(token))).errors).toBeUndefined();
      const opened = await gql(server.url, `mutation { openAccount(input: {ownerId: "gus", initialBalance: "1.00"}) { account { id } } }`, undefined, bearer(token));
      const accountId = opened.data!.openAccount.account.id as string;
      const gus = await connectRaw(server.wsUrl, { authorization: `Bearer ${token}` });
      const ivy = await connectRaw(server.wsUrl, { authorization: `Bearer ${bystander}` });
      expect([gus.acked, ivy.acked]).toEqual([true, true]);
      gus.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { eventAppended(streamId: "${accountId}") { type } }` } }));
      await subscribed(server, 1);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => gus.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      expect((await gql(server.url, `mutation { forgetUser(input: {userId: "gus"}) { user { forgotten } } }`, undefined, bearer(token))).errors).toBeUndefined();
      expect(await before(10_000, 'the forgotten user\'s socket to close', closed)).toEqual({ code: 4403, reason: 'Forbidden: user forgotten' });
      // Only theirs: another user's socket stays open.
      expect(ivy.socket.readyState).toBe(ivy.socket.OPEN);
      ivy.socket.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
