/**
 * Deciding a batch of writes, without I/O: each append's verdict (appended,
 * conflict or duplicate) in submission order, against the streams' versions
 * and the command ids already recorded, with positions following the head.
 * Both append paths (locked and predicted) decide through this one function.
 */
import { randomUUID } from 'node:crypto';
import type { Carried, CommandRecord, ExpectedVersion, MultiStreamAppendRequest, MultiStreamAppendResult, Snapshot, StoredEvent } from './types.js';

/**
 * Every append travels as a multi-stream request (a single-stream append is
 * one with one stream), with the values it carries into its transaction, if
 * any (written only if it is appended, see Carried).
 */
export type WriteItem =
  | { kind: 'append'; request: MultiStreamAppendRequest; carried?: Carried | undefined }
  | { kind: 'snapshot'; snapshot: Snapshot };
export type WriteResult = MultiStreamAppendResult | null;

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
    // Every stream is checked before any is written: a conflict on one appends nothing to the others.
    const currents: number[] = [];
    for (const part of request.streams) {
      const stream = streams.get(part.streamId);
      const current = stream?.version ?? 0;
      if (!versionMatches(part.expectedVersion, current) || (stream && stream.type !== part.streamType)) {
        return { status: 'conflict', streamId: part.streamId, actualVersion: current };
      }
      currents.push(current);
    }
    const written = request.streams.map((part, i) => {
      const current = currents[i]!;
      const stored: StoredEvent[] = part.events.map((event, index) => ({
        id: randomUUID(),
        streamId: part.streamId,
        streamType: part.streamType,
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
      if (stored.length > 0) streams.set(part.streamId, { version, type: part.streamType });
      return { streamId: part.streamId, events: stored, version, firstVersion: current + 1 };
    });
    if (request.command) {
      const ranges = written.map((part) => ({ streamId: part.streamId, firstVersion: part.firstVersion, lastVersion: part.version }));
      const record = {
        commandId: request.command.id,
        actor: request.command.actor,
        commandType: request.command.type,
        streamId: ranges[0]!.streamId,
        firstVersion: ranges[0]!.firstVersion,
        lastVersion: ranges[0]!.lastVersion,
        streams: ranges,
        fingerprint: request.command.fingerprint ?? null,
        position,
      };
      commands.push(record);
      known.set(commandKey(record.actor, record.commandId), record);
    }
    return { status: 'appended', streams: written.map(({ streamId, events: stored, version }) => ({ streamId, events: stored, version })) };
  });
  return { results, events, commands, head: position };
}

function versionMatches(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  return expected === current;
}
