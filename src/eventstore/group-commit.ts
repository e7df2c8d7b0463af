/**
 * Group commit: work submitted while a transaction is in flight waits and
 * then goes in one transaction together, so many concurrent commands share
 * one commit (one fsync, one lock round on PostgreSQL) and Prisma's per-call
 * overhead is paid per batch instead of per command. Each item still gets
 * its own result.
 *
 * If a whole batch fails (a database error, not a per-item conflict), its
 * items are retried one by one so a single bad item only fails itself;
 * unless `retryable` says the batch may have been carried out after all.
 */
export class GroupCommit<Item, Result> {
  private queue: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  private draining = false;
  private closed = false;
  /** Serialises batches with exclusive jobs (projection rebuilds). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly flush: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch: number,
    /** Whether the items of a batch that failed with `error` may be retried (default: always). */
    private readonly retryable: (error: unknown) => boolean = () => true,
  ) {}

  submit(item: Item): Promise<Result> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Let requests that arrived in the same I/O phase join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Runs `job` with no batch in flight. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Refuses new work and resolves when everything submitted has finished. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.tail;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.exclusive(() => this.run(batch));
      }
    } finally {
      this.draining = false;
    }
  }

  private async run(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.flush(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1 || !this.retryable(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      for (const entry of batch) await this.run([entry]);
    }
  }
}

export class StoreClosedError extends Error {
  constructor() {
    super('The event store is closed');
    this.name = 'StoreClosedError';
  }
}
