/**
 * Who may touch what. A user owns their own user stream (id = their `sub`)
 * and the accounts opened for them; admins and open servers may do
 * anything. Ownership never changes, so one check per request is enough,
 * and a subscription checked when it starts never delivers another
 * owner's events.
 */
import { DomainError, ErrorCode } from '../domain/errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import { isUnrestricted } from './principal.js';

export const forbidden = (message = 'Not allowed for this user') => new DomainError(ErrorCode.Forbidden, message);

function refuse(context: GraphQLContext, message: string): DomainError {
  context.app.metrics.authFailures.inc({ reason: 'forbidden' });
  return forbidden(message);
}

/** Registering or updating `userId`, or opening an account for them: only that user. */
export function requireSelf(context: GraphQLContext, userId: string): void {
  const { principal } = context;
  if (isUnrestricted(principal)) return;
  if (principal.kind === 'user' && principal.userId === userId) return;
  throw refuse(context, 'Users may only act as themselves');
}

/**
 * Reading, time travel, subscribing and commands on one stream: its owner.
 * An account nobody owns yet (unknown id) is refused too, so ids of other
 * owners cannot be probed.
 */
export async function requireStreamAccess(context: GraphQLContext, streamId: string): Promise<void> {
  const { principal } = context;
  if (isUnrestricted(principal) || principal.kind !== 'user') return;
  if (streamId === principal.userId) return;
  const owner = await context.loaders.accountOwners.load(streamId);
  if (owner !== principal.userId) throw refuse(context, 'This stream belongs to another user');
}

/** The whole log across owners (no streamId): admins only. */
export async function requireLogAccess(context: GraphQLContext, streamId: string | null | undefined): Promise<void> {
  if (streamId !== null && streamId !== undefined) return requireStreamAccess(context, streamId);
  if (isUnrestricted(context.principal)) return;
  throw refuse(context, 'Only admins may read the log across streams: pass the streamId of one of your own streams');
}

/** Lists of accounts: a user sees only their own; left out, ownerId means "mine". */
export function ownerFilter(context: GraphQLContext, ownerId: string | null | undefined): string | undefined {
  const { principal } = context;
  if (isUnrestricted(principal) || principal.kind !== 'user') return ownerId ?? undefined;
  if (ownerId !== null && ownerId !== undefined && ownerId !== principal.userId) throw refuse(context, 'Users may only list their own accounts');
  return principal.userId;
}
