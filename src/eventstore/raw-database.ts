/**
 * A database by URL without a store on it: one connection (SQLite) or a small
 * pool (PostgreSQL) on Prisma's driver adapters, migrated first, for tools
 * that move whole logs (log-export.ts, log-import.ts).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { dialectOf, migrate, sqlitePath } from './migrate.js';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { adapterExecutor, inTransaction, type Dialect } from './sql.js';
import type { SqlExecutor } from './types.js';

export interface RawDatabase {
  readonly dialect: Dialect;
  readonly url: string;
  /** Statements outside any transaction. */
  readonly sql: SqlExecutor;
  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * A read transaction (SQLite; REPEATABLE READ on PostgreSQL): everything read through it is as of one
   * moment while writers go on. `end` it (nothing is written through it).
   */
  beginSnapshot(): Promise<Snapshot>;
  close(): Promise<void>;
}

export interface Snapshot {
  readonly sql: SqlExecutor;
  end(): Promise<void>;
}

const none = { args: [], argTypes: [] };

async function beginSnapshot(dialect: Dialect, adapter: SqlDriverAdapter): Promise<Snapshot> {
  const transaction = await adapter.startTransaction(dialect === 'postgresql' ? 'REPEATABLE READ' : undefined);
  return {
    sql: adapterExecutor(dialect, transaction),
    end: async () => {
      try {
        await transaction.executeRaw({ sql: 'COMMIT', ...none });
      } finally {
        await transaction.commit();
      }
    },
  };
}

export interface OpenOptions {
  /** A source to read: a SQLite file that is not there is refused (a mistyped path), not made empty. */
  readonly mustExist?: boolean;
}

export async function openRawDatabase(url: string, options: OpenOptions = {}): Promise<RawDatabase> {
  const dialect = dialectOf(url);
  if (dialect === 'sqlite') {
    if (options.mustExist && !existsSync(sqlitePath(url))) throw new Error(`The SQLite database ${sqlitePath(url)} does not exist`);
    const setup = new Database(sqlitePath(url), { timeout: 10_000 });
    setup.pragma('journal_mode = WAL');
    setup.close();
    await migrate(url);
    const adapter = await new PrismaBetterSqlite3({ url: `file:${sqlitePath(url)}`, timeout: 10_000 }).connect();
    return {
      dialect,
      url,
      sql: adapterExecutor(dialect, adapter),
      transaction: (work) => inTransaction(dialect, adapter, work),
      beginSnapshot: () => beginSnapshot(dialect, adapter),
      close: () => adapter.dispose(),
    };
  }
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 2, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  const adapter = await new PrismaPg(pool).connect();
  return {
    dialect,
    url,
    sql: adapterExecutor(dialect, adapter),
    transaction: (work) => inTransaction(dialect, adapter, work),
    beginSnapshot: () => beginSnapshot(dialect, adapter),
    close: async () => {
      await adapter.dispose();
      await pool.end();
    },
  };
}
