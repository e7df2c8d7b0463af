/**
 * Pages of several streams' events in one query: for each request, the
 * events after a position and up to a version, oldest first, at most
 * `limit`. Each stream is its own index seek (stream_id, version) bounded by
 * its limit, so the cost follows the pages asked for, not the streams' length.
 */
import { alongOf, tagAlong } from './read-along.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './sql.js';
import type { EventSchemas, SqlExecutor, StoredEvent } from './types.js';

export interface StreamPageRequest {
  readonly streamId: string;
  /** Only events with position > afterPosition. */
  readonly afterPosition: bigint;
  /** Only events with version <= toVersion (a past state lists only the events that made it). */
  readonly toVersion: number;
  readonly limit: number;
  /** Only events whose data holds this value in this top-level field (a name from code, never from input). */
  readonly dataEquals?: { readonly field: string; readonly value: string } | undefined;
}

/** Streams per statement: keeps the statement and its parameters small in both dialects. */
const CHUNK = 100;

/** A top-level field of the JSON data, in each dialect. */
function dataField(dialect: SqlExecutor['dialect'], field: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new Error(`Not a field name: ${field}`);
  return dialect === 'postgresql' ? `(CAST(data AS JSONB) ->> '${field}')` : `json_extract(data, '$.${field}')`;
}

/** `along`: the codec's read-along column (read-along.ts); the pages carry its value from the first statement with rows. */
export async function readStreamPages(reader: SqlExecutor, requests: readonly StreamPageRequest[], schemas?: EventSchemas, along = ''): Promise<StoredEvent[][]> {
  const pages: StoredEvent[][] = requests.map(() => []);
  for (let start = 0; start < requests.length; start += CHUNK) {
    const chunk = requests.slice(start, start + CHUNK);
    const selects = chunk.map((request, i) => {
      const filter = request.dataEquals ? ` AND ${dataField(reader.dialect, request.dataEquals.field)} = ?` : '';
      return `SELECT * FROM (SELECT ${i} AS request, ${EVENT_COLUMNS}${along} FROM events WHERE stream_id = ? AND "position" > ? AND version <= ?${filter} ORDER BY version LIMIT ?) AS p${i}`;
    });
    const params = chunk.flatMap((request) => [
      request.streamId,
      request.afterPosition,
      request.toVersion,
      ...(request.dataEquals ? [request.dataEquals.value] : []),
      request.limit,
    ]);
    const rows = await reader.query<EventRow & { request: unknown }>(selects.join(' UNION ALL '), params);
    for (const row of rows) pages[start + Number(row.request)]!.push(toStoredEvent(row, schemas));
    if (alongOf(pages) === undefined) tagAlong(pages, rows);
  }
  for (const page of pages) page.sort((a, b) => a.version - b.version);
  return pages;
}
