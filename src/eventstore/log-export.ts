/**
 * Writes a database's log as a log file (log-file.ts), streamed page by page:
 * memory stays constant whatever the size of the log. Everything is taken as
 * of the head read first, so an export from a database that keeps serving
 * (and appending) is consistent: the events up to that head, the snapshots of
 * versions within it, the command ids recorded up to it.
 */
import { randomUUID } from 'node:crypto';
import { toDate, toNumber, toBigInt, type Dialect } from './sql.js';
import { LOG_FORMAT, LOG_FORMAT_VERSION, LogChecksums, describeDatabase, type AnyLine, type CommandLine, type EventLine, type LogHeader, type LogSection, type SnapshotLine } from './log-file.js';
import type { SqlExecutor } from './types.js';

const PAGE = 1000;

type Row = Record<string, unknown>;

/** Rows of `select` (which ends in `WHERE <keyset> ORDER BY ... LIMIT n`) page after page. */
async function* pages(sql: SqlExecutor, first: { sql: string; params: unknown[] }, next: (last: Row) => { sql: string; params: unknown[] }): AsyncGenerator<Row> {
  let query = first;
  for (;;) {
    const rows = await sql.query<Row>(query.sql, query.params);
    yield* rows;
    if (rows.length < PAGE) return;
    query = next(rows[rows.length - 1]!);
  }
}

const iso = (value: unknown) => toDate(value).toISOString();

function eventLine(row: Row): EventLine {
  return {
    kind: 'event',
    position: toBigInt(row.position).toString(),
    id: String(row.id),
    streamId: String(row.stream_id),
    streamType: String(row.stream_type),
    version: toNumber(row.version),
    type: String(row.type),
    schemaVersion: toNumber(row.schema_version),
    data: String(row.data),
    metadata: String(row.metadata),
    timestamp: iso(row.timestamp),
  };
}

function snapshotLine(row: Row): SnapshotLine {
  return {
    kind: 'snapshot',
    streamId: String(row.stream_id),
    version: toNumber(row.version),
    streamType: String(row.stream_type),
    revision: toNumber(row.revision),
    state: String(row.state),
    createdAt: iso(row.created_at),
  };
}

function commandLine(row: Row): CommandLine {
  return {
    kind: 'command',
    commandId: String(row.command_id),
    actor: String(row.actor),
    commandType: String(row.command_type),
    streamId: String(row.stream_id),
    firstVersion: toNumber(row.first_version),
    lastVersion: toNumber(row.last_version),
    position: toBigInt(row.position).toString(),
    createdAt: iso(row.created_at),
    ...(row.streams === null || row.streams === undefined ? {} : { streams: String(row.streams) }),
    ...(row.fingerprint === null || row.fingerprint === undefined ? {} : { fingerprint: String(row.fingerprint) }),
  };
}

export interface ExportSource {
  readonly dialect: Dialect;
  readonly url: string;
  readonly sql: SqlExecutor;
  /** When given, the whole export reads through one snapshot: a forget or a new key while it runs is all in or all out. */
  beginSnapshot?(): Promise<{ readonly sql: SqlExecutor; end(): Promise<void> }>;
}

export interface ExportOptions {
  /** Stops at this position (what an earlier export held). */
  readonly upTo?: bigint;
  /** Records of other layers written after the command ids (e.g. people's wrapped data keys); none by default. */
  readonly sections?: readonly LogSection<any>[];
}

/** The log file's lines, each with its newline. */
export async function* exportLog(source: ExportSource, options: ExportOptions = {}): AsyncGenerator<string> {
  const snapshot = source.beginSnapshot ? await source.beginSnapshot() : undefined;
  try {
    yield* exportFrom(source, snapshot?.sql ?? source.sql, options);
  } finally {
    await snapshot?.end();
  }
}

