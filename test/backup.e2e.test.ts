/**
 * Online backups and the restore drill (src/eventstore/backup.ts): a backup
 * taken with `npm run db:backup` while a server takes deposits holds one
 * consistent moment (the read models and checkpoints agree with its log);
 * restored and started, a server serves the same head, the same log up to
 * it, and the same state of every stream as the source had at that head.
 * The master key stays reachable but apart: a SQLite backup comes with its
 * key file beside it (FILE.master-key, 0600), restored next to the database
 * so people's names read back; PostgreSQL's is LEDGER_MASTER_KEY, never in
 * the dump.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { deposit, openAccount } from '../src/accounts/use-cases.js';
import { registerUser } from '../src/users/use-cases.js';
import { modules } from '../src/modules.js';
import { formatMoney } from '../src/domain/money.js';
import { summarizeLog } from '../src/eventstore/log-summary.js';
import { compareStates } from '../src/cli/copy-log.js';
import { keyFileOf } from '../src/privacy/index.js';
import { masterKeyEnv, masterKeyHexOf, startTestServer } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { until } from './helpers/deadline.js';
import { ok } from './helpers/graphql.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** Every account's read-model balance, and the same folded from the log. */
async function balances(app: App) {
  const rows = await app.readModels.accountReadModel.findMany({ orderBy: { accountId: 'asc' } });
  const folded = new Map<string, bigint>();
  for (const event of await app.store.readLog({ limit: 1_000_000, streamType: 'BankAccount' })) {
    const amount = (field: string) => BigInt(String(event.data[field]).replace('.', ''));
    if (event.type === 'account_created') folded.set(event.streamId, amount('initialBalance'));
    if (event.type === 'money_deposited') folded.set(event.streamId, folded.get(event.streamId)! + amount('amount'));
  }
  return { readModel: Object.fromEntries(rows.map((row) => [row.accountId, row.balance])), folded: Object.fromEntries(folded) };
}

describe.each(backends)('online backup and restore drill, on %s', (backend) => {
  let db: TestDatabase;
  let restored: TestDatabase | undefined;

  beforeAll(async () => {
    db = await createDatabase(backend);
  });
  afterAll(async () => {
    await db?.drop();
    await restored?.drop();
  });

  it('backs up under write load and restores to the same head, log and balances', async () => {
    const { app, server } = await startTestServer(db.url);
    const file = join(dir, backend === 'sqlite' ? 'backup.db' : 'backup.dump');
    let head: bigint;
    try {
      await registerUser(app, { userId: 'owner', email: 'owner@example.com', name: 'Owner' }, {});
      for (let i = 0; i < 10; i++) await openAccount(app, { accountId: `acc-${i}`, ownerId: 'owner', initialBalance: 500n }, {});
      let stopping = false;
      let acknowledged = 0;
      const load = Array.from({ length: 3 }, async (_, w) => {
        for (let n = 0; !stopping; n++) {
          await deposit(app, { accountId: `acc-${(w + n) % 10}`, amount: 1n }, {});
          acknowledged++;
        }
      });
      await until('deposits under way', () => acknowledged > 50);
      const backup = await runCli('src/cli/backup.ts', ['--out', file], { DATABASE_URL: db.url, ...masterKeyEnv(db.url) });
      const during = acknowledged;
      await until('more deposits after the backup', () => acknowledged > during + 50);
      stopping = true;
      await Promise.all(load);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      head = BigInt(/up to position (\d+)/.exec(backup.stdout)![1]!);
      expect(head).toBeGreaterThan(61n);
      expect(head).toBeLessThan(await app.store.headPosition());
      if (backend === 'sqlite') {
        // The key file beside the backup, never inside it, and the operator told to keep it apart.
        expect(backup.stdout).toMatch(/Master key file written to .*backup\.db\.master-key \(mode 0600\).*Store it apart from the backup/);
        expect(statSync(`${file}.master-key`).mode & 0o777).toBe(0o600);
        expect(readFileSync(`${file}.master-key`, 'utf8')).toContain(masterKeyHexOf(db.url));
        expect(readFileSync(file).includes(Buffer.from(masterKeyHexOf(db.url)))).toBe(false);
      } else {
        expect(backup.stdout).toMatch(/The master key is not in the backup: it is LEDGER_MASTER_KEY.*Store it apart from the backup/);
        expect(existsSync(`${file}.master-key`)).toBe(false);
      }

      // Restore: SQLite, the file put in place of a database; PostgreSQL, pg_restore into an empty database.
      let restoredUrl: string;
      if (backend === 'sqlite') {
        const place = mkdtempSync(join(tmpdir(), 'ledger-restored-'));
        copyFileSync(file, join(place, 'ledger.db'));
        restoredUrl = `file:${join(place, 'ledger.db')}`;
        restored = { backend, url: restoredUrl, drop: async () => rmSync(place, { recursive: true, force: true }) };
        // Without its key file the server refuses to start, and says which file to put where.
        await expect(startTestServer(restoredUrl)).rejects.toThrow(/master key file .*ledger\.db\.master-key is missing .*: copy the key file of its backup \(FILE\.master-key/);
        copyFileSync(`${file}.master-key`, keyFileOf(restoredUrl));
      } else {
        restored = await createDatabase('postgresql');
        restoredUrl = restored.url;
        const restore = await runCli('src/cli/restore.ts', ['--in', file, '--database', restoredUrl], {});
        expect(restore.stderr).toBe('');
        expect(restore.code).toBe(0);
      }

      const drill = await startTestServer(restoredUrl);
      try {
        const ready = await fetch(new URL('/readyz', drill.server.url));
        expect(ready.status).toBe(200);
        expect(await drill.app.store.headPosition()).toBe(head);
        // One consistent moment: the read models and their checkpoints match the restored log, with no rebuild.
        for (const name of ['accounts', 'account_summaries']) expect(await drill.app.store.projectionCheckpoint(name)).toBe(head);
        const restoredBalances = await balances(drill.app);
        expect(restoredBalances.readModel).toEqual(restoredBalances.folded);
        // The same log up to the head, and every stream in the state the source had there.
        const summary = (a: App) => summarizeLog({ dialect: a.store.dialect, url: a.config.databaseUrl, sql: a.store.reader }, head);
        expect(await summary(drill.app)).toEqual(await summary(app));
        const mismatches: string[] = [];
        const compared = await compareStates(app.store, drill.app.store, modules, mismatches);
        expect(mismatches).toEqual([]);
        expect(compared).toEqual({ User: 1, BankAccount: 10 });
        // And it serves.
        const answer = await ok(drill.server.url, '{ account(id: "acc-0") { balance owner { name email } } }');
        expect(answer.account.balance).toBe(formatMoney(restoredBalances.folded['acc-0']!));
        // People's data reads back: the restored key opens the restored data keys.
        expect(answer.account.owner).toEqual({ name: 'Owner', email: 'owner@example.com' });
      } finally {
        await drill.server.close();
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
