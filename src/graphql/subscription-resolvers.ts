/** The eventAppended and eventsAppended subscriptions. */
import { badInput } from '../domain/errors.js';
import { requireLogAccess } from '../auth/policy.js';
import type { Resolvers, SubscriptionEventAppendedArgs } from './generated/resolvers-types.js';
import type { GraphQLContext } from './context.js';
import { parseCursor } from './pagination.js';
import type { StoredEvent } from '../eventstore/types.js';
import { CloseCode } from '../subscriptions/close-codes.js';
import { eventBatches, type StoredEventBatch } from '../subscriptions/event-batches.js';
import { EventSubscription, type EventFilter } from '../subscriptions/event-subscription.js';
import { withOwnResults } from '../subscriptions/shared-execution.js';
import { compileSubscriptionResults } from './compiled-results.js';

const MAX_TYPES = 50;
/** Most events one `eventsAppended` batch may carry. */
export const MAX_BATCH = 1000;

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

/** The filters and start both log subscriptions take, checked (authorization first). */
async function logSubscription(context: GraphQLContext, args: SubscriptionEventAppendedArgs): Promise<EventSubscription> {
  await requireLogAccess(context, args.streamId);
  if (args.types && args.types.length > MAX_TYPES) throw badInput(`types may list at most ${MAX_TYPES} event types`, { field: 'types' });
  const filter: EventFilter = {
    ...(args.streamId ? { streamId: args.streamId } : {}),
    ...(args.streamType ? { streamType: args.streamType } : {}),
    ...(args.types ? { types: args.types } : {}),
  };
  const after = args.afterPosition === null || args.afterPosition === undefined ? undefined : parseCursor(args.afterPosition, 'afterPosition');
  return subscribeEvents(context, filter, after);
}

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    eventAppended: {
      // Results of plain event selections skip graphql-js's executor (compiled-results.ts).
      subscribe: async (_, args, context, info) => withOwnResults(await logSubscription(context, args), compileSubscriptionResults(info, args)) as AsyncIterable<never>,
      resolve: (event: StoredEvent) => event,
    },
    eventsAppended: {
      subscribe: async (_, args, context, info) => {
        const maxBatch = args.maxBatch ?? 100;
        if (maxBatch < 1 || maxBatch > MAX_BATCH) throw badInput(`maxBatch must be between 1 and ${MAX_BATCH}`, { field: 'maxBatch' });
        return withOwnResults(eventBatches(await logSubscription(context, args), maxBatch), compileSubscriptionResults(info, args)) as AsyncIterable<never>;
      },
      resolve: (batch: StoredEventBatch) => batch,
    },
  },
};
