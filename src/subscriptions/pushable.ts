/**
 * A subscription source that can hand live items over synchronously. Pulled
 * one at a time while it catches up (each `pull` a promise), and once it has
 * caught up, pushed as the log tailer reads them: with thousands of
 * subscribers that saves a promise chain per event and subscriber.
 */
export interface PushableSource<T> extends AsyncIterableIterator<T> {
  /** The next item, and whether nothing is left to catch up on after it; undefined once ended. */
  pull(): Promise<{ item: T; caughtUp: boolean } | undefined>;
  /** After a pull said `caughtUp`: every later item goes to `push`, in order. Resolves when the source ends. */
  pushTo(push: (item: T) => void): Promise<void>;
}

export function isPushable(source: object): source is PushableSource<unknown> {
  return typeof (source as Partial<PushableSource<unknown>>).pull === 'function' && typeof (source as Partial<PushableSource<unknown>>).pushTo === 'function';
}
