/** A plain SQL connection to a test database (no store, no migrations): for writing rows the way an older release did. */
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { adapterExecutor, type Dialect } from '../../src/eventstore/sql.js';
import type { SqlExecutor } from '../../src/eventstore/types.js';

export async function connect(dialect: Dialect, url: string): Promise<{ sql: SqlExecutor; close(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const adapter: SqlDriverAdapter = await new PrismaBetterSqlite3({ url }).connect();
    return { sql: adapterExecutor(dialect, adapter), close: () => adapter.dispose() };
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const adapter = await new PrismaPg(pool).connect();
  return { sql: adapterExecutor(dialect, adapter), close: async () => (await adapter.dispose(), await pool.end()) };
}
