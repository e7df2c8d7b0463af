/**
 * Opens the event store named by a database URL: migrates it, then connects
 * Prisma's driver adapter (and Prisma Client) for that database.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../generated/prisma-sqlite/client.js';
import { PrismaClient as PostgresClient } from '../generated/prisma-postgresql/client.js';
import { dialectOf, migrate, sqlitePath } from './migrate.js';
import { statementNames } from './sql.js';
import { connectionOf, keepCompiledStatements } from './sqlite-statements.js';
import { startCheckpointer } from './checkpoint-worker.js';
import { PrismaEventStore, type ReadClient } from './prisma-store.js';
import pg from 'pg';
import type { EventSchemas, InlineProjection } from './types.js';

/** Bytes the WAL file is cut back to when it starts over (SQLite's autocheckpoint kept it near 4 MB). */
const WAL_LIMIT = 4 * 1024 * 1024;

export interface OpenStoreOptions {
  /** `file:./data/ledger.db` (SQLite) or `postgresql://...`. */
  databaseUrl: string;
  projections?: readonly InlineProjection[];
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** PostgreSQL connections in the pool (default 10). */
  poolSize?: number;
  /** Most requests one append transaction carries (default 500). */
  maxBatch?: number;
  /** SQLite `synchronous`: NORMAL survives a process crash, FULL also a power loss (default NORMAL). */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** PostgreSQL: NOTIFY this channel from every append transaction (wakes other processes' subscriptions). */
  notifyChannel?: string;
  /** Where event timestamps come from (default: the system clock); tests pin it. */
  clock?: () => Date;
  /** The event types' schemas and upcasters (the app's catalog): appends are checked, reads upcast. */
  schemas?: EventSchemas;
}

export async function openEventStore(options: OpenStoreOptions): Promise<PrismaEventStore> {
  const dialect = dialectOf(options.databaseUrl);
  const common = {
    projections: options.projections ?? [],
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    ...(options.notifyChannel === undefined ? {} : { notifyChannel: options.notifyChannel }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.schemas === undefined ? {} : { schemas: options.schemas }),
  };
  if (dialect === 'sqlite') {
    const url = `file:${sqlitePath(options.databaseUrl)}`;
    // Appends run on their own connection, event reads and the read models'
    // Prisma Client on others, so a read never sees a write transaction that
    // is still open. WAL first (switching needs the file to itself), then the schema, then the connections.
    const setup = new Database(sqlitePath(options.databaseUrl), { timeout: 10_000 });
    setup.pragma('journal_mode = WAL');
    setup.close();
    if (options.migrate !== false) await migrate(options.databaseUrl);
    const writer = await new PrismaBetterSqlite3({ url, timeout: 10_000 }).connect();
    // Checkpoints run in a worker thread (checkpoint-worker.ts), not inside the commits of the event loop;
    // when the WAL starts over after one, it is cut back to WAL_LIMIT (a burst between checkpoints may have grown it).
    // secure_delete: what a transaction deletes or overwrites (a destroyed data key, a read model's old row) is zeroed, not left in a free page.
    await writer.executeScript(`PRAGMA synchronous = ${options.sqliteSynchronous ?? 'NORMAL'}; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = ${WAL_LIMIT}; PRAGMA secure_delete = ON`);
    keepCompiledStatements(connectionOf(writer));
    const reader = await new PrismaBetterSqlite3({ url, timeout: 10_000 }).connect();
    await reader.executeScript('PRAGMA query_only = ON');
    keepCompiledStatements(connectionOf(reader));
    const client = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url, timeout: 10_000 }) });
    const checkpointer = startCheckpointer(sqlitePath(options.databaseUrl));
    const store = new PrismaEventStore({ dialect, writer, reader, client, ...common, onClose: () => checkpointer.close() });
    store.onCommit(() => checkpointer.committed());
    await store.initCheckpoints();
    return store;
  }
  if (options.migrate !== false) await migrate(options.databaseUrl);
  // One pool for all three: appends and event reads on the driver adapter, read models through
  // Prisma Client. Sessions in UTC, so timestamps without a zone are never read in local time.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, options: '-c TimeZone=UTC' });
  // An idle connection the server ends (a restart, or the database dropped while the pool is
  // closing: pool.end() does not wait for its sockets) is dropped by the pool; the error it
  // emits must not go unhandled once the adapters have removed their listeners.
  pool.on('error', () => undefined);
  // The store's own statements are prepared by name once each is seen again (one generator: names are per text).
  const names = { statementNameGenerator: statementNames() };
  const writer = await new PrismaPg(pool, names).connect();
  const reader = await new PrismaPg(pool, names).connect();
  const client = new PostgresClient({ adapter: new PrismaPg(pool) });
  const store = new PrismaEventStore({ dialect, writer, reader, client: client as unknown as ReadClient, ...common, onClose: () => pool.end() });
  await store.initCheckpoints();
  return store;
}
