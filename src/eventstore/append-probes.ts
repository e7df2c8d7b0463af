/**
 * What the locked append path reads under the head lock before it decides a
 * batch: where each stream of the batch is, and which of its command ids are
 * already recorded. Statements are chunked so a large batch stays within the
 * databases' parameter limits.
 */
import { commandKey, type StreamState } from './batch.js';
import { COMMAND_COLUMNS, toCommandRecord, type CommandRow } from './rows.js';
import { toNumber } from './sql.js';
import type { CommandRecord, MultiStreamAppendRequest, SqlExecutor } from './types.js';

/** Streams (or command ids) probed per statement. */
const PROBE_CHUNK = 100;

/** The current version and type of every stream the batch appends to (one index probe each, newest version first). */
export async function probeStreams(sql: SqlExecutor, appends: readonly MultiStreamAppendRequest[]): Promise<Map<string, StreamState>> {
  const streams = new Map<string, { version: number; type: string }>();
  const ids = [...new Set(appends.flatMap((request) => request.streams.map((part) => part.streamId)))];
  for (let start = 0; start < ids.length; start += PROBE_CHUNK) {
    const chunk = ids.slice(start, start + PROBE_CHUNK);
    // One index probe per stream (newest version first), in both dialects.
    const probes = chunk.map(
      (_, i) => `SELECT * FROM (SELECT stream_id, version, stream_type FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1) AS s${i}`,
    );
    const rows = await sql.query<{ stream_id: string; version: unknown; stream_type: string }>(probes.join(' UNION ALL '), chunk);
    for (const row of rows) streams.set(row.stream_id, { version: toNumber(row.version), type: row.stream_type });
  }
  return streams;
}

/** The batch's commands already recorded, keyed by `commandKey` (one primary-key probe each). */
export async function probeCommands(sql: SqlExecutor, appends: readonly MultiStreamAppendRequest[]): Promise<Map<string, CommandRecord>> {
  const known = new Map<string, CommandRecord>();
  const commands = new Map(appends.flatMap((request) => (request.command ? [[commandKey(request.command.actor, request.command.id), request.command] as const] : [])));
  const keys = [...commands.values()];
  for (let start = 0; start < keys.length; start += PROBE_CHUNK) {
    const chunk = keys.slice(start, start + PROBE_CHUNK);
    const rows = await sql.query<CommandRow>(
      `SELECT ${COMMAND_COLUMNS} FROM processed_commands WHERE ${chunk.map(() => '(actor = ? AND command_id = ?)').join(' OR ')}`,
      chunk.flatMap((command) => [command.actor, command.id]),
    );
    for (const row of rows) known.set(commandKey(row.actor, row.command_id), toCommandRecord(row));
  }
  return known;
}
