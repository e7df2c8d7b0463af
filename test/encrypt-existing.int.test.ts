/**
 * A database written before personal-data encryption (plaintext emails and
 * names in events and snapshots, rows written raw the way that release
 * wrote them) is served as it is, then encrypted in place online: afterwards
 * the plaintext is nowhere in the database (SQLite: file and WAL bytes;
 * PostgreSQL: every table through SQL), every read shows the same values,
 * a second run changes nothing, and forgetting works as on new data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { migrate, migrationNames } from '../src/eventstore/migrate.js';
import { modules } from '../src/modules.js';
import { encryptExisting } from '../src/privacy/encrypt-existing.js';
import { registerUser, forgetUser } from '../src/users/use-cases.js';
import { userDecider } from '../src/users/decider.js';
import { testConfig } from './helpers/app.js';
import { databaseBytes } from './helpers/database-bytes.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { connect } from './helpers/raw-sql.js';
import { until } from './helpers/deadline.js';
import { FORGET_PROJECTION } from '../src/privacy/forget-projection.js';

/** The first migration of this release: everything before it is what the previous release wrote. */
const THIS_RELEASE = '20261203200000_personal_data_keys';
const T = new Date('2026-12-01T10:00:00.000Z');
const SECRETS = ['olga@example.com', 'Olga Oldtimer', 'Olga Renamed', 'pete@example.com', 'Pete Plain'];


describe.each(backends)('encrypting old plaintext personal data in place on %s', (backend) => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());

  it('seals events and snapshots online, reads the same, and leaves no plaintext', async () => {
    db = await createDatabase(backend);
    const previous = migrationNames(db.url).filter((name) => name < THIS_RELEASE);
    await migrate(db.url, { upTo: previous.at(-1)! });
    const raw = await connect(backend, db.url);
    const events: Array<[string, string, number, string, Record<string, string>]> = [
      ['olga', 'User', 1, 'user_registered', { userId: 'olga', email: 'olga@example.com', name: 'Olga Oldtimer' }],
      ['olga', 'User', 2, 'user_updated', { userId: 'olga', name: 'Olga Renamed' }],
      ['pete', 'User', 1, 'user_registered', { userId: 'pete', email: 'pete@example.com', name: 'Pete Plain' }],
      ['olga-acc', 'BankAccount', 1, 'account_created', { accountId: 'olga-acc', ownerId: 'olga', currency: 'USD', initialBalance: '7.00' }],
    ];
    for (const [i, [streamId, streamType, version, type, data]] of events.entries()) {
      await raw.sql.execute('INSERT INTO events ("position", id, stream_id, stream_type, version, type, data, metadata, "timestamp") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        BigInt(i + 1), `old-${i + 1}`, streamId, streamType, version, type, JSON.stringify(data), JSON.stringify({ correlationId: `c-${i}` }), T,
      ]);
    }
    await raw.sql.execute('UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', [BigInt(events.length), T]);
    const olgaSnapshot = { status: 'registered', id: 'olga', email: 'olga@example.com', name: 'Olga Renamed', registeredAt: T.toISOString() };
    await raw.sql.execute('INSERT INTO snapshots (stream_id, version, stream_type, revision, state, created_at) VALUES (?, ?, ?, ?, ?, ?)', ['olga', 2, 'User', 1, JSON.stringify(olgaSnapshot), T]);
    await raw.close();

    // This release starts on it: the plaintext is served as it is until it is encrypted.
    const app = await createApp(testConfig(db.url, { SNAPSHOT_EVERY: '0' }), modules);
    const users = app.repository(userDecider);
    const view = async (id: string) => {
      app.privacy.keys.clear();
      users.forget(id);
      const state = (await users.load(id)).state;
      return state.status === 'registered' ? { email: state.email, name: state.name, forgotten: state.forgotten } : null;
    };
    try {
      expect(await view('olga')).toEqual({ email: 'olga@example.com', name: 'Olga Renamed', forgotten: false });
      expect((await databaseBytes(db)).toString('latin1')).toContain('Olga Oldtimer');

      const snapshots = new Map([['User', { subject: 'id', fields: ['email', 'name'] }]]);
      // Online: a user registers while the rows are rewritten.
      const [result] = await Promise.all([
        encryptExisting(db.url, app.catalog, snapshots, app.privacy.keys),
        registerUser(app, { userId: 'newcomer', email: 'new@example.com', name: 'Newcomer' }, {}),
      ]);
      expect(result).toEqual({ events: 3, snapshots: 1 });
      const text = (await databaseBytes(db)).toString('latin1');
      for (const secret of SECRETS) expect(text.includes(secret), secret).toBe(false);

      expect(await view('olga')).toEqual({ email: 'olga@example.com', name: 'Olga Renamed', forgotten: false });
      expect((await users.loadAt('olga', { version: 1 }, false))?.state).toMatchObject({ name: 'Olga Oldtimer' });
      expect(await view('pete')).toEqual({ email: 'pete@example.com', name: 'Pete Plain', forgotten: false });
      const log = await app.store.readLog({ afterPosition: 0n, limit: 100 });
      expect(log.slice(0, 4).map((event) => event.data)).toEqual(events.map(([, , , , data]) => data));
      // Again: nothing left to do.
      expect(await encryptExisting(db.url, app.catalog, snapshots, app.privacy.keys)).toEqual({ events: 0, snapshots: 0 });

      await forgetUser(app, { userId: 'olga' }, {});
      expect(await view('olga')).toEqual({ email: null, name: null, forgotten: true });
      expect((await users.loadAt('olga', { version: 2 }))?.state).toMatchObject({ email: null, name: null });
      expect(await view('pete')).toMatchObject({ name: 'Pete Plain' });
      // The forget projection (no table of its own) is new in this release: it built itself after the
      // first start, like any new read model, and keeps up with the log since.
      const head = await app.store.headPosition();
      await until('the forget projection caught up', async () => (await app.store.projectionCheckpoint(FORGET_PROJECTION)) === head);
    } finally {
      await app.close();
    }
  }, 60_000);
});
