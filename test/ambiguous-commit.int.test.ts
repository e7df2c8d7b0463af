/**
 * An append whose outcome the store cannot know: the connection to
 * PostgreSQL drops right after the COMMIT (or the one-statement append) was
 * sent, before the answer comes back. The server has committed; the store must
 * notice that (the batch's event ids are its idempotency key), answer each
 * command once, and never apply one twice, also without a commandId. When the
 * transaction certainly did not commit, the commands are carried out once.
 *
 * SQLite has no such case: its commit is a call into the library in this
 * process, which returns its outcome or throws one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { deposit, openAccount } from '../src/accounts/use-cases.js';
import { accountDecider } from '../src/accounts/decider.js';
import { registerUser } from '../src/users/use-cases.js';
import { modules } from '../src/modules.js';
import { POSTGRES_URL, backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { testConfig } from './helpers/app.js';
import { startCuttingProxy, type CuttingProxy } from './helpers/cutting-proxy.js';

describe.runIf(backends.includes('postgresql'))('appends whose commit outcome is unknown on postgresql', () => {
  let db: TestDatabase;
  let proxy: CuttingProxy;
  let direct: App;
  const apps: App[] = [];
  const ACCOUNTS = ['amb-1', 'amb-2', 'amb-3', 'amb-4'];

  /** A process whose connections go through the proxy; its caches hold the accounts, so deposits go out in one batch. */
  const proxiedApp = async () => {
    const app = await createApp(testConfig(proxy.url(db.url)), modules);
    apps.push(app);
    await app.repository(accountDecider).loadMany([...ACCOUNTS, 'amb-warm']);
    return app;
  };
  const deposits = async (accountId: string) => (await direct.store.readStream(accountId)).filter((event) => event.type === 'money_deposited');
  const counts = async () => Promise.all(ACCOUNTS.map(async (id) => (await deposits(id)).length));

  beforeAll(async () => {
    db = await createDatabase('postgresql');
    const upstream = new URL(POSTGRES_URL!);
    proxy = await startCuttingProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    direct = await createApp(testConfig(db.url), modules);
    await registerUser(direct, { userId: 'amb', email: 'amb@example.com', name: 'Amb' }, {});
    for (const accountId of [...ACCOUNTS, 'amb-warm']) await openAccount(direct, { accountId, ownerId: 'amb' }, {});
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await direct?.close();
    await proxy?.close();
    await db?.drop();
  });

  /** Deposits on every account at once while `cut` drops the connection; each must land once and be answered with it. */
  async function depositThroughCut(app: App, cut: RegExp, accounts = ACCOUNTS) {
    const before = await counts();
    const cutting = proxy.cutAfter(cut);
    const results = await Promise.all(accounts.map((accountId) => deposit(app, { accountId, amount: 100n }, {})));
    expect(await cutting).toMatch(cut);
    const after = await counts();
    ACCOUNTS.forEach((id, i) => expect(after[i]! - before[i]!, id).toBe(accounts.includes(id) ? 1 : 0));
    for (const [i, accountId] of accounts.entries()) {
      const stored = (await deposits(accountId)).at(-1)!;
      expect(results[i]!.events.map((event) => event.id)).toEqual([stored.id]);
      expect(results[i]!.version).toBe(stored.version);
    }
  }

  it('resolves a batch whose COMMIT was cut off as committed, applying nothing twice', async () => {
    const app = await proxiedApp();
    // A fresh store has no prediction: its first batch takes the locked path (BEGIN ... COMMIT).
    await depositThroughCut(app, /^COMMIT$/);
    expect(app.store.stats.oneStatement).toBe(0);
  });

  it('resolves a one-statement append that was cut off as committed', async () => {
    const app = await proxiedApp();
    await deposit(app, { accountId: 'amb-warm', amount: 1n }, {});
    const sent = app.store.stats.oneStatement;
    await depositThroughCut(app, /ledger_claim_head/);
    // The cut statement is not counted. The next batch relearns the log on the locked path, the one after goes as one statement again.
    expect(app.store.stats.oneStatement).toBe(sent);
    await deposit(app, { accountId: 'amb-warm', amount: 1n }, {});
    await deposit(app, { accountId: 'amb-warm', amount: 1n }, {});
    expect(app.store.stats.oneStatement).toBe(sent + 1);
  });

  it('answers a lone command whose COMMIT was cut off with its result, not an error', async () => {
    const app = await proxiedApp();
    await depositThroughCut(app, /^COMMIT$/, ['amb-2']);
  });

  it('fails the commands, without retrying them, when whether the batch committed cannot be told', async () => {
    const app = await proxiedApp();
    const before = await counts();
    // The database is unreachable from the moment the COMMIT was sent.
    const cutting = proxy.cutAfter(/^COMMIT$/, { thenRefuse: true });
    const outcomes = await Promise.allSettled(ACCOUNTS.map((accountId) => deposit(app, { accountId, amount: 100n }, {})));
    await cutting;
    proxy.accept();
    expect(outcomes.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).name)).toEqual(ACCOUNTS.map(() => 'UnknownOutcomeError'));
    // An append takes the head lock, so it waits for the cut transaction to end on the server.
    await deposit(direct, { accountId: 'amb-warm', amount: 1n }, {});
    // The batch did commit: each deposit is there once, none was sent again.
    expect((await counts()).map((n, i) => n - before[i]!)).toEqual(ACCOUNTS.map(() => 1));
  });

  it('carries out once the commands of a batch cut off before its COMMIT', async () => {
    const app = await proxiedApp();
    // The write statement of the locked path reaches the server, the COMMIT never does.
    await depositThroughCut(app, /^WITH w0 AS/);
  });
});
