/** GraphQL resolvers of the user slice. */
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { commandMeta } from '../graphql/context.js';
import type { CommandResult } from '../commands/handler.js';
import { registerUser, updateUser, userView } from './commands.js';
import type { UserState } from './decider.js';
import { requireSelf } from '../auth/policy.js';

function payload(result: CommandResult<UserState>) {
  const user = userView(result.state, result.version);
  if (!user) throw new Error('A user command left no user');
  return { user, events: [...result.events] };
}

export const userResolvers: Resolvers = {
  Query: {
    async user(_, args, context) {
      requireSelf(context, args.id);
      const loaded = await context.app.users.loadAt(args.id, { version: args.version, asOf: args.asOf });
      return loaded && !loaded.foreignType ? userView(loaded.state, loaded.version) : null;
    },
  },
  Mutation: {
    async registerUser(_, { input }, context) {
      // A signed-in user registers as their own id, which they may leave out.
      const { principal } = context;
      const userId = input.userId ?? (principal.kind === 'user' && !principal.admin ? principal.userId : undefined);
      if (userId !== undefined) requireSelf(context, userId);
      return payload(await registerUser(context.app, { ...input, userId }, commandMeta(context, { commandId: input.commandId })));
    },
    async updateUser(_, { input }, context) {
      requireSelf(context, input.userId);
      return payload(await updateUser(context.app, input, commandMeta(context, input)));
    },
  },
  User: {
    accounts: (user, _, { loaders }) => loaders.accountsByOwner.load(user.id),
  },
};
