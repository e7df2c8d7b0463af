/** What every command carries besides its own fields, and the ids commands are addressed by. */
import { createHash, randomUUID } from 'node:crypto';
import { badInput } from '../domain/errors.js';
import type { CommandContext } from './handler.js';

export interface CommandMeta {
  readonly expectedVersion?: number | null | undefined;
  readonly commandId?: string | null | undefined;
  readonly context?: CommandContext;
}

const MAX_ID = 200;

/** Ids are free text of 1 to 200 characters; a missing one is generated (a UUID). */
export function checkId(id: string | null | undefined, field: string): string {
  if (id === null || id === undefined) return randomUUID();
  if (id.length === 0 || id.length > MAX_ID) throw badInput(`${field} must be 1 to ${MAX_ID} characters`, { field });
  return id;
}

/**
 * The id of a new stream, given or generated. A generated id is random, except
 * for a command with a commandId: then it is derived from the caller, the
 * command type and the commandId (a UUID made from their SHA-256), so a repeat
 * of the command addresses the same stream and replays the first result
 * instead of creating a second one.
 */
export function newStreamId(id: string | null | undefined, field: string, commandType: string, meta: CommandMeta): string {
  if (id !== null && id !== undefined) return checkId(id, field);
  if (meta.commandId === null || meta.commandId === undefined) return randomUUID();
  const hash = createHash('sha256').update(`${meta.context?.userId ?? ''}\u0000${commandType}\u0000${meta.commandId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // the version nibble: 5, name-based
  hash[8] = (hash[8]! & 0x3f) | 0x80; // the RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
