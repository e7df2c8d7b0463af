/** The eventAppended subscription. */
import { badInput } from '../domain/errors.js';
import { requireLogAccess } from '../auth/policy.js';
import type { Resolvers } from './generated/resolvers-types.js';
import type { GraphQLContext } from './context.js';
import { parseCursor } from './pagination.js';
import type { StoredEvent } from '../eventstore/types.js';
import { CloseCode } from '../subscriptions/close-codes.js';
import { EventSubscription, type EventFilter } from '../subscriptions/event-subscription.js';

const MAX_TYPES = 50;

/** A subscription on the process's tailer, cut off (connection closed) when it falls too far behind. */
export function subscribeEvents(context: GraphQLContext, filter: EventFilter, afterPosition?: bigint): EventSubscription {
  const { app } = context;
  const subscription = new EventSubscription(app.tailer, app.store, filter, {
    afterPosition,
    bufferLimit: app.config.subscriptionBuffer,
    onOverflow: () => context.closeConnection?.(CloseCode.SlowConsumer, 'Subscriber too slow: resubscribe with afterPosition'),
  });
  subscription.start();
  return subscription;
}

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    eventAppended: {
      subscribe: async (_, args, context) => {
        await requireLogAccess(context, args.streamId);
        if (args.types && args.types.length > MAX_TYPES) throw badInput(`types may list at most ${MAX_TYPES} event types`, { field: 'types' });
        const filter: EventFilter = {
          ...(args.streamId ? { streamId: args.streamId } : {}),
          ...(args.streamType ? { streamType: args.streamType } : {}),
          ...(args.types ? { types: args.types } : {}),
        };
        const after = args.afterPosition === null || args.afterPosition === undefined ? undefined : parseCursor(args.afterPosition, 'afterPosition');
        return subscribeEvents(context, filter, after) as AsyncIterable<never>;
      },
      resolve: (event: StoredEvent) => event,
    },
  },
};
