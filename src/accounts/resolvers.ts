/** GraphQL resolvers of the account module: thin, everything else lives below. */
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { commandMeta } from '../graphql/context.js';
import { commandPayload } from '../graphql/payload.js';
import { pageSize, parseCursor, toPage } from '../graphql/pagination.js';
import { streamEventsPage } from '../graphql/stream-events.js';
import { mayAccessStream, ownerFilter, requireSelf, requireStreamAccess, requireServerChosenId } from '../auth/policy.js';
import { subscribeStateChanges } from '../graphql/state-changes.js';
import { usersById } from '../users/index.js';
import { accountDecider } from './decider.js';
import { accountPagesByOwner } from './loaders.js';
import { accountSummary, listAccounts, type AccountView } from './read-model.js';
import { accountStatement } from './statement.js';
import { transferPayload } from './transfer-payload.js';
import { accountView, closeAccount, deposit, openAccount, transfer, withdraw } from './use-cases.js';

export const accountResolvers: Resolvers = {
  Query: {
    async account(_, args, context) {
      await requireStreamAccess(context, args.id);
      const loaded = await context.app.repository(accountDecider).loadAt(args.id, { version: args.version, asOf: args.asOf });
      return loaded && !loaded.foreignType ? accountView(loaded.state, loaded.version) : null;
    },
    async accounts(_, args, context) {
      const { app } = context;
      const ownerId = ownerFilter(context, args.ownerId);
      const limit = pageSize(args.first, app.config);
      const page = await listAccounts(app.readModels, { ownerId, after: parseCursor(args.after), limit });
      return toPage(page.accounts, page.hasMore, (account) => account.openedPosition);
    },
    async accountSummary(_, args, context) {
      await requireStreamAccess(context, args.id);
      return accountSummary(context.app.readModels, args.id);
    },
  },
  Mutation: {
    async openAccount(_, { input }, context) {
      requireSelf(context, input.ownerId);
      requireServerChosenId(context, input.accountId, 'accountId');
      const { view, events } = commandPayload(await openAccount(context.app, input, commandMeta(context, input)), accountView);
      return { account: view, events };
    },
    async deposit(_, { input }, context) {
      await requireStreamAccess(context, input.accountId);
      const { view, events } = commandPayload(await deposit(context.app, input, commandMeta(context, input)), accountView);
      return { account: view, events };
    },
    async withdraw(_, { input }, context) {
      await requireStreamAccess(context, input.accountId);
      const { view, events } = commandPayload(await withdraw(context.app, input, commandMeta(context, input)), accountView);
      return { account: view, events };
    },
    async closeAccount(_, { input }, context) {
      await requireStreamAccess(context, input.accountId);
      const { view, events } = commandPayload(await closeAccount(context.app, input, commandMeta(context, input)), accountView);
      return { account: view, events };
    },
    async transfer(_, { input }, context) {
      // The caller must own the source; the destination may be anyone's, and is shown only to who may read it.
      await requireStreamAccess(context, input.fromAccountId);
      const result = await transfer(context.app, input, commandMeta(context, input));
      return transferPayload(result, await mayAccessStream(context, input.toAccountId));
    },
  },
  Subscription: {
    accountChanged: {
      subscribe: async (_, args, context) => {
        await requireStreamAccess(context, args.id);
        return (await subscribeStateChanges(context, context.app.repository(accountDecider), args.id, accountView)) as AsyncIterable<never>;
      },
      resolve: (account: AccountView) => account,
    },
  },
  Account: {
    owner: (account, _, context) => usersById(context).load(account.ownerId),
    events: (account, args, context) =>
      streamEventsPage(context, account.id, account.version, args, args.reference == null ? undefined : { field: 'reference', value: args.reference.trim() }),
    statement: (account, args, context) => accountStatement(context.app, account.id, account.version, args),
  },
  User: {
    async accounts(user, args, context) {
      const limit = pageSize(args.first, context.app.config);
      const rows = await accountPagesByOwner(context).load({ ownerId: user.id, after: parseCursor(args.after), limit: limit + 1 });
      return toPage(rows.slice(0, limit), rows.length > limit, (account) => account.openedPosition);
    },
  },
};
