/**
 * When a subscriber is too slow (closed with 4413). Not when one burst of
 * commits puts it over SUBSCRIPTION_BUFFER for a moment: the tailer hands a
 * whole page of the log (up to 1,000 events) to every subscriber at once, and
 * a subscriber that keeps reading works through a burst of any size. It is
 * too slow when its backlog stays over the limit without it taking anything
 * for a while (its client stopped reading), or when the backlog passes ten
 * times the limit, which bounds the memory one subscriber can hold.
 */
const HARD_LIMIT = 10;
/** How long a subscriber over the limit may go without taking anything. */
const STALL_MS = 250;

export class BacklogWatch {
  private taken = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly limit: number,
    /** Items waiting for the subscriber now. */
    private readonly backlog: () => number,
    private readonly tooSlow: () => void,
  ) {}

  /** The backlog grew. */
  grew(): void {
    if (this.stopped) return;
    const size = this.backlog();
    if (size > this.limit * HARD_LIMIT) return this.fire();
    if (size > this.limit && !this.timer) this.look();
  }

  /** The subscriber took (or the socket wrote) `count` items. */
  progressed(count = 1): void {
    this.taken += count;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private look(): void {
    this.taken = 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped || this.backlog() <= this.limit) return;
      if (this.taken === 0) return this.fire();
      this.look();
    }, STALL_MS);
    this.timer.unref();
  }

  private fire(): void {
    if (this.stopped) return;
    this.stop();
    this.tooSlow();
  }
}
