/**
 * Who may touch what. A user owns the streams whose module says so: their
 * own user stream (id = their `sub`) and, through each module's owner
 * lookup, the streams opened for them (accounts). Admins and open servers
 * may do anything. Ownership never changes, so one check per request is
 * enough, and a subscription checked when it starts never delivers another
 * owner's events. The policy knows no aggregate: modules declare ownership.
 */
import DataLoader from 'dataloader';
import { DomainError, ErrorCode, badInput, forgotten } from '../domain/errors.js';
import { defineLoader, type GraphQLContext } from '../graphql/context.js';
import { isUnrestricted } from './principal.js';

export const forbidden = (message = 'Not allowed for this user') => new DomainError(ErrorCode.Forbidden, message);

function refuse(context: GraphQLContext, message: string): DomainError {
  context.app.metrics.authFailures.inc({ reason: 'forbidden' });
  return forbidden(message);
}

/** The owner of each stream id, asked of every module with an owner lookup (undefined: no module owns it by lookup). */
const streamOwners = defineLoader(
  ({ app }) =>
    new DataLoader<string, string | undefined>(async (ids) => {
      const owners: Array<string | undefined> = ids.map(() => undefined);
      for (const module of app.modules) {
        if (module.ownership.kind !== 'lookup') continue;
        const open = ids.flatMap((id, index) => (owners[index] === undefined ? [index] : []));
        if (open.length === 0) break;
        const found = await module.ownership.owners(app, open.map((index) => ids[index]!));
        open.forEach((index, i) => (owners[index] = found[i]));
      }
      return owners;
    }),
);

/** Whether each user id was forgotten (their data key destroyed): one look-up per request for all of them. */
const forgottenUsers = defineLoader(
  ({ app }) =>
    new DataLoader<string, boolean>(async (ids) => {
      const keys = await app.privacy.keys.forRead(new Set(ids));
      return ids.map((id) => keys.get(id) === 'forgotten');
    }),
);

/** After `userId` was forgotten within this operation: its later fields see them as forgotten (the loader had answered "not forgotten"). */
export function forgottenInOperation(context: GraphQLContext, userId: string): void {
  forgottenUsers(context).clear(userId).prime(userId, true);
}

/** Registering or updating `userId`, or acting for them: only that user. */
export function requireSelf(context: GraphQLContext, userId: string): void {
  const { principal } = context;
  if (isUnrestricted(principal)) return;
  if (principal.kind === 'user' && principal.userId === userId) return;
  throw refuse(context, 'Users may only act as themselves');
}

/**
 * Reading, time travel, subscribing and commands on one stream: its owner.
 * A stream owned by lookup (an account) is its owner's; any other id is only
 * the user's own stream when it is their id. An unknown id and another
 * owner's stream answer the same, so ids of other owners cannot be probed.
 */
export async function requireStreamAccess(context: GraphQLContext, streamId: string): Promise<void> {
  const { principal } = context;
  // A forgotten person can no longer act, on any stream (an admin still can, on their accounts).
  if (!isUnrestricted(principal) && principal.kind === 'user' && (await forgottenUsers(context).load(principal.userId))) {
    throw forgotten('This user was forgotten and can no longer act');
  }
  if (await mayAccessStream(context, streamId)) return;
  throw refuse(context, 'This stream belongs to another user');
}

/** Whether the caller may read `streamId` (what requireStreamAccess requires), for answers that leave out what they may not. */
export async function mayAccessStream(context: GraphQLContext, streamId: string): Promise<boolean> {
  const { principal } = context;
  if (isUnrestricted(principal) || principal.kind !== 'user') return true;
  const owner = await streamOwners(context).load(streamId);
  return owner === undefined ? streamId === principal.userId : owner === principal.userId;
}

/** The whole log across owners (no streamId): admins only. */
export async function requireLogAccess(context: GraphQLContext, streamId: string | null | undefined): Promise<void> {
  if (streamId !== null && streamId !== undefined) return requireStreamAccess(context, streamId);
  if (isUnrestricted(context.principal)) return;
  throw refuse(context, 'Only admins may read the log across streams: pass the streamId of one of your own streams');
}

/** Lists owned by one user: a user sees only their own; left out, the owner means "mine". */
export function ownerFilter(context: GraphQLContext, ownerId: string | null | undefined): string | undefined {
  const { principal } = context;
  if (isUnrestricted(principal) || principal.kind !== 'user') return ownerId ?? undefined;
  if (ownerId !== null && ownerId !== undefined && ownerId !== principal.userId) throw refuse(context, 'Users may only list their own accounts');
  return principal.userId;
}

/**
 * With authentication on, a user leaves the id of a new stream to the server
 * (a random UUID). So nobody learns which ids exist by trying to create them,
 * nobody can take the id another person will later register under (a token's
 * `sub` may well be a UUID), and no answer tells an account from a user.
 * Admins and open servers choose any id.
 */
export function requireServerChosenId(context: GraphQLContext, id: string | null | undefined, field: string): void {
  if (id === null || id === undefined || isUnrestricted(context.principal)) return;
  throw badInput(`${field} is chosen by the server: leave it out (only admins choose ids)`, { field });
}
