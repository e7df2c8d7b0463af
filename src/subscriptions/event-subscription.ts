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
 *
 * A consumer takes events one at a time (`next`, the AsyncIterator) or in
 * runs (`take`: a catch-up page, or the live events waiting). Once live with
 * nothing waiting, a consumer may have events handed to it synchronously as
 * the tailer reads them (`pushTo`), with no promise per event and subscriber.
 */
import { BacklogWatch } from './backlog.js';
import type { EventStore, LogFilter, StoredEvent } from '../eventstore/types.js';
import type { LiveListener, LogTailer } from './log-tailer.js';
import type { PushableSource } from './pushable.js';

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
  /** Events per catch-up read (default 500; `take` reads pages of the size it asks for). */
  pageSize?: number;
}

/** Takes from catch-up between two turns given to the event loop (each take is one run, executed and sent). */
const TURN_EVERY = 32;

/** A run of events handed to a consumer, oldest first. */
export interface EventRun {
  readonly events: StoredEvent[];
  /** True when nothing is left to catch up on: these and all later events were (or will be) delivered live. */
  readonly caughtUp: boolean;
}

export class EventSubscription implements PushableSource<StoredEvent>, LiveListener {
  /** Events waiting for the consumer: queue[head..]. */
  private queue: StoredEvent[] = [];
  private head = 0;
  /** How many events at the front of the queue came from catch-up reads. */
  private fromCatchUp = 0;
  private pending: ((run: EventRun | undefined) => void) | undefined;
  private pushed: ((event: StoredEvent) => void) | undefined;
  private ended: (() => void) | undefined;
  /** Every event at or below this position has been considered (delivered or filtered out). */
  private seen: bigint;
  /** Takes served from catch-up since the event loop last had a turn. */
  private sinceTurn = 0;
  private live = false;
  private done = false;
  private started = false;
  /** Decides when live events pile up because the consumer stopped taking them. */
  private readonly watch: BacklogWatch;

  constructor(
    private readonly tailer: LogTailer,
    private readonly store: EventStore,
    private readonly filter: EventFilter,
    private readonly options: EventSubscriptionOptions,
  ) {
    this.seen = options.afterPosition ?? 0n;
    this.watch = new BacklogWatch(options.bufferLimit, () => this.waiting, () => {
      this.finish();
      this.options.onOverflow();
    });
  }

  /** Joins the tailer at once when there is nothing to catch up on. Call before the first next(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.afterPosition === undefined) this.goLive(this.tailer.position);
  }

  deliver(event: StoredEvent): void {
    if (this.done || event.position <= this.seen) return;
    this.seen = event.position;
    if (!matches(this.filter, event)) return;
    if (this.pushed) return this.pushed(event);
    if (this.pending && this.waiting === 0) {
      const resolve = this.pending;
      this.pending = undefined;
      return resolve({ events: [event], caughtUp: true });
    }
    this.queue.push(event);
    this.watch.grew();
  }

  /**
   * The next run of at most `max` events: what is waiting, else the next
   * catch-up page (read `max` at a time), else the next live event.
   * Undefined once the subscription has ended.
   */
  async take(max: number): Promise<EventRun | undefined> {
    this.start();
    for (;;) {
      if (this.done) return undefined;
      if (this.waiting > 0) {
        // Catching up, the queue is full and every take resolves at once: without a turn of the event
        // loop now and then, a page's whole execution and sending would hold every other request back.
        if (this.fromCatchUp > 0 && (this.sinceTurn += 1) >= TURN_EVERY) {
          this.sinceTurn = 0;
          await new Promise((resolve) => setImmediate(resolve));
          if (this.done) return undefined;
          if (this.waiting === 0) continue;
        }
        const events = this.queue.slice(this.head, this.head + max);
        this.head += events.length;
        // Drop what was taken once it is the larger part (a consumer that never empties the queue must not grow it forever).
        if (this.head * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.fromCatchUp = Math.max(0, this.fromCatchUp - events.length);
        this.watch.progressed(events.length);
        return { events, caughtUp: this.live && this.fromCatchUp === 0 };
      }
      if (this.live) return new Promise((resolve) => (this.pending = resolve));
      await this.catchUp(max);
    }
  }

  async next(): Promise<IteratorResult<StoredEvent>> {
    const run = await this.take(1);
    return run ? { value: run.events[0]!, done: false } : { value: undefined, done: true };
  }

  async pull(): Promise<{ item: StoredEvent; caughtUp: boolean } | undefined> {
    const run = await this.take(1);
    return run && { item: run.events[0]!, caughtUp: run.caughtUp };
  }

  /**
   * Once caught up (a run said `caughtUp`): hands what is waiting to `push`
   * at once, in order, and from then on every live event as the tailer reads
   * it. Resolves when the subscription ends. No `take` may be pending or
   * called after this.
   */
  pushTo(push: (event: StoredEvent) => void): Promise<void> {
    if (!this.live) throw new Error('pushTo before the subscription caught up');
    if (this.done) return Promise.resolve();
    const ended = new Promise<void>((resolve) => (this.ended = resolve));
    const waiting = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.fromCatchUp = 0;
    this.pushed = push;
    for (const event of waiting) push(event);
    return ended;
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    this.finish();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Events queued and not yet taken. */
  private get waiting(): number {
    return this.queue.length - this.head;
  }

  private async catchUp(max: number): Promise<void> {
    const limit = max > 1 ? max : (this.options.pageSize ?? 500);
    const upTo = this.tailer.position;
    if (this.seen >= upTo) {
      this.goLive(this.seen);
      return;
    }
    const page = await this.store.readLog({ ...this.filter, afterPosition: this.seen, upToPosition: upTo, limit });
    // Let the event loop run between pages: on SQLite a read never waits on I/O, so catching up would keep it.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.done) return;
    for (const event of page) {
      if (event.position > this.seen) {
        this.queue.push(event);
        this.fromCatchUp++;
      }
    }
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
    this.watch.stop();
    this.tailer.remove(this);
    this.pushed = undefined;
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(undefined);
    this.ended?.();
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
