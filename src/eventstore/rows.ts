/** Rows of the store's bookkeeping tables, as the driver adapters return them. */
import { toNumber } from './sql.js';
import type { CommandRecord, CommandStreamRange, Snapshot } from './types.js';

export interface CommandRow {
  command_id: string;
  actor: string;
  command_type: string;
  stream_id: string;
  first_version: unknown;
  last_version: unknown;
  /** JSON of every stream's range, for a command across several streams; null for one stream. */
  streams: string | null;
  fingerprint: string | null;
}

export function toCommandRecord(row: CommandRow): CommandRecord {
  const first = { streamId: row.stream_id, firstVersion: toNumber(row.first_version), lastVersion: toNumber(row.last_version) };
  return {
    commandId: row.command_id,
    actor: row.actor,
    commandType: row.command_type,
    ...first,
    streams: row.streams === null ? [first] : (JSON.parse(row.streams) as CommandStreamRange[]),
    fingerprint: row.fingerprint,
  };
}

/** A command's streams as stored: null for a single-stream command (its range is in the record's own columns). */
export function storedStreams(command: CommandRecord): string | null {
  return command.streams.length > 1 ? JSON.stringify(command.streams) : null;
}

/** The columns `toCommandRecord` reads. */
export const COMMAND_COLUMNS = 'command_id, actor, command_type, stream_id, first_version, last_version, streams, fingerprint';

export interface SnapshotRow {
  stream_id: string;
  stream_type: string;
  version: unknown;
  revision: unknown;
  state: string;
}

export function toSnapshot(row: SnapshotRow): Snapshot {
  return {
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: toNumber(row.version),
    revision: toNumber(row.revision),
    state: JSON.parse(row.state) as unknown,
  };
}
