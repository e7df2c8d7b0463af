/** GraphQL resolvers of the user slice. */
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { commandMeta } from '../graphql/context.js';
import type { CommandResult } from '../commands/handler.js';
import { registerUser, updateUser, userView } from './commands.js';
import type { UserState } from './decider.js';

function payload(result: CommandResult<UserState>) {
  const user = userView(result.state, result.version);
  if (!user) throw new Error('A user command left no user');
  return { user, events: [...result.events] };
}

export const userResolvers: Resolvers = {
  Query: {
    async user(_, args, { app }) {
      const loaded = await app.users.loadAt(args.id, { version: args.version, asOf: args.asOf });
      return loaded && !loaded.foreignType ? userView(loaded.state, loaded.version) : null;
    },
  },
  Mutation: {
    registerUser: async (_, { input }, context) => payload(await registerUser(context.app, input, commandMeta(context, { commandId: input.commandId }))),
    updateUser: async (_, { input }, context) => payload(await updateUser(context.app, input, commandMeta(context, input))),
  },
  User: {
    accounts: (user, _, { loaders }) => loaders.accountsByOwner.load(user.id),
  },
};