async function* exportFrom(source: ExportSource, sql: SqlExecutor, options: ExportOptions): AsyncGenerator<string> {
  const sections = options.sections ?? [];
  const [headRow] = await sql.query<Row>('SELECT "position" FROM log_head WHERE id = 1');
  const current = headRow ? toBigInt(headRow.position) : 0n;
  const head = options.upTo !== undefined && options.upTo < current ? options.upTo : current;
  const snapshotsWithin = 'EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.stream_id AND e.version = s.version AND e."position" <= ?)';
  const [counts] = await sql.query<Row>(
    `SELECT (SELECT COUNT(*) FROM events WHERE "position" <= ?) AS events,
            (SELECT COUNT(*) FROM snapshots s WHERE ${snapshotsWithin}) AS snapshots,
            (SELECT COUNT(*) FROM processed_commands WHERE "position" <= ?) AS commands`,
    [head, head, head],
  );
  // Section records are not bounded by the head: a key made after it is harmless, a tombstone made after it only forgets sooner.
  // The header's section counts are as of now; the file may hold more (the trailer counts what it holds).
  const sectionCounts: Record<string, number> = {};
  for (const section of sections) sectionCounts[section.countName] = await section.count(sql);
  const checksums = new LogChecksums(sections);
  const emit = (line: AnyLine) => {
    const text = JSON.stringify(line);
    checksums.add(line, text);
    return `${text}\n`;
  };
  const header: LogHeader = {
    kind: 'header',
    format: LOG_FORMAT,
    formatVersion: LOG_FORMAT_VERSION,
    exportId: randomUUID(),
    exportedAt: new Date().toISOString(),
    source: { dialect: source.dialect, database: describeDatabase(source.url) },
    head: head.toString(),
    counts: { events: toNumber(counts?.events ?? 0), snapshots: toNumber(counts?.snapshots ?? 0), commands: toNumber(counts?.commands ?? 0), ...sectionCounts },
  };
  // The header names its own export: it is outside the checksums, so two exports of one log end alike.
  yield `${JSON.stringify(header)}\n`;

  const events = `SELECT "position", id, stream_id, stream_type, version, type, schema_version, data, metadata, "timestamp" FROM events`;
  for await (const row of pages(
    sql,
    { sql: `${events} WHERE "position" <= ? ORDER BY "position" LIMIT ${PAGE}`, params: [head] },
    (last) => ({ sql: `${events} WHERE "position" > ? AND "position" <= ? ORDER BY "position" LIMIT ${PAGE}`, params: [last.position, head] }),
  )) {
    yield emit(eventLine(row));
  }

  const snapshots = `SELECT s.stream_id, s.version, s.stream_type, s.revision, s.state, s.created_at FROM snapshots s`;
  // Servers write snapshots after their commits, so one may arrive while this runs: the file holds as many
  // as its header counted (a snapshot left out only means a longer replay on the target).
  let snapshotsLeft = header.counts.snapshots;
  for await (const row of pages(
    sql,
    { sql: `${snapshots} WHERE ${snapshotsWithin} ORDER BY s.stream_id, s.version LIMIT ${PAGE}`, params: [head] },
    (last) => ({
      sql: `${snapshots} WHERE (s.stream_id > ? OR (s.stream_id = ? AND s.version > ?)) AND ${snapshotsWithin} ORDER BY s.stream_id, s.version LIMIT ${PAGE}`,
      params: [last.stream_id, last.stream_id, last.version, head],
    }),
  )) {
    if (snapshotsLeft-- <= 0) break;
    yield emit(snapshotLine(row));
  }

  const commands = `SELECT command_id, actor, command_type, stream_id, first_version, last_version, "position", created_at, streams, fingerprint FROM processed_commands`;
  for await (const row of pages(
    sql,
    { sql: `${commands} WHERE "position" <= ? ORDER BY actor, command_id LIMIT ${PAGE}`, params: [head] },
    (last) => ({
      sql: `${commands} WHERE (actor > ? OR (actor = ? AND command_id > ?)) AND "position" <= ? ORDER BY actor, command_id LIMIT ${PAGE}`,
      params: [last.actor, last.actor, last.command_id, head],
    }),
  )) {
    yield emit(commandLine(row));
  }

  for (const section of sections) {
    // Every record read, not just as many as the header counted: rows made meanwhile may sort before
    // others, and stopping at the count would then leave out a record that was there from the start
    // (a person's data key). The trailer's counts are the file's; the header's were read first.
    for await (const line of section.lines(sql)) yield emit(line);
  }
  yield `${JSON.stringify(checksums.trailer())}\n`;
}
