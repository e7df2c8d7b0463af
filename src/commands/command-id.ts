/**
 * What single- and multi-stream commands share: checks of command ids and
 * expected versions, the metadata every event carries, and the fingerprint
 * that tells a repeat of a command from another command reusing its id.
 */
import { createHash, randomUUID } from 'node:crypto';
import { badInput } from '../domain/errors.js';
import type { CommandRecord, JsonObject } from '../eventstore/types.js';
import type { CommandContext } from './handler.js';

const MAX_COMMAND_ID = 200;

/** A command id as given: undefined when none, else 1 to 200 characters. */
export function checkCommandId(commandId: string | null | undefined): string | undefined {
  if (commandId === null || commandId === undefined) return undefined;
  if (commandId.length === 0 || commandId.length > MAX_COMMAND_ID) {
    throw badInput(`commandId must be 1 to ${MAX_COMMAND_ID} characters`, { field: 'commandId' });
  }
  return commandId;
}

/** An expected version as given: undefined when none, else a whole number of 0 or more. */
export function checkExpectedVersion(expected: number | null | undefined, field = 'expectedVersion'): number | undefined {
  if (expected === null || expected === undefined) return undefined;
  if (!Number.isInteger(expected) || expected < 0) throw badInput(`${field} must be 0 or more`, { field });
  return expected;
}

/** JSON with object keys sorted, bigints as decimal text and dates as ISO text: one text per value. */
function canonical(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(`${value}n`);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonical(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 (hex) of the command type and its canonical input. */
export function fingerprintOf(commandType: string, input: unknown): string {
  return createHash('sha256').update(commandType).update('\u0000').update(canonical(input)).digest('hex');
}

/** The stable reason a reused command id is refused with (beside BAD_USER_INPUT). */
export const COMMAND_ID_REUSED = 'COMMAND_ID_REUSED';

/**
 * Refuses to replay `record` for a command that is not the one it recorded:
 * another type, other streams, or (where the record has a fingerprint)
 * another input. Records written before fingerprints replay as before.
 */
export function requireSameCommand(record: CommandRecord, commandType: string, fingerprint: string, streamIds: readonly string[]): void {
  const sameStreams = record.streams.length === streamIds.length && record.streams.every((range, i) => range.streamId === streamIds[i]);
  const sameInput = record.fingerprint === null || record.fingerprint === fingerprint;
  if (record.commandType !== commandType || !sameStreams || !sameInput) {
    throw badInput('This commandId was already used for a different command: use a new commandId for a new command', {
      field: 'commandId',
      reason: COMMAND_ID_REUSED,
    });
  }
}

/** Event metadata: who acted, and the correlation and causation ids. */
export function commandMetadata(commandId: string | undefined, context: CommandContext | undefined): JsonObject {
  const correlationId = context?.correlationId ?? commandId ?? randomUUID();
  const metadata: JsonObject = { correlationId, causationId: commandId ?? correlationId };
  if (commandId !== undefined) metadata.commandId = commandId;
  if (context?.userId !== undefined) metadata.userId = context.userId;
  return metadata;
}
