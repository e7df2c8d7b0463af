/** User use cases: API input to decider commands, run through the command handler. */
import type { App } from '../app.js';
import { checkId, newStreamId, type CommandMeta } from '../commands/meta.js';
import { userDecider, type UserState } from './decider.js';
import type { UserView } from './view.js';

export function userView(state: UserState, version: number): UserView | null {
  if (state.status === 'none') return null;
  return { id: state.id, email: state.email, name: state.name, forgotten: state.forgotten, version };
}

export function registerUser(app: App, input: { userId?: string | null; email: string; name: string }, meta: CommandMeta) {
  const userId = newStreamId(input.userId, 'userId', 'RegisterUser', meta);
  return app.commands.handle(
    app.repository(userDecider),
    userId,
    { type: 'RegisterUser', userId, email: input.email, name: input.name },
    { commandType: 'RegisterUser', ...meta },
  );
}

export function updateUser(app: App, input: { userId: string; email?: string | null; name?: string | null }, meta: CommandMeta) {
  const userId = checkId(input.userId, 'userId');
  return app.commands.handle(
    app.repository(userDecider),
    userId,
    { type: 'UpdateUser', userId, email: input.email ?? undefined, name: input.name ?? undefined },
    { commandType: 'UpdateUser', ...meta },
  );
}

/**
 * Forgets a user: appends user_forgotten, and in the same transaction their
 * data key is destroyed (the privacy layer's projection), so their email and
 * name read as null everywhere from then on. Accounts and the log stay as they are.
 */
export async function forgetUser(app: App, input: { userId: string }, meta: CommandMeta) {
  const userId = checkId(input.userId, 'userId');
  const result = await app.commands.handle(app.repository(userDecider), userId, { type: 'ForgetUser', userId }, { commandType: 'ForgetUser', ...meta });
  // The key is destroyed in the forget's transaction; its old bytes leave the files before the answer.
  await app.privacy.eraseRemnants();
  return result;
}

/** Whether `userId` is a registered user who was not forgotten, read from the log (not a cache that may be behind another process). */
export async function isRegistered(app: App, userId: string): Promise<boolean> {
  const loaded = await app.repository(userDecider).load(userId);
  return loaded.state.status === 'registered' && !loaded.state.forgotten && !loaded.foreignType;
}
