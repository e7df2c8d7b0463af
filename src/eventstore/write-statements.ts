/**
 * The statements of an append transaction's write phase, and how they are
 * sent: as one statement on PostgreSQL, one after another on SQLite.
 */
import type { WriteItem, WriteResult } from './batch.js';
import { storedStreams } from './rows.js';
import { EVENT_COLUMNS } from './sql.js';
import type { Carried, CommandRecord, Snapshot, SqlExecutor, StoredEvent } from './types.js';

/** Rows per multi-row INSERT: under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Runs the batch's writes. On PostgreSQL they go as one statement (each a
 * data-modifying CTE, NOTIFY as the main query): one round trip instead of
 * five or six. SQLite runs in-process, so there they simply run in turn.
 */
export async function runTogether(sql: SqlExecutor, statements: Statement[], notify?: { channel: string; head: bigint }): Promise<void> {
  const params = statements.reduce((count, statement) => count + statement.params.length, 0);
  if (sql.dialect === 'postgresql' && statements.length > 0 && params < 60_000) {
    const ctes = statements.map((statement, index) => `w${index} AS (${statement.sql})`).join(',\n');
    const main = notify ? 'SELECT pg_notify(?, ?)' : 'SELECT 1';
    const tail = notify ? [notify.channel, notify.head.toString()] : [];
    await sql.execute(`WITH ${ctes}\n${main}`, [...statements.flatMap((statement) => statement.params), ...tail]);
    return;
  }
  for (const statement of statements) await sql.execute(statement.sql, statement.params);
  if (notify) await sql.execute('SELECT pg_notify(?, ?)', [notify.channel, notify.head.toString()]);
}

/**
 * PostgreSQL: `claim` (a SELECT) and the writes as one statement: the claim
 * as the CTE the main query reads (so it runs first, before the writes,
 * which run as data-modifying CTEs when the main query is done), NOTIFY as
 * the main query. Undefined when the parameters would not fit one statement.
 */
export function claimedStatement(claim: Statement, statements: readonly Statement[], notify?: { channel: string; head: bigint }): Statement | undefined {
  const params = [...claim.params, ...statements.flatMap((statement) => statement.params)];
  if (params.length + 2 >= 60_000) return undefined;
  const ctes = [`head AS (${claim.sql})`, ...statements.map((statement, index) => `w${index} AS (${statement.sql})`)].join(',\n');
  if (notify) return { sql: `WITH ${ctes}\nSELECT pg_notify(?, ?) FROM head`, params: [...params, notify.channel, notify.head.toString()] };
  return { sql: `WITH ${ctes}\nSELECT "position" FROM head`, params };
}

/** What the batch's appended items carry (see Carried), as statements: per `statements` function, once, each value once. */
export function carriedStatements(items: readonly WriteItem[], results: readonly WriteResult[]): Statement[] {
  const byKind = new Map<Carried['statements'], Set<unknown>>();
  items.forEach((item, i) => {
    if (item.kind !== 'append' || !item.carried || results[i]?.status !== 'appended' || item.carried.values.length === 0) return;
    let values = byKind.get(item.carried.statements);
    if (!values) byKind.set(item.carried.statements, (values = new Set()));
    for (const value of item.carried.values) values.add(value);
  });
  return [...byKind].flatMap(([statements, values]) => statements([...values]));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export function eventInserts(events: readonly StoredEvent[]): Statement[] {
  return chunks(events, INSERT_CHUNK).map((chunk) => ({
    sql: `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    params: chunk.flatMap((event) => [
      event.position,
      event.id,
      event.streamId,
      event.streamType,
      event.version,
      event.type,
      event.schemaVersion,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
      event.timestamp,
    ]),
  }));
}

export function commandInserts(commands: ReadonlyArray<CommandRecord & { position: bigint }>, at: Date): Statement[] {
  return chunks(commands, INSERT_CHUNK).map((chunk) => ({
    sql: `INSERT INTO processed_commands (command_id, actor, command_type, stream_id, first_version, last_version, streams, fingerprint, "position", created_at) VALUES ${chunk
      .map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .join(', ')}`,
    params: chunk.flatMap((command) => [
      command.commandId,
      command.actor,
      command.commandType,
      command.streamId,
      command.firstVersion,
      command.lastVersion,
      storedStreams(command),
      command.fingerprint,
      command.position,
      at,
    ]),
  }));
}

export function snapshotInserts(snapshots: readonly Snapshot[], at: Date): Statement[] {
  // One per stream and version (the last wins): two writes of one row in a single statement would clash.
  const latest = new Map<string, Snapshot>();
  for (const snapshot of snapshots) latest.set(`${snapshot.streamId}\u0000${snapshot.version}`, snapshot);
  return [...latest.values()].map((snapshot) => ({
    sql: `INSERT INTO snapshots (stream_id, version, stream_type, revision, state, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (stream_id, version) DO UPDATE SET revision = excluded.revision, state = excluded.state, created_at = excluded.created_at`,
    params: [snapshot.streamId, snapshot.version, snapshot.streamType, snapshot.revision, JSON.stringify(snapshot.state), at],
  }));
}

/**
 * Every projection's checkpoint in one statement. Only rows that exist move:
 * a read model without one (new in this release, still being built online,
 * see online-rebuild.ts) gets its first checkpoint when its build switches,
 * not from an append it may not have seen the stream of.
 */
export function checkpointUpsert(names: readonly string[], position: bigint, at: Date): Statement {
  return {
    sql: `UPDATE projection_checkpoints SET "position" = ?, updated_at = ? WHERE name IN (${names.map(() => '?').join(', ')})`,
    params: [position, at, ...names],
  };
}

export async function saveCheckpoint(sql: SqlExecutor, name: string, position: bigint, at: Date): Promise<void> {
  await sql.execute(
    `INSERT INTO projection_checkpoints (name, "position", updated_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET "position" = excluded."position", updated_at = excluded.updated_at`,
    [name, position, at],
  );
}
