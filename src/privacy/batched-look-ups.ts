/**
 * Look-ups of the same moment, made together: every subject asked for
 * before the next turn of the event loop goes to `run` in one batch (so
 * concurrent commands share one statement), and a caller asking for a
 * subject already on its way shares that answer.
 */
export class BatchedLookUps<T> {
  private readonly pending = new Map<string, Promise<T>>();
  private readonly waiting = new Map<string, { make: boolean; resolve(answer: T): void; reject(error: unknown): void }>();
  private flushing = false;

  /**
   * `run` answers a batch (each subject with whether one without an answer
   * must be made) per subject, or with the error that subject's caller gets.
   */
  constructor(private readonly run: (batch: ReadonlyMap<string, boolean>) => Promise<Map<string, T | Error>>) {}

  lookUp(subject: string, make: boolean): Promise<T> {
    let pending = this.pending.get(subject);
    const waiter = this.waiting.get(subject);
    if (pending) {
      if (waiter && make) waiter.make = true;
      return pending;
    }
    pending = new Promise<T>((resolve, reject) => this.waiting.set(subject, { make, resolve, reject }));
    this.pending.set(subject, pending);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
    return pending;
  }

  private async flush(): Promise<void> {
    const batch = new Map(this.waiting);
    this.waiting.clear();
    this.flushing = false;
    try {
      const answers = await this.run(new Map([...batch].map(([subject, waiter]) => [subject, waiter.make])));
      for (const [subject, waiter] of batch) {
        const answer = answers.get(subject);
        if (answer === undefined) waiter.reject(new Error(`No answer for ${subject}`));
        else if (answer instanceof Error) waiter.reject(answer);
        else waiter.resolve(answer);
      }
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
    } finally {
      for (const subject of batch.keys()) this.pending.delete(subject);
    }
  }
}
