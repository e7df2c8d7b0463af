/**
 * SQLite: the same idea as PostgreSQL's named statements (sql.ts), for the
 * store's better-sqlite3 connections. Prisma's adapter prepares every
 * statement afresh (`db.prepare(sql).bind(args)`); compiling the SQL was
 * about a tenth of a deposit's server time in a CPU profile. This keeps the
 * compiled statements of one connection by text and hands the adapter a
 * view that runs the kept statement with the request's arguments (a
 * better-sqlite3 `bind` is permanent, so the statement itself is never bound).
 * SQLite re-prepares a kept statement by itself when the schema changes.
 */
import type Database from 'better-sqlite3';

/**
 * Texts longer than this are compiled each time. A group-commit batch's
 * statements have one text per batch size (64 concurrent deposits: texts of
 * 8-11 KB), and they are the dearest to compile, so they are kept too.
 */
const CACHED_TEXT_MAX = 64_000;
/** Most statements kept per connection (a few per batch size); the oldest goes first. */
const CACHED_MAX = 500;

type Statement = Database.Statement<unknown[]>;

/** What the adapter uses of a statement: `bind(args)`, then `reader`, `run()`, `columns()`, `raw().all()`. */
class KeptStatement {
  constructor(
    private readonly statement: Statement,
    private readonly args: unknown[] = [],
  ) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  bind(args: unknown[]): KeptStatement {
    return new KeptStatement(this.statement, args);
  }

  run() {
    return this.statement.run(...this.args);
  }

  columns() {
    return this.statement.columns();
  }

  raw() {
    return { all: () => this.statement.raw(true).all(...this.args) };
  }
}

/** Makes `db.prepare` keep compiled statements; for connections only Prisma's adapter uses. */
export function keepCompiledStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Statement>();
  const cachedPrepare = (sql: string) => {
    if (sql.length > CACHED_TEXT_MAX) return prepare(sql);
    let statement = kept.get(sql);
    if (!statement) {
      statement = prepare(sql) as Statement;
      if (kept.size >= CACHED_MAX) kept.delete(kept.keys().next().value!);
      kept.set(sql, statement);
    }
    // Used unbound too: the adapter runs `prepare('BEGIN').run()`.
    return new KeptStatement(statement);
  };
  (db as { prepare: unknown }).prepare = cachedPrepare;
}

/** The better-sqlite3 connection inside a connected Prisma adapter (its `client` property). */
export function connectionOf(adapter: unknown): Database.Database {
  const client = (adapter as { client?: Database.Database }).client;
  if (!client || typeof client.prepare !== 'function') throw new Error('Prisma SQLite adapter without a better-sqlite3 client');
  return client;
}
