/**
 * SQL on Prisma's driver adapters: one SQL text for both dialects (`?`
 * placeholders, rewritten to `$n` for PostgreSQL) and converters for the
 * value shapes each adapter hands back.
 */
import type { ArgType, SqlDriverAdapter, SqlQueryable } from '@prisma/driver-adapter-utils';
import type { EventSchemas, JsonObject, SqlExecutor, StoredEvent } from './types.js';

export type Dialect = 'sqlite' | 'postgresql';

const pgTexts = new Map<string, string>();

function toPostgres(sql: string): string {
  let text = pgTexts.get(sql);
  if (text === undefined) {
    let index = 0;
    text = sql.replace(/\?/g, () => `$${++index}`);
    if (pgTexts.size < 10_000) pgTexts.set(sql, text);
  }
  return text;
}

function argType(value: unknown): ArgType {
  const scalarType =
    typeof value === 'bigint' ? 'bigint'
    : typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float')
    : typeof value === 'boolean' ? 'boolean'
    : value instanceof Date ? 'datetime'
    : 'string';
  return { scalarType, arity: 'scalar' };
}

/**
 * An executor straight on a Prisma driver adapter (connection or
 * transaction), without Prisma Client's query interpreter in between. The
 * append transaction runs about ten statements per batch; on these machines
 * the interpreter costs about half a millisecond of CPU per statement, which
 * the driver adapter alone does not.
 */
export function adapterExecutor(dialect: Dialect, queryable: SqlQueryable): SqlExecutor {
  const text = dialect === 'postgresql' ? toPostgres : (sql: string) => sql;
  const query = (sql: string, params: readonly unknown[]) => ({ sql: text(sql), args: [...params], argTypes: params.map(argType) });
  return {
    dialect,
    execute: (sql, params = []) => queryable.executeRaw(query(sql, params)),
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await queryable.queryRaw(query(sql, params));
      return result.rows.map((values) => {
        const row: Record<string, unknown> = {};
        result.columnNames.forEach((name, index) => (row[name] = values[index]));
        return row as Row;
      });
    },
  };
}

/** Texts longer than this are never prepared by name (big batches amortise their parse over many rows). */
const NAMED_TEXT_MAX = 8_000;
/** Most statement texts one store prepares by name (each is kept on every pooled connection). */
const NAMED_MAX = 100;

/**
 * Log scans (a page size as a parameter) stay unnamed: a prepared statement may
 * be run with a generic plan, and the best plan for a filtered page of the log
 * depends on the filter's values (a rare stream type, a time range).
 */
const PAGED_SCAN = /LIMIT \$\d+/;

/**
 * PostgreSQL: names for the statements a store runs again and again, so each
 * connection parses and plans them once (a prepared statement) instead of on
 * every call. For the one-statement append the parse and plan cost about a
 * millisecond, more than the round trip. Bounded: a text gets a name the
 * second time it is seen, and at most NAMED_MAX texts get one.
 */
export function statementNames(): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  let seen = new Set<string>();
  const generate = ({ sql }: { sql: string }): string | undefined => {
    const name = names.get(sql);
    if (name !== undefined || sql.length > NAMED_TEXT_MAX || names.size >= NAMED_MAX || PAGED_SCAN.test(sql)) return name;
    if (!seen.has(sql)) {
      if (seen.size >= 10_000) seen = new Set();
      seen.add(sql);
      return undefined;
    }
    const fresh = `ledger_${names.size + 1}`;
    names.set(sql, fresh);
    return fresh;
  };
  // Typed as always naming; pg treats an undefined name as the unnamed statement.
  return generate as (query: { sql: string }) => string;
}

/** Runs `work` in one transaction on a driver adapter: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(dialect: Dialect, adapter: SqlDriverAdapter, work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  const transaction = await adapter.startTransaction();
  const none = { args: [], argTypes: [] };
  try {
    const result = await work(adapterExecutor(dialect, transaction));
    await transaction.executeRaw({ sql: 'COMMIT', ...none });
    await transaction.commit();
    return result;
  } catch (error) {
    try {
      await transaction.executeRaw({ sql: 'ROLLBACK', ...none });
    } finally {
      await transaction.rollback();
    }
    throw error;
  }
}

/** `?, ?, ?` for an IN list. */
export const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  throw new TypeError(`Expected an integer, got ${typeof value}`);
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  throw new TypeError(`Expected a number, got ${typeof value}`);
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  throw new TypeError(`Expected a timestamp, got ${typeof value}`);
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return toNumber(value) !== 0;
}

export const EVENT_COLUMNS = '"position", id, stream_id, stream_type, version, type, schema_version, data, metadata, "timestamp"';

export interface EventRow {
  position: unknown;
  id: string;
  stream_id: string;
  stream_type: string;
  version: unknown;
  type: string;
  schema_version: unknown;
  data: string;
  metadata: string;
  timestamp: unknown;
}

/** A stored row as an event, its data in the current shape of its type (`schemas` upcasts older versions). */
export function toStoredEvent(row: EventRow, schemas?: EventSchemas): StoredEvent {
  const storedVersion = toNumber(row.schema_version);
  const stored = JSON.parse(row.data) as JsonObject;
  const schemaVersion = schemas ? Math.max(storedVersion, schemas.versionOf(row.type)) : storedVersion;
  return {
    position: toBigInt(row.position),
    id: row.id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: toNumber(row.version),
    type: row.type,
    schemaVersion,
    storedSchemaVersion: storedVersion,
    data: schemas && storedVersion < schemaVersion ? schemas.upcast(row.type, storedVersion, stored) : stored,
    metadata: JSON.parse(row.metadata) as JsonObject,
    timestamp: toDate(row.timestamp),
  };
}
