/**
 * Every environment variable the server reads, validated once at start.
 * A bad value stops the server with one line naming the variable.
 * The README's configuration table lists the same variables.
 */
export interface Config {
  /** PORT: where HTTP and WebSocket listen. Default 4000. */
  readonly port: number;
  /** HOST: interface to bind. Default 127.0.0.1. */
  readonly host: string;
  /** DATABASE_URL: `file:...` (SQLite) or `postgresql://...`. Default file:./data/ledger.db. */
  readonly databaseUrl: string;
  /** SNAPSHOT_EVERY: write a snapshot every N events of a stream; 0 turns snapshots off. Default 100. */
  readonly snapshotEvery: number;
  /** MAX_QUERY_DEPTH: deepest selection a query may have. Default 12. */
  readonly maxQueryDepth: number;
  /** DEFAULT_PAGE_SIZE: items in a page when `first` is left out. Default 20. */
  readonly defaultPageSize: number;
  /** MAX_PAGE_SIZE: largest `first` accepted. Default 100. */
  readonly maxPageSize: number;
  /** PG_POOL_SIZE: PostgreSQL connections per process. Default 10. */
  readonly poolSize: number;
  /** APPEND_BATCH_MAX: most commands one append transaction carries. Default 500. */
  readonly appendBatchMax: number;
  /** SQLITE_SYNCHRONOUS: NORMAL (survives a process crash) or FULL (also a power loss). Default NORMAL. */
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** SHUTDOWN_TIMEOUT_MS: how long SIGTERM waits for in-flight work before closing. Default 10000. */
  readonly shutdownTimeoutMs: number;
  /** SUBSCRIPTION_BUFFER: live events a subscriber may leave unread before it is closed as too slow. Default 1000. */
  readonly subscriptionBuffer: number;
  /** SUBSCRIPTION_POLL_MS: fallback interval at which the log is read when no wake-up arrives. Default 1000. */
  readonly subscriptionPollMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL || 'file:./data/ledger.db';
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with file: (SQLite) or postgresql:// (PostgreSQL)');
  }
  const synchronous = (env.SQLITE_SYNCHRONOUS || 'NORMAL').toUpperCase();
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') throw new ConfigError('SQLITE_SYNCHRONOUS', `must be NORMAL or FULL, got "${env.SQLITE_SYNCHRONOUS}"`);
  const defaultPageSize = integer(env, 'DEFAULT_PAGE_SIZE', 20, 1, 10_000);
  const maxPageSize = integer(env, 'MAX_PAGE_SIZE', 100, 1, 10_000);
  if (defaultPageSize > maxPageSize) throw new ConfigError('DEFAULT_PAGE_SIZE', `must not exceed MAX_PAGE_SIZE (${maxPageSize})`);
  return {
    port: integer(env, 'PORT', 4000, 0, 65_535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    snapshotEvery: integer(env, 'SNAPSHOT_EVERY', 100, 0, 1_000_000),
    maxQueryDepth: integer(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
    defaultPageSize,
    maxPageSize,
    poolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 1_000),
    appendBatchMax: integer(env, 'APPEND_BATCH_MAX', 500, 1, 10_000),
    sqliteSynchronous: synchronous,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    subscriptionBuffer: integer(env, 'SUBSCRIPTION_BUFFER', 1000, 1, 1_000_000),
    subscriptionPollMs: integer(env, 'SUBSCRIPTION_POLL_MS', 1000, 10, 60_000),
  };
}
