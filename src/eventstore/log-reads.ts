/**
 * Reads of the event store: the log, streams, snapshots, command records and
 * projection checkpoints, as plain queries on the reader connection.
 */
import { COMMAND_COLUMNS, toCommandRecord, toSnapshot, type CommandRow, type SnapshotRow } from './rows.js';
import { EVENT_COLUMNS, placeholders, toBigInt, toNumber, toStoredEvent, type EventRow } from './sql.js';
import { tagAlong } from './read-along.js';
import { FIRST_POSITION_PARAMS, firstPositionFrom, streamVersionAt } from './time-bounds.js';
import type { CommandRecord, EventSchemas, ReadLogOptions, ReadStreamOptions, Snapshot, SnapshotKind, SqlExecutor, StoredEvent } from './types.js';

const timeParams = (time: Date) => Array.from({ length: FIRST_POSITION_PARAMS }, () => time);

export class LogReads {
  /** The codec's read-along column (read-along.ts), selected with events and snapshots. */
  along = '';

  constructor(
    private readonly reader: SqlExecutor,
    /** Counts the events stream reads return (what snapshots save). */
    private readonly stats: { eventsRead: number },
    /** Upcasts what is read to the current shape of each type. */
    private readonly schemas?: EventSchemas,
  ) {}

  private readonly toEvent = (row: EventRow): StoredEvent => toStoredEvent(row, this.schemas);

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [streamId, options.afterVersion ?? 0];
    let sql = `SELECT ${EVENT_COLUMNS}${this.along} FROM events WHERE stream_id = ? AND version > ?`;
    if (options.toVersion !== undefined) {
      sql += ' AND version <= ?';
      params.push(options.toVersion);
    }
    const rows = await this.reader.query<EventRow>(`${sql} ORDER BY version`, params);
    this.stats.eventsRead += rows.length;
    return tagAlong(rows.map(this.toEvent), rows);
  }

  async readStreams(after: ReadonlyMap<string, number>): Promise<Map<string, StoredEvent[]>> {
    const result = new Map<string, StoredEvent[]>();
    if (after.size === 0) return result;
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [streamId, version] of after) {
      conditions.push('(stream_id = ? AND version > ?)');
      params.push(streamId, version);
      result.set(streamId, []);
    }
    const rows = await this.reader.query<EventRow>(
      `SELECT ${EVENT_COLUMNS}${this.along} FROM events WHERE ${conditions.join(' OR ')} ORDER BY stream_id, version`,
      params,
    );
    this.stats.eventsRead += rows.length;
    for (const row of rows) result.get(row.stream_id)?.push(this.toEvent(row));
    return tagAlong(result, rows);
  }

  async streamVersion(streamId: string, at?: Date): Promise<number> {
    const { sql, params } = at === undefined ? { sql: 'SELECT MAX(version) AS version FROM events WHERE stream_id = ?', params: [streamId] } : streamVersionAt(streamId, at);
    const rows = await this.reader.query<{ version: unknown }>(sql, params);
    const version = rows[0]?.version;
    return version === null || version === undefined ? 0 : toNumber(version);
  }

  async readLog(options: ReadLogOptions): Promise<StoredEvent[]> {
    // Time bounds become position bounds (time-bounds.ts), folded into one range on the primary key.
    const greatest = this.reader.dialect === 'postgresql' ? 'GREATEST' : 'MAX';
    const least = this.reader.dialect === 'postgresql' ? 'LEAST' : 'MIN';
    const conditions = [options.since === undefined ? '"position" > ?' : `"position" >= ${greatest}(CAST(? AS BIGINT) + 1, ${firstPositionFrom(false)})`];
    const params: unknown[] = [options.afterPosition ?? 0n];
    if (options.since !== undefined) params.push(...timeParams(options.since));
    if (options.until !== undefined) {
      conditions.push(`"position" < ${options.upToPosition === undefined ? firstPositionFrom(true) : `${least}(CAST(? AS BIGINT) + 1, ${firstPositionFrom(true)})`}`);
      if (options.upToPosition !== undefined) params.push(options.upToPosition);
      params.push(...timeParams(options.until));
    } else if (options.upToPosition !== undefined) {
      conditions.push('"position" <= ?');
      params.push(options.upToPosition);
    }
    if (options.streamId !== undefined) {
      conditions.push('stream_id = ?');
      params.push(options.streamId);
    }
    if (options.streamType !== undefined) {
      conditions.push('stream_type = ?');
      params.push(options.streamType);
    }
    if (options.types !== undefined) {
      if (options.types.length === 0) return [];
      conditions.push(`type IN (${placeholders(options.types.length)})`);
      params.push(...options.types);
    }
    params.push(options.limit);
    const rows = await this.reader.query<EventRow>(
      `SELECT ${EVENT_COLUMNS}${this.along} FROM events WHERE ${conditions.join(' AND ')} ORDER BY "position"${options.newestFirst ? ' DESC' : ''} LIMIT ?`,
      params,
    );
    return tagAlong(rows.map(this.toEvent), rows);
  }

  async headPosition(): Promise<bigint> {
    const rows = await this.reader.query<{ position: unknown }>('SELECT "position" FROM log_head WHERE id = 1');
    return rows[0] ? toBigInt(rows[0].position) : 0n;
  }

  async findCommand(commandId: string, actor: string): Promise<CommandRecord | null> {
    const rows = await this.reader.query<CommandRow>(`SELECT ${COMMAND_COLUMNS} FROM processed_commands WHERE actor = ? AND command_id = ?`, [actor, commandId]);
    return rows[0] ? toCommandRecord(rows[0]) : null;
  }

  // Snapshots are read only by the decider that wrote them: the same stream type and revision.

  async readSnapshot(streamId: string, maxVersion: number, kind: SnapshotKind): Promise<Snapshot | null> {
    const rows = await this.reader.query<SnapshotRow>(
      `SELECT stream_id, stream_type, version, revision, state${this.along} FROM snapshots WHERE stream_id = ? AND stream_type = ? AND revision = ? AND version <= ? ORDER BY version DESC LIMIT 1`,
      [streamId, kind.streamType, kind.revision, maxVersion],
    );
    return rows[0] ? tagAlong(toSnapshot(rows[0]), rows) : null;
  }

  async readStreamAt(streamId: string, toVersion: number, kind: SnapshotKind | null): Promise<{ snapshot: Snapshot | null; events: StoredEvent[] }> {
    if (kind === null) return { snapshot: null, events: await this.readStream(streamId, { toVersion }) };
    const { streamType, revision } = kind;
    // The snapshot row first (kind 0, its state in `data`), then the events after it.
    const rows = await this.reader.query<EventRow & { kind: unknown }>(
      `WITH s AS (SELECT version, stream_type, state FROM snapshots WHERE stream_id = ? AND stream_type = ? AND revision = ? AND version <= ? ORDER BY version DESC LIMIT 1)
       SELECT 0 AS kind, NULL AS "position", NULL AS id, CAST(? AS TEXT) AS stream_id, s.stream_type, s.version, NULL AS type, NULL AS schema_version, s.state AS data, NULL AS metadata, NULL AS "timestamp"${this.along} FROM s
       UNION ALL
       SELECT 1 AS kind, ${EVENT_COLUMNS}${this.along} FROM events
        WHERE stream_id = ? AND version > COALESCE((SELECT version FROM s), 0) AND version <= ?
       ORDER BY kind, version`,
      [streamId, streamType, revision, toVersion, streamId, streamId, toVersion],
    );
    const first = rows[0];
    const snapshot =
      first && toNumber(first.kind) === 0
        ? toSnapshot({ stream_id: streamId, stream_type: first.stream_type, version: first.version, revision, state: first.data })
        : null;
    const events = (snapshot ? rows.slice(1) : rows).map(this.toEvent);
    this.stats.eventsRead += events.length;
    return tagAlong({ snapshot, events }, rows);
  }

  async readSnapshots(streamIds: readonly string[], kind: SnapshotKind): Promise<Map<string, Snapshot>> {
    const result = new Map<string, Snapshot>();
    if (streamIds.length === 0) return result;
    const rows = await this.reader.query<SnapshotRow>(
      `SELECT s.stream_id, s.stream_type, s.version, s.revision, s.state${this.along} FROM snapshots s
       WHERE s.stream_id IN (${placeholders(streamIds.length)}) AND s.stream_type = ? AND s.revision = ?
         AND s.version = (SELECT MAX(version) FROM snapshots m WHERE m.stream_id = s.stream_id AND m.stream_type = s.stream_type AND m.revision = s.revision)`,
      [...streamIds, kind.streamType, kind.revision],
    );
    for (const row of rows) result.set(row.stream_id, toSnapshot(row));
    return tagAlong(result, rows);
  }

  /** The position the served read model is complete up to; for one not built yet, how far its build has come. */
  async projectionCheckpoint(name: string): Promise<bigint> {
    const rows = await this.reader.query<{ live: unknown; building: unknown }>(
      'SELECT (SELECT "position" FROM projection_checkpoints WHERE name = ?) AS live, (SELECT "position" FROM projection_rebuilds WHERE name = ?) AS building',
      [name, name],
    );
    const found = rows[0]?.live ?? rows[0]?.building;
    return found === null || found === undefined ? 0n : toBigInt(found);
  }
}
