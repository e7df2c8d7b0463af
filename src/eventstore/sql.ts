/**
 * A thin layer over Prisma's raw queries: one SQL text for both dialects
 * (`?` placeholders, rewritten to `$n` for PostgreSQL) and converters for the
 * value shapes each driver adapter hands back.
 */
import type { JsonObject, SqlExecutor, StoredEvent } from './types.js';

export type Dialect = 'sqlite' | 'postgresql';

/** The part of a Prisma client (or interactive-transaction client) raw SQL needs. */
export interface RawClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

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

export function executor(dialect: Dialect, client: RawClient): SqlExecutor {
  const text = dialect === 'postgresql' ? toPostgres : (sql: string) => sql;
  return {
    dialect,
    execute: (sql, params = []) => client.$executeRawUnsafe(text(sql), ...params),
    query: <Row>(sql: string, params: readonly unknown[] = []) => client.$queryRawUnsafe<Row[]>(text(sql), ...params),
  };
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

export const EVENT_COLUMNS = '"position", id, stream_id, stream_type, version, type, data, metadata, "timestamp"';

export interface EventRow {
  position: unknown;
  id: string;
  stream_id: string;
  stream_type: string;
  version: unknown;
  type: string;
  data: string;
  metadata: string;
  timestamp: unknown;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: toBigInt(row.position),
    id: row.id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: toNumber(row.version),
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as JsonObject,
    timestamp: toDate(row.timestamp),
  };
}
