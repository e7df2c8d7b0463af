/**
 * One subscriber's stream of events: optionally catching up from a position
 * by reading the log, then live from the shared tailer, with no gap and no
 * duplicate at the hand-over.
 *
 * Catch-up reads pages bounded above by the tailer's position at the time of
 * the read, so each page is complete; the subscriber joins the tailer in the
 * same tick it has read up to the tailer's position, and from then on takes
 * only events above what it has already seen. Catch-up is pulled by the
 * consumer (a slow reader slows the reads); live events are pushed into a
 * bounded buffer, and a subscriber that lets it overflow is cut off.
 */
import type { EventStore, LogFilter, StoredEvent } from '../eventstore/types.js';
import type { LiveListener, LogTailer } from './log-tailer.js';

export type EventFilter = Pick<LogFilter, 'streamId' | 'streamType' | 'types'>;

export function matches(filter: EventFilter, event: StoredEvent): boolean {
  if (filter.streamId !== undefined && event.streamId !== filter.streamId) return false;
  if (filter.streamType !== undefined && event.streamType !== filter.streamType) return false;
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  return true;
}

export interface EventSubscriptionOptions {
  /** Catch up from here (exclusive); undefined = only events committed from now on. */
  afterPosition?: bigint | undefined;
  /** Live events waiting for the consumer before it counts as too slow. */
  bufferLimit: number;
  /** Called once when the buffer overflows; the subscription has ended by then. */
  onOverflow: () => void;
  pageSize?: number;
}

export class EventSubscription implements AsyncIterableIterator<StoredEvent>, LiveListener {
  private readonly queue: StoredEvent[] = [];
  private pending: ((result: IteratorResult<StoredEvent>) => void) | undefined;
  /** Every event at or below this position has been considered (delivered or filtered out). */
  private seen: bigint;
  private live = false;
  private done = false;
  private started = false;

  constructor(
    private readonly tailer: LogTailer,
    private readonly store: EventStore,
    private readonly filter: EventFilter,
    private readonly options: EventSubscriptionOptions,
  ) {
    this.seen = options.afterPosition ?? 0n;
  }

  /** Joins the tailer at once when there is nothing to catch up on. Call before the first next(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.afterPosition === undefined) this.goLive(this.tailer.position);
  }

  get overflowed(): boolean {
    return this.done && this.queue.length > this.options.bufferLimit;
  }

  deliver(event: StoredEvent): void {
    if (this.done || event.position <= this.seen) return;
    this.seen = event.position;
    if (!matches(this.filter, event)) return;
    if (this.pending) {
      const resolve = this.pending;
      this.pending = undefined;
      resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
    if (this.queue.length > this.options.bufferLimit) {
      this.finish();
      this.options.onOverflow();
    }
  }

  async next(): Promise<IteratorResult<StoredEvent>> {
    this.start();
    for (;;) {
      if (this.done) return { value: undefined, done: true };
      const queued = this.queue.shift();
      if (queued) return { value: queued, done: false };
      if (this.live) return new Promise((resolve) => (this.pending = resolve));
      await this.catchUp();
    }
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    this.finish();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async catchUp(): Promise<void> {
    const limit = this.options.pageSize ?? 500;
    const upTo = this.tailer.position;
    if (this.seen >= upTo) {
      this.goLive(this.seen);
      return;
    }
    const page = await this.store.readLog({ ...this.filter, afterPosition: this.seen, upToPosition: upTo, limit });
    if (this.done) return;
    for (const event of page) if (event.position > this.seen) this.queue.push(event);
    // A short page means everything up to `upTo` has been read.
    this.seen = page.length < limit ? upTo : page[page.length - 1]!.position;
    if (this.seen >= this.tailer.position) this.goLive(this.seen);
  }

  private goLive(from: bigint): void {
    if (this.done) return;
    if (from > this.seen) this.seen = from;
    this.live = true;
    this.tailer.add(this);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.tailer.remove(this);
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.({ value: undefined, done: true });
  }
}

/** Maps an async iterator; return() reaches the source at once (no waiting for a pending next). */
export function mapIterator<From, To>(source: AsyncIterator<From>, map: (value: From) => To | undefined): AsyncIterableIterator<To> {
  const iterator: AsyncIterableIterator<To> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return { value: undefined, done: true };
        const mapped = map(result.value);
        if (mapped !== undefined) return { value: mapped, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
