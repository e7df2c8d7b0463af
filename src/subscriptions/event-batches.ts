/**
 * Events in batches (the `eventsAppended` subscription): while catching up,
 * each page read from the log is one batch, so a replay costs one result per
 * page instead of one per event; once caught up, each live event is a batch
 * of one (events that queued up while a slow consumer was busy go together).
 * Order, exactly-once and the catch-up/live hand-over are the underlying
 * EventSubscription's.
 */
import type { StoredEvent } from '../eventstore/types.js';
import type { EventSubscription } from './event-subscription.js';
import type { PushableSource } from './pushable.js';

export interface StoredEventBatch {
  /** Oldest first, never empty. */
  readonly events: readonly StoredEvent[];
  /** Nothing is left to catch up on: these and every later event come live. */
  readonly caughtUp: boolean;
}

const singles = new WeakMap<StoredEvent, StoredEventBatch>();

/**
 * One live event as a batch. The same object for every subscriber that gets
 * it (the tailer hands them all the same event), so shared execution can
 * share their results.
 */
export function singleBatch(event: StoredEvent): StoredEventBatch {
  let batch = singles.get(event);
  if (!batch) {
    batch = { events: [event], caughtUp: true };
    singles.set(event, batch);
  }
  return batch;
}

export function eventBatches(subscription: EventSubscription, maxBatch: number): PushableSource<StoredEventBatch> {
  const batch = (events: StoredEvent[], caughtUp: boolean): StoredEventBatch => (caughtUp && events.length === 1 ? singleBatch(events[0]!) : { events, caughtUp });
  const source: PushableSource<StoredEventBatch> = {
    async next() {
      const run = await subscription.take(maxBatch);
      return run ? { value: batch(run.events, run.caughtUp), done: false } : { value: undefined, done: true };
    },
    async pull() {
      const run = await subscription.take(maxBatch);
      return run && { item: batch(run.events, run.caughtUp), caughtUp: run.caughtUp };
    },
    pushTo: (push) => subscription.pushTo((event) => push(singleBatch(event))),
    async return() {
      await subscription.return();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => source,
  };
  return source;
}
