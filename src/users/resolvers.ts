/** GraphQL resolvers of the user module. */
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { commandMeta } from '../graphql/context.js';
import { commandPayload } from '../graphql/payload.js';
import { forgottenInOperation, requireSelf } from '../auth/policy.js';
import { usersById } from './loaders.js';
import { userDecider } from './decider.js';
import { forgetUser, registerUser, updateUser, userView } from './use-cases.js';

export const userResolvers: Resolvers = {
  Query: {
    async user(_, args, context) {
      requireSelf(context, args.id);
      const loaded = await context.app.repository(userDecider).loadAt(args.id, { version: args.version, asOf: args.asOf });
      return loaded && !loaded.foreignType ? userView(loaded.state, loaded.version) : null;
    },
  },
  Mutation: {
    async registerUser(_, { input }, context) {
      // A signed-in user registers as their own id, which they may leave out.
      const { principal } = context;
      const userId = input.userId ?? (principal.kind === 'user' && !principal.admin ? principal.userId : undefined);
      if (userId !== undefined) requireSelf(context, userId);
      const { view, events } = commandPayload(await registerUser(context.app, { ...input, userId }, commandMeta(context, { commandId: input.commandId })), userView);
      return { user: view, events };
    },
    async updateUser(_, { input }, context) {
      requireSelf(context, input.userId);
      const { view, events } = commandPayload(await updateUser(context.app, input, commandMeta(context, input)), userView);
      return { user: view, events };
    },
    async forgetUser(_, { input }, context) {
      // The person themselves, or an admin (requireSelf lets admins and open servers through).
      requireSelf(context, input.userId);
      const { view, events } = commandPayload(await forgetUser(context.app, input, commandMeta(context, input)), userView);
      // Later fields of the same operation must not answer from what its loaders read before the forget.
      usersById(context).clear(input.userId);
      forgottenInOperation(context, input.userId);
      return { user: view, events };
    },
  },
};
