/**
 * Deciding a batch of writes, without I/O: each append's verdict (appended,
 * conflict or duplicate) in submission order, against the streams' versions
 * and the command ids already recorded, with positions following the head.
 * Both append paths (locked and predicted) decide through this one function.
 */
import { randomUUID } from 'node:crypto';
import type { AppendRequest, AppendResult, CommandRecord, Snapshot, StoredEvent } from './types.js';

export type WriteItem = { kind: 'append'; request: AppendRequest } | { kind: 'snapshot'; snapshot: Snapshot };
export type WriteResult = AppendResult | null;

export interface StreamState {
  version: number;
  type: string;
}

/** The key a command is recorded under: its id within its actor's ids. */
export function commandKey(actor: string, commandId: string): string {
  return `${actor}\u0000${commandId}`;
}

/** Timestamps never go backwards along the log, so time ranges and positions agree. */
export function nextTimestamp(now: Date, last: Date): Date {
  return now.getTime() < last.getTime() ? last : now;
}

export interface Decided {
  results: WriteResult[];
  events: StoredEvent[];
  commands: Array<CommandRecord & { position: bigint }>;
  /** The head after the batch. */
  head: bigint;
}

/**
 * Each request's verdict, in submission order, on the streams as given
 * (updated in place as requests land) and the commands already recorded
 * (keyed by `commandKey`); positions follow `startHead`.
 */
export function decide(items: readonly WriteItem[], startHead: bigint, timestamp: Date, streams: Map<string, StreamState>, known: Map<string, CommandRecord>): Decided {
  let position = startHead;
  const events: StoredEvent[] = [];
  const commands: Array<CommandRecord & { position: bigint }> = [];
  const results: WriteResult[] = items.map((item) => {
    if (item.kind === 'snapshot') return null;
    const request = item.request;
    const previous = request.command ? known.get(commandKey(request.command.actor, request.command.id)) : undefined;
    if (previous) return { status: 'duplicate', command: previous };
    const stream = streams.get(request.streamId);
    const current = stream?.version ?? 0;
    if (!versionMatches(request.expectedVersion, current) || (stream && stream.type !== request.streamType)) {
      return { status: 'conflict', actualVersion: current };
    }
    const stored = request.events.map((event, index) => ({
      id: randomUUID(),
      streamId: request.streamId,
      streamType: request.streamType,
      version: current + index + 1,
      position: ++position,
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      storedSchemaVersion: event.schemaVersion ?? 1,
      data: event.data,
      metadata: event.metadata,
      timestamp,
    }));
    events.push(...stored);
    const version = current + stored.length;
    if (stored.length > 0) streams.set(request.streamId, { version, type: request.streamType });
    if (request.command) {
      const record = {
        commandId: request.command.id,
        actor: request.command.actor,
        commandType: request.command.type,
        streamId: request.streamId,
        firstVersion: current + 1,
        lastVersion: version,
        position,
      };
      commands.push(record);
      known.set(commandKey(record.actor, record.commandId), record);
    }
    return { status: 'appended', events: stored, version };
  });
  return { results, events, commands, head: position };
}

function versionMatches(expected: AppendRequest['expectedVersion'], current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  return expected === current;
}
