/**
 * "The state after each event" of one stream, for any aggregate: join the
 * live log first, then load the current state, then fold each new event of
 * the stream into it. Nothing committed between the join and the load is
 * missed, and nothing the load already holds is applied twice.
 */
import type { AggregateRepository } from '../commands/repository.js';
import type { DomainEvent } from '../domain/decider.js';
import type { GraphQLContext } from './context.js';
import { mapIterator } from '../subscriptions/event-subscription.js';
import { subscribeEvents } from './subscription-resolvers.js';

export async function subscribeStateChanges<State, Command, Event extends DomainEvent, View>(
  context: GraphQLContext,
  repository: AggregateRepository<State, Command, Event>,
  streamId: string,
  view: (state: State, version: number) => View | null,
): Promise<AsyncIterableIterator<View>> {
  const live = subscribeEvents(context, { streamId });
  let current = await repository.load(streamId).catch(async (error: unknown) => {
    await live.return();
    throw error;
  });
  return mapIterator(live, (event) => {
    if (event.version <= current.version) return undefined;
    current = repository.fold(current, [event]);
    return view(current.state, current.version) ?? undefined;
  });
}
