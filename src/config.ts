/**
 * Every environment variable the server reads, validated once at start.
 * A bad value stops the server with one line naming the variable.
 * The README's configuration table lists the same variables.
 */
import { isIP } from 'node:net';

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
  /** AUTH_*: how bearer tokens are checked; absent, the server runs open. */
  readonly auth: AuthConfig | undefined;
  /** MAX_QUERY_ALIASES: most aliased fields one operation may have. Default 30. */
  readonly maxQueryAliases: number;
  /** MAX_QUERY_COST: largest estimated cost (fields times page sizes) of one operation. Default 10000. */
  readonly maxQueryCost: number;
  /** MAX_SUBSCRIPTIONS_PER_CONNECTION: operations one WebSocket may run at once. Default 50. */
  readonly maxSubscriptionsPerConnection: number;
  /** MAX_CONNECTIONS_PER_CLIENT: WebSockets one client (user, else address) may hold open; 0 turns the limit off. Default 0. */
  readonly maxConnectionsPerClient: number;
  /** MUTATION_RATE_LIMIT: mutations per second per client, with bursts of twice that; 0 turns it off. Default 0. */
  readonly mutationRateLimit: number;
  /** CORS_ORIGINS: browser origins allowed to call the API and open WebSockets besides the server's own; `*` is any. Default none. */
  readonly corsOrigins: readonly string[];
  /**
   * ALLOWED_HOSTS: host names a browser may reach the server by (the `Host` of requests that carry
   * `Origin` or `Sec-Fetch-*`), against DNS rebinding. IP addresses are always accepted; `*` accepts
   * any name. Default `localhost`.
   */
  readonly allowedHosts: readonly string[];
  /** GRAPHQL_INTROSPECTION: answer `__schema`/`__type` queries. Default true, false when NODE_ENV=production (as Apollo does). */
  readonly introspection: boolean;
  /** LOG_LEVEL: fatal, error, warn, info, debug, trace or silent. Default info. */
  readonly logLevel: LogLevel;
  /** READY_MAX_PROJECTION_LAG: /readyz fails when a read model is further than this many events behind the log. Default 1000. */
  readonly readyMaxProjectionLag: number;
  /**
   * LEDGER_MASTER_KEY (and LEDGER_MASTER_KEY_PREVIOUS): the master key that wraps every person's data key,
   * 64 hex digits. The server requires it on PostgreSQL (src/privacy/index.ts); on SQLite, left out, a key
   * file next to the database is used (made on first start). Undefined here means "not given": tools that
   * never open personal data (migrations, backups, read-model rebuilds) run without it.
   */
  readonly masterKey: { readonly current: Buffer; readonly previous: readonly Buffer[] } | undefined;
  /** DATA_KEY_CACHE_SIZE: people's data keys each process keeps unwrapped in memory. Default 10000. */
  readonly dataKeyCacheSize: number;
}

/** The documented form of a master key (LEDGER_MASTER_KEY, and each line of a key file). */
export const MASTER_KEY_FORMAT = '64 hex digits (32 random bytes, e.g. from `openssl rand -hex 32`)';

/** One master key as text: 64 hex digits. Undefined when malformed. */
export function parseMasterKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
}

