/**
 * One reader of the global log per process, shared by every subscriber.
 *
 * The log is the source of truth: the tailer reads it by position and fans
 * each event out to the subscribers whose filter matches. Wake-ups (a local
 * commit, a PostgreSQL NOTIFY from another process, or the fallback poll)
 * only say "read now": a lost wake-up delays delivery until the next poll,
 * it never loses an event. However many subscribers there are, a wake-up
 * costs one query.
 */
import type { EventStore, StoredEvent } from '../eventstore/types.js';

export interface LiveListener {
  /** Called synchronously for every event past the tailer's position, in order. */
  deliver(event: StoredEvent): void;
}

export interface LogTailerOptions {
  /** Fallback read interval when no wake-up arrives (ms). */
  pollMs: number;
  /** Events read per query. */
  pageSize?: number;
  onError?: (error: unknown) => void;
}

export class LogTailer {
  /** Every event up to here has been delivered to the listeners of its time. */
  private current = 0n;
  private readonly listeners = new Set<LiveListener>();
  /** Listeners of the server itself (not subscriptions, so not counted as such). */
  private readonly watchers = new Set<LiveListener>();
  /** The read in progress, if any (stop waits for it: the store may close right after). */
  private reading: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly options: LogTailerOptions,
  ) {}

  /** Starts at the current head: only events committed from now on are live. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.current = await this.store.headPosition();
      this.schedulePoll();
    })();
    return this.started;
  }

  get position(): bigint {
    return this.current;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  add(listener: LiveListener): void {
    this.listeners.add(listener);
  }

  remove(listener: LiveListener): void {
    this.listeners.delete(listener);
  }

  /** Follows every committed event like a subscription, without counting as one. Returns the way to stop. */
  watch(watcher: LiveListener): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Something may have been committed: read the log (coalesced with a read in progress). */
  wake(): void {
    if (this.stopped || !this.started) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll();
  }

  /** Stops reading; resolves once a read in progress has ended, so the store can close under it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.reading;
  }

  private async readAll(): Promise<void> {
    try {
      do {
        this.again = false;
        for (;;) {
          const page = await this.store.readLog({ afterPosition: this.current, limit: this.options.pageSize ?? 1000 });
          for (const event of page) {
            this.current = event.position;
            for (const listener of this.listeners) listener.deliver(event);
            for (const watcher of this.watchers) watcher.deliver(event);
          }
          if (page.length < (this.options.pageSize ?? 1000) || this.stopped) break;
          // Between pages of a long burst, let subscribers' sockets and other requests run.
          await new Promise((resolve) => setImmediate(resolve));
          if (this.stopped) break;
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.reading = undefined;
    }
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedulePoll();
    }, this.options.pollMs);
    this.timer.unref();
  }
}
