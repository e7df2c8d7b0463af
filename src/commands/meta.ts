/** What every command carries besides its own fields, and the ids commands are addressed by. */
import { randomUUID } from 'node:crypto';
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