/** LEDGER_MASTER_KEY and LEDGER_MASTER_KEY_PREVIOUS (comma-separated); undefined when not given. */
export function masterKeysOf(env: Env): Config['masterKey'] {
  const parse = (name: string, raw: string): Buffer => {
    const key = parseMasterKey(raw);
    if (!key) throw new ConfigError(name, `must be ${MASTER_KEY_FORMAT}`);
    return key;
  };
  const raw = env.LEDGER_MASTER_KEY;
  if (raw === undefined || raw === '') {
    if (env.LEDGER_MASTER_KEY_PREVIOUS) throw new ConfigError('LEDGER_MASTER_KEY_PREVIOUS', 'needs LEDGER_MASTER_KEY');
    return undefined;
  }
  const previous = (env.LEDGER_MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => parse('LEDGER_MASTER_KEY_PREVIOUS', entry));
  return { current: parse('LEDGER_MASTER_KEY', raw), previous };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface AuthConfig {
  /** AUTH_JWT_SECRET: shared secret for HS256 tokens. */
  readonly jwtSecret?: string | undefined;
  /** AUTH_JWKS_URL: where the public keys for RS256/ES256 tokens are published. */
  readonly jwksUrl?: URL | undefined;
  /** AUTH_ISSUER: required `iss` claim, when set. */
  readonly issuer?: string | undefined;
  /** AUTH_AUDIENCE: required `aud` claim, when set. */
  readonly audience?: string | undefined;
  /** AUTH_REQUIRE_EXP: refuse tokens without an `exp` claim. Default true. */
  readonly requireExp: boolean;
  /** AUTH_CLOCK_TOLERANCE_SECONDS: clock skew allowed when checking `exp` and `nbf`. Default 30. */
  readonly clockToleranceSeconds: number;
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

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** HOST: an IP address (IPv6 with or without brackets) or a host name; anything else is refused before any listen. */
function host(env: Env): string {
  const raw = env.HOST?.trim();
  if (raw === undefined || raw === '') return '127.0.0.1';
  const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(bare) !== 0) return bare;
  // Dotted numbers that are not an IPv4 address (999.1.1.1) would be looked up as a name.
  if (HOST_NAME.test(bare) && !/^[\d.]+$/.test(bare)) return bare;
  throw new ConfigError('HOST', `must be an IP address (0.0.0.0, ::, 127.0.0.1) or a host name, without scheme or port, got "${raw}"`);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function authConfig(env: Env): AuthConfig | undefined {
  const jwtSecret = env.AUTH_JWT_SECRET || undefined;
  const jwks = env.AUTH_JWKS_URL || undefined;
  const issuer = env.AUTH_ISSUER || undefined;
  const audience = env.AUTH_AUDIENCE || undefined;
  if (jwtSecret === undefined && jwks === undefined) {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_REQUIRE_EXP', 'AUTH_CLOCK_TOLERANCE_SECONDS']) {
      if (env[name]) throw new ConfigError(name, 'needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
    }
    return undefined;
  }
  if (jwtSecret !== undefined && jwks !== undefined) throw new ConfigError('AUTH_JWKS_URL', 'cannot be set together with AUTH_JWT_SECRET: choose one');
  // HS256 with a short secret can be brute-forced offline from any token.
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) throw new ConfigError('AUTH_JWT_SECRET', 'must be at least 32 bytes long');
  let jwksUrl: URL | undefined;
  if (jwks !== undefined) {
    try {
      jwksUrl = new URL(jwks);
    } catch {
      throw new ConfigError('AUTH_JWKS_URL', `must be an http(s) URL, got "${jwks}"`);
    }
    if (jwksUrl.protocol !== 'https:' && jwksUrl.protocol !== 'http:') throw new ConfigError('AUTH_JWKS_URL', `must be an http(s) URL, got "${jwks}"`);
  }
  return {
    jwtSecret,
    jwksUrl,
    issuer,
    audience,
    requireExp: boolean(env, 'AUTH_REQUIRE_EXP', true),
    clockToleranceSeconds: integer(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
  };
}

function hosts(env: Env): string[] {
  const raw = env.ALLOWED_HOSTS?.trim();
  if (!raw) return ['localhost'];
  return raw.split(',').map((entry) => {
    const host = entry.trim().toLowerCase();
    if (host === '*') return host;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      throw new ConfigError('ALLOWED_HOSTS', `must be a comma-separated list of host names without port (api.example.com), got "${entry.trim()}"`);
    }
    return host;
  });
}

function origins(env: Env): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (origin === '*') return origin;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError('CORS_ORIGINS', `must be a comma-separated list of origins like https://app.example.com, got "${origin}"`);
    }
    if (url.origin !== origin.replace(/\/$/, '')) throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin (scheme://host[:port], no path)`);
    return url.origin;
  });
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL || 'file:./data/ledger.db';
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with file: (SQLite) or postgresql:// (PostgreSQL)');
  }
  const synchronous = (env.SQLITE_SYNCHRONOUS || 'NORMAL').toUpperCase();
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') throw new ConfigError('SQLITE_SYNCHRONOUS', `must be NORMAL or FULL, got "${env.SQLITE_SYNCHRONOUS}"`);
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const defaultPageSize = integer(env, 'DEFAULT_PAGE_SIZE', 20, 1, 10_000);
  const maxPageSize = integer(env, 'MAX_PAGE_SIZE', 100, 1, 10_000);
  if (defaultPageSize > maxPageSize) throw new ConfigError('DEFAULT_PAGE_SIZE', `must not exceed MAX_PAGE_SIZE (${maxPageSize})`);
  return {
    port: integer(env, 'PORT', 4000, 0, 65_535),
    host: host(env),
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
    auth: authConfig(env),
    maxQueryAliases: integer(env, 'MAX_QUERY_ALIASES', 30, 0, 10_000),
    maxQueryCost: integer(env, 'MAX_QUERY_COST', 10_000, 1, 100_000_000),
    maxSubscriptionsPerConnection: integer(env, 'MAX_SUBSCRIPTIONS_PER_CONNECTION', 50, 1, 100_000),
    // Per-client limits are off by default: on an open server every client behind a proxy is one address.
    maxConnectionsPerClient: integer(env, 'MAX_CONNECTIONS_PER_CLIENT', 0, 0, 100_000),
    mutationRateLimit: integer(env, 'MUTATION_RATE_LIMIT', 0, 0, 1_000_000),
    corsOrigins: origins(env),
    allowedHosts: hosts(env),
    introspection: boolean(env, 'GRAPHQL_INTROSPECTION', env.NODE_ENV !== 'production'),
    logLevel,
    readyMaxProjectionLag: integer(env, 'READY_MAX_PROJECTION_LAG', 1000, 0, 1_000_000_000),
    masterKey: masterKeysOf(env),
    dataKeyCacheSize: integer(env, 'DATA_KEY_CACHE_SIZE', 10_000, 1, 10_000_000),
  };
}
