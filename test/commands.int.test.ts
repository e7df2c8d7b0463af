/** Commands against a real store on every backend: concurrency, atomicity, idempotency, snapshots. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assembleApp, createApp, type App } from '../src/app.js';
import { deposit, openAccount, withdraw, closeAccount } from '../src/accounts/use-cases.js';
import { registerUser, updateUser } from '../src/users/use-cases.js';
import { modules } from '../src/modules.js';
import { DomainError } from '../src/domain/errors.js';
import { formatMoney } from '../src/domain/money.js';
import { fold } from '../src/domain/decider.js';
import { accountDecider } from '../src/accounts/decider.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { testConfig } from './helpers/app.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'OK';
}

describe.each(backends)('commands on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  /**
   * Another server process as far as the commands can tell: its own caches and
   * command queue. On PostgreSQL also its own store and connections; SQLite is
   * one process per file, so there it shares the store (and its one writer).
   */
  let other: App;

  beforeAll(async () => {
    db = await createDatabase(backend);
    app = await createApp(testConfig(db.url, { SNAPSHOT_EVERY: '3' }), modules);
    other = backend === 'postgresql' ? await createApp(testConfig(db.url, { SNAPSHOT_EVERY: '3' }), modules) : await assembleApp(app.config, app.store, modules);
    await registerUser(app, { userId: 'owner', email: 'owner@example.com', name: 'Owner' }, {});
  });
  afterAll(async () => {
    await app?.close();
    if (other !== app && other?.store !== app?.store) await other?.close();
    await db?.drop();
  });

  it('lands 50 parallel deposits on one account without a lost update', async () => {
    await openAccount(app, { accountId: 'hot', ownerId: 'owner' }, {});
    await Promise.all(Array.from({ length: 50 }, (_, i) => deposit(app, { accountId: 'hot', amount: BigInt(i + 1) }, {})));
    const loaded = await app.repository(accountDecider).load('hot');
    expect(loaded.version).toBe(51);
    expect(loaded.state.status === 'open' && loaded.state.balance).toBe(1275n);
  });

  it('retries conflicts between two processes when no expected version was given', async () => {
    await openAccount(app, { accountId: 'shared', ownerId: 'owner' }, {});
    // Warm both caches, then write from both: each side's cache goes stale and must retry.
    await other.repository(accountDecider).load('shared');
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => deposit(i % 2 === 0 ? app : other, { accountId: 'shared', amount: 100n }, {})),
    );
    const events = await app.store.readStream('shared');
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect((await other.repository(accountDecider).load('shared')).state).toMatchObject({ balance: 5000n });
  });

  it('refuses a stale expected version with both versions, and accepts the right one', async () => {
    await openAccount(app, { accountId: 'ev', ownerId: 'owner', initialBalance: 500n }, {});
    await deposit(other, { accountId: 'ev', amount: 1n }, {});
    const error = await deposit(app, { accountId: 'ev', amount: 1n }, { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONCURRENCY_CONFLICT', details: { expectedVersion: 1, actualVersion: 2 } });
    const done = await deposit(app, { accountId: 'ev', amount: 1n }, { expectedVersion: 2 });
    expect(done.version).toBe(3);
  });

  it('appends nothing when a command fails', async () => {
    await openAccount(app, { accountId: 'atomic', ownerId: 'owner', initialBalance: 1000n }, {});
    const head = await app.store.headPosition();
    expect(await codeOf(withdraw(app, { accountId: 'atomic', amount: 1001n }, {}))).toBe('INSUFFICIENT_FUNDS');
    expect(await codeOf(closeAccount(app, { accountId: 'atomic' }, {}))).toBe('BAD_USER_INPUT');
    expect(await codeOf(deposit(app, { accountId: 'nope', amount: 1n }, {}))).toBe('NOT_FOUND');
    expect(await codeOf(openAccount(app, { accountId: 'atomic', ownerId: 'owner' }, {}))).toBe('ALREADY_EXISTS');
    expect(await codeOf(openAccount(app, { accountId: 'orphan', ownerId: 'ghost' }, {}))).toBe('NOT_FOUND');
    // An account id that is already a user's stream is taken, not appended to.
    expect(await codeOf(openAccount(app, { accountId: 'owner', ownerId: 'owner' }, {}))).toBe('ALREADY_EXISTS');
    expect(await codeOf(deposit(app, { accountId: 'atomic', amount: 5n }, { expectedVersion: 7 }))).toBe('CONCURRENCY_CONFLICT');
    expect(await app.store.headPosition()).toBe(head);
    expect(await app.store.findCommand('never', '')).toBeNull();
  });

  it('carries out a repeated command id once and answers the first result', async () => {
    await openAccount(app, { accountId: 'idem', ownerId: 'owner' }, { commandId: 'open-idem' });
    const first = await deposit(app, { accountId: 'idem', amount: 700n }, { commandId: 'dep-1' });
    await deposit(app, { accountId: 'idem', amount: 1n }, {});
    const again = await deposit(other, { accountId: 'idem', amount: 700n }, { commandId: 'dep-1' });
    expect(again.events).toEqual(first.events);
    expect(again.version).toBe(first.version);
    expect(again.state).toEqual(first.state);
    const parallel = await Promise.all(Array.from({ length: 5 }, () => deposit(app, { accountId: 'idem', amount: 50n }, { commandId: 'dep-2' })));
    expect(new Set(parallel.map((r) => r.events[0]!.id)).size).toBe(1);
    const events = await app.store.readStream('idem');
    expect(events.map((e) => e.type)).toEqual(['account_created', 'money_deposited', 'money_deposited', 'money_deposited']);
    expect(events[1]!.metadata).toMatchObject({ commandId: 'dep-1', causationId: 'dep-1' });
    expect(await codeOf(withdraw(app, { accountId: 'idem', amount: 1n }, { commandId: 'dep-1' }))).toBe('BAD_USER_INPUT');
    const update = await updateUser(app, { userId: 'owner', name: 'Owner' }, { commandId: 'noop-update' });
    expect(update.events).toEqual([]);
  });

  it('rebuilds the read models from the log to identical rows, and re-applying changes nothing', async () => {
    const rows = async () => ({
      accounts: await app.store.reader.query('SELECT * FROM accounts ORDER BY account_id'),
      summaries: await app.store.reader.query('SELECT * FROM account_summaries ORDER BY account_id'),
    });
    const before = await rows();
    expect(before.accounts.length).toBeGreaterThan(3);
    const log = await app.store.readLog({ limit: 100_000 });
    // Every event applied a second time: nothing moves.
    for (const name of ['accounts', 'account_summaries']) expect((await app.store.catchUpProjection(name, 0n)).events).toBe(log.length);
    expect(await rows()).toEqual(before);
    for (const name of ['accounts', 'account_summaries']) {
      const result = await app.store.rebuildProjection(name);
      expect(result.events).toBe(log.length);
      expect(await app.store.projectionCheckpoint(name)).toBe(await app.store.headPosition());
    }
    expect(await rows()).toEqual(before);
  });

  it('gives the same state from snapshot + tail as from the whole stream, at every version', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ kind: fc.constant('deposit'), cents: fc.bigInt(1n, 100_000n) }), fc.record({ kind: fc.constant('withdraw'), cents: fc.bigInt(1n, 100_000n) })), {
          minLength: 1,
          maxLength: 25,
        }),
        async (steps) => {
          const id = `prop-${backend}-${run++}`;
          await openAccount(app, { accountId: id, ownerId: 'owner', initialBalance: 50_000n }, {});
          for (const step of steps) {
            const command = step.kind === 'deposit' ? deposit : withdraw;
            await command(app, { accountId: id, amount: step.cents }, {}).catch((error: unknown) => {
              if (!(error instanceof DomainError)) throw error;
            });
          }
          const all = await app.store.readStream(id);
          for (let version = 1; version <= all.length; version++) {
            const replayed = fold(accountDecider.evolve, accountDecider.initialState, all.slice(0, version) as never);
            const viaSnapshot = await app.repository(accountDecider).loadAt(id, { version });
            const withoutSnapshot = await app.repository(accountDecider).loadAt(id, { version }, false);
            expect(viaSnapshot?.state).toEqual(replayed);
            expect(withoutSnapshot?.state).toEqual(replayed);
          }
          // Snapshots are written behind the command, one each time the stream crosses a multiple of 3.
          await vi.waitFor(async () => {
            const snapshots = await app.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM snapshots WHERE stream_id = ?', [id]);
            expect(Number(snapshots[0]!.n)).toBe(Math.floor(all.length / 3));
          });
          const current = await app.repository(accountDecider).load(id);
          expect(current.state.status === 'open' && formatMoney(current.state.balance)).not.toMatch(/^-/);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('ignores snapshots made by another revision of the code', async () => {
    await openAccount(app, { accountId: 'rev', ownerId: 'owner', initialBalance: 100n }, {});
    await deposit(app, { accountId: 'rev', amount: 100n }, {});
    // A snapshot from some other revision claiming a nonsense balance must not be used.
    await app.store.writeSnapshot({ streamId: 'rev', streamType: 'BankAccount', version: 2, revision: 999, state: { status: 'open', balance: '1.00' } });
    const at = await app.repository(accountDecider).loadAt('rev', { version: 2 });
    expect(at?.state).toMatchObject({ balance: 200n });
  });

  it('answers state as of a time', async () => {
    await openAccount(app, { accountId: 'time', ownerId: 'owner', initialBalance: 100n }, {});
    const [created] = await app.store.readStream('time');
    await new Promise((resolve) => setTimeout(resolve, 15));
    await deposit(app, { accountId: 'time', amount: 100n }, {});
    expect(await app.repository(accountDecider).loadAt('time', { asOf: new Date(created!.timestamp.getTime() - 1) })).toBeNull();
    expect((await app.repository(accountDecider).loadAt('time', { asOf: created!.timestamp }))?.state).toMatchObject({ balance: 100n });
    expect((await app.repository(accountDecider).loadAt('time', { asOf: new Date() }))?.state).toMatchObject({ balance: 200n });
    expect(await codeOf(app.repository(accountDecider).loadAt('time', { version: 1, asOf: new Date() }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(app.repository(accountDecider).loadAt('time', { version: 0 }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(app.repository(accountDecider).loadAt('time', { version: 3 }))).toBe('BAD_USER_INPUT');
  });
});
