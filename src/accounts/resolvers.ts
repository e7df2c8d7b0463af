/** GraphQL resolvers of the account slice: thin, everything else lives below. */
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { pageSize, parseCursor, toPage } from '../graphql/pagination.js';
import { commandMeta } from '../graphql/context.js';
import { accountView, closeAccount, deposit, openAccount, withdraw } from './commands.js';
import { accountSummary, listAccounts, type AccountView } from './read-model.js';
import { subscribeEvents } from '../subscriptions/resolvers.js';
import { mapIterator } from '../subscriptions/event-subscription.js';
import { accountDecider } from './decider.js';
import type { AccountEvent } from './events.js';
import type { Recorded } from '../domain/decider.js';
import type { CommandResult } from '../commands/handler.js';
import type { AccountState } from './decider.js';
import { ownerFilter, requireSelf, requireStreamAccess } from '../auth/policy.js';

function payload(result: CommandResult<AccountState>) {
  const account = accountView(result.state, result.version);
  if (!account) throw new Error('An account command left no account');
  return { account, events: [...result.events] };
}

export const accountResolvers: Resolvers = {
  Query: {
    async account(_, args, context) {
      await requireStreamAccess(context, args.id);
      const loaded = await context.app.accounts.loadAt(args.id, { version: args.version, asOf: args.asOf });
      return loaded && !loaded.foreignType ? accountView(loaded.state, loaded.version) : null;
    },
    async accounts(_, args, context) {
      const { app } = context;
      const ownerId = ownerFilter(context, args.ownerId);
      const limit = pageSize(args.first, app.config);
      const page = await listAccounts(app.store.client, { ownerId, after: parseCursor(args.after), limit });
      return toPage(page.accounts, page.hasMore, (account) => account.openedPosition);
    },
    async accountSummary(_, args, context) {
      await requireStreamAccess(context, args.id);
      return accountSummary(context.app.store.client, args.id);
    },
  },
  Mutation: {
    async openAccount(_, { input }, context) {
      requireSelf(context, input.ownerId);
      return payload(await openAccount(context.app, input, commandMeta(context, input)));
    },
    async deposit(_, { input }, context) {
      await requireStreamAccess(context, input.accountId);
      return payload(await deposit(context.app, input, commandMeta(context, input)));
    },
    async withdraw(_, { input }, context) {
      await requireStreamAccess(context, input.accountId);
      return payload(await withdraw(context.app, input, commandMeta(context, input)));
    },
    async closeAccount(_, { input }, context) {
      await requireStreamAccess(context, input.accountId);
      return payload(await closeAccount(context.app, input, commandMeta(context, input)));
    },
  },
  Subscription: {
    accountChanged: {
      subscribe: async (_, args, context) => {
        await requireStreamAccess(context, args.id);
        // Join the live log first, then load: nothing committed in between is missed.
        const live = subscribeEvents(context, { streamId: args.id });
        const loaded = await context.app.accounts.load(args.id).catch(async (error: unknown) => {
          await live.return();
          throw error;
        });
        let state = loaded.state;
        let version = loaded.version;
        return mapIterator(live, (event) => {
          if (event.version <= version) return undefined;
          state = accountDecider.evolve(state, event as unknown as Recorded<AccountEvent>);
          version = event.version;
          return accountView(state, version) ?? undefined;
        }) as AsyncIterable<never>;
      },
      resolve: (account: AccountView) => account,
    },
  },
  Account: {
    owner: (account, _, { loaders }) => loaders.users.load(account.ownerId),
    async events(account, args, { app }) {
      const limit = pageSize(args.first, app.config);
      // A past state (time travel) lists only the events that made it.
      const rows = await app.store.readLog({ streamId: account.id, afterPosition: parseCursor(args.after), limit: limit + 1 });
      const inRange = rows.filter((event) => event.version <= account.version);
      return toPage(inRange.slice(0, limit), inRange.length > limit, (event) => event.position);
    },
  },
};
