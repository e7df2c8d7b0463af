/**
 * Applies the committed migrations in prisma/<provider>/migrations, the way
 * `prisma migrate deploy` does (same `_prisma_migrations` bookkeeping), using
 * the WebAssembly schema engine: nothing is downloaded.
 */
import { mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DriverAdapterError, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { openSchemaEngine } from './schema-engine.js';
import type { Dialect } from './sql.js';

export const PRISMA_DIR = join(PROJECT_ROOT, 'prisma');

export function dialectOf(databaseUrl: string): Dialect {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (databaseUrl.startsWith('postgresql://') || databaseUrl.startsWith('postgres://')) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)');
}

/** The file behind a `file:` URL; its folder is created when missing. */
export function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('file:'.length).split('?')[0]!;
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return path;
}

/** `upTo`: only the migrations named up to it (inclusive), as an older release shipped them. */
function migrationsList(dialect: Dialect, upTo?: string) {
  const baseDir = join(PRISMA_DIR, dialect, 'migrations');
  const lockPath = join(baseDir, 'migration_lock.toml');
  const directories = readdirSync(baseDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (upTo === undefined || entry.name <= upTo))
    .map((entry) => entry.name)
    .sort();
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

/** Names of the migrations this build ships for a database. */
export function migrationNames(databaseUrl: string): string[] {
  return migrationsList(dialectOf(databaseUrl)).migrationDirectories.map((directory) => directory.path);
}

/** Names of the migrations recorded as finished; empty when the table does not exist yet. */
async function appliedMigrations(databaseUrl: string, dialect: Dialect): Promise<Set<string>> {
  const sql = 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';
  try {
    if (dialect === 'sqlite') {
      const db = new Database(sqlitePath(databaseUrl), { fileMustExist: true, readonly: true, timeout: 10_000 });
      try {
        return new Set((db.prepare(sql).all() as Array<{ migration_name: string }>).map((row) => row.migration_name));
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return new Set((await client.query<{ migration_name: string }>(sql)).rows.map((row) => row.migration_name));
    } finally {
      await client.end();
    }
  } catch {
    return new Set();
  }
}

/**
 * Applies pending migrations; returns the names of those it applied. The
 * engine only starts when something is pending: it wants the SQLite file to
 * itself, and a restart should not pay for loading it. `upTo` stops at that
 * migration (tests build the schema an older release left).
 */
export async function migrate(databaseUrl: string, options: { upTo?: string } = {}): Promise<string[]> {
  const dialect = dialectOf(databaseUrl);
  const list = migrationsList(dialect, options.upTo);
  const applied = await appliedMigrations(databaseUrl, dialect);
  if (list.migrationDirectories.every((directory) => applied.has(directory.path))) return [];
  const schemaText = readFileSync(join(PRISMA_DIR, dialect, 'schema.prisma'), 'utf8');
  const pool = dialect === 'postgresql' ? new pg.Pool({ connectionString: databaseUrl, max: 1, idleTimeoutMillis: 1000 }) : undefined;
  // The engine may keep a pooled connection checked out; close them all when done.
  const connections: pg.PoolClient[] = [];
  pool?.on('connect', (client) => connections.push(client));
  const factory = pool ? new PrismaPg(pool) : new PrismaBetterSqlite3({ url: `file:${sqlitePath(databaseUrl)}` });
  // Keep hold of the connections the engine opens: it leaves them (and on
  // SQLite its lock) open, so they are closed here when the work is done.
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      if (pool) adapter.executeScript = (script) => wholeScript(pool, script);
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await openSchemaEngine(schemaText, tracked);
  try {
    const output = await engine.applyMigrations({
      migrationsList: list,
      filters: { externalTables: [], externalEnums: [] },
    });
    return output.appliedMigrationNames;
  } finally {
    engine.free();
    for (const adapter of opened) await adapter.dispose();
    for (const connection of connections) await connection.end().catch(() => undefined);
    await pool?.end();
  }
}

/**
 * A migration script sent to PostgreSQL whole, as one simple query (as
 * `prisma migrate deploy` sends it). The pg adapter's own executeScript cuts
 * the script at every `;`, which breaks a function body (`$$ ... ; ... $$`).
 */
async function wholeScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    const e = error as { code?: unknown; severity?: unknown; message?: unknown; detail?: string; hint?: string };
    if (typeof e.code !== 'string') throw error;
    throw new DriverAdapterError({
      kind: 'postgres',
      code: e.code,
      severity: typeof e.severity === 'string' ? e.severity : 'ERROR',
      message: String(e.message),
      detail: e.detail,
      column: undefined,
      hint: e.hint,
    });
  }
}
