/**
 * People's data keys as this process sees them: fetched in batches, cached
 * up to a bound (least recently used out first), and never trusted past a
 * forget. Every read batch first reads the forget epoch (one small row that
 * each forget bumps in its own transaction): when it moved, the cache is
 * dropped, so a key another process destroyed stops answering here from the
 * next read on. A batch costs that one read plus, for subjects not cached, one
 * statement per 500 of them; never one look-up per event.
 */
import { forgotten } from '../domain/errors.js';
import type { KeyTable } from './key-table.js';
import type { MasterKeys } from './master-key.js';
import { newDataKey, unwrapKey, wrapKey } from './seal.js';

/** A subject's key as a reader sees it: the key, `forgotten`, or `none` (no key was ever made: legacy plaintext). */
export type KeyState = Buffer | 'forgotten' | 'none';

export class DataKeys {
  private readonly cache = new Map<string, Buffer | 'forgotten'>();
  private epoch: bigint | undefined;
  /** Called whenever the cache is dropped (a forget somewhere): whatever was opened with these keys goes too. */
  private readonly dropped: Array<() => void> = [];
  /** Look-ups made, for tests and operators: epoch reads, key statements, keys unwrapped. */
  readonly stats = { epochReads: 0, fetches: 0, unwrapped: 0 };

  constructor(
    private readonly table: KeyTable,
    private readonly master: MasterKeys,
    private readonly limit: number,
  ) {}

  /** The keys of these subjects for reading, after checking no forget happened since they were cached. */
  async forRead(subjects: ReadonlySet<string>): Promise<Map<string, KeyState>> {
    const result = new Map<string, KeyState>();
    if (subjects.size === 0) return result;
    const epoch = await this.checkEpoch();
    const missing: string[] = [];
    for (const subject of subjects) {
      const cached = this.cached(subject);
      if (cached === undefined) missing.push(subject);
      else result.set(subject, cached);
    }
    if (missing.length === 0) return result;
    this.stats.fetches++;
    const rows = await this.table.fetch(missing);
    for (const row of rows) result.set(row.subjectId, this.remember(row.subjectId, row.wrappedKey, row.masterKeyId, epoch));
    for (const subject of missing) if (!result.has(subject)) result.set(subject, 'none');
    return result;
  }

  /** The key new personal data of `subject` is sealed with, made on first use. Refuses a forgotten subject. */
  async forWrite(subject: string): Promise<Buffer> {
    const cached = this.cached(subject);
    if (cached instanceof Buffer) return cached;
    if (cached === 'forgotten') throw forgottenError(subject);
    // Subjects not cached are looked up (and made) together with the others of the same moment:
    // concurrent registrations share one look-up and one insert instead of a write each.
    let pending = this.pending.get(subject);
    if (!pending) {
      pending = new Promise<Buffer | 'forgotten'>((resolve, reject) => this.waiting.set(subject, { resolve, reject }));
      this.pending.set(subject, pending);
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushWrites());
      }
    }
    const state = await pending;
    if (state === 'forgotten') throw forgottenError(subject);
    return state;
  }

  private readonly pending = new Map<string, Promise<Buffer | 'forgotten'>>();
  private readonly waiting = new Map<string, { resolve(state: Buffer | 'forgotten'): void; reject(error: unknown): void }>();
  private flushing = false;

  /** One batch of write-side look-ups: fetch, make the missing keys in one insert, fetch those again. */
  private async flushWrites(): Promise<void> {
    const batch = new Map(this.waiting);
    this.waiting.clear();
    this.flushing = false;
    const subjects = [...batch.keys()];
    try {
      const epoch = this.epoch;
      const rows = new Map((await this.table.fetch(subjects)).map((row) => [row.subjectId, row]));
      const missing = subjects.filter((subject) => !rows.has(subject));
      if (missing.length > 0) {
        const { key, id } = this.master.forWrapping();
        await this.table.insert(missing.map((subject) => ({ subjectId: subject, wrappedKey: wrapKey(key, subject, newDataKey()), masterKeyId: id })));
        // Another process may have made some first: whichever row is there is the key.
        for (const row of await this.table.fetch(missing)) rows.set(row.subjectId, row);
      }
      for (const [subject, waiter] of batch) {
        const row = rows.get(subject);
        try {
          if (!row) throw new Error(`The data key of ${subject} could not be stored`);
          waiter.resolve(this.remember(subject, row.wrappedKey, row.masterKeyId, epoch));
        } catch (error) {
          waiter.reject(error);
        }
      }
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
    } finally {
      for (const subject of subjects) this.pending.delete(subject);
    }
  }

  /** Drops every cached key (tests, and after a rotation in this process). */
  clear(): void {
    this.cache.clear();
    for (const listener of this.dropped) listener();
  }

  onDrop(listener: () => void): void {
    this.dropped.push(listener);
  }

  /** The forget epoch the cache is valid for (undefined before the first read). */
  get validFor(): bigint | undefined {
    return this.epoch;
  }

  private reading: Promise<bigint> | undefined;
  private queued: Promise<bigint> | undefined;

  /**
   * The epoch as of a read that began after the caller asked: a read already
   * under way may predate a forget the caller must see, so callers that come
   * meanwhile share the one read that starts after it (one read per round
   * trip however many batches are waiting).
   */
  private readEpoch(): Promise<bigint> {
    if (!this.reading) {
      this.stats.epochReads++;
      this.reading = this.table.epoch().finally(() => (this.reading = undefined));
      return this.reading;
    }
    this.queued ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.readEpoch();
      });
    return this.queued;
  }

  private async checkEpoch(): Promise<bigint> {
    const epoch = await this.readEpoch();
    if (this.epoch !== epoch) {
      this.clear();
      this.epoch = epoch;
    }
    return epoch;
  }

  private cached(subject: string): Buffer | 'forgotten' | undefined {
    const found = this.cache.get(subject);
    if (found !== undefined) {
      // Most recently used last: the first entry is the one to drop.
      this.cache.delete(subject);
      this.cache.set(subject, found);
    }
    return found;
  }

  private remember(subject: string, wrapped: string | null, masterKeyId: string | null, epoch: bigint | undefined): Buffer | 'forgotten' {
    let state: Buffer | 'forgotten';
    if (wrapped === null) {
      state = 'forgotten';
    } else {
      const master = masterKeyId === null ? undefined : this.master.byIdOf(masterKeyId);
      if (!master) throw new Error(`The data key of a person is wrapped by master key ${masterKeyId}, which this process does not have (see LEDGER_MASTER_KEY_PREVIOUS)`);
      state = unwrapKey(master, subject, wrapped);
      this.stats.unwrapped++;
    }
    // A fetch that began before a forget this process has since learnt of must not refill the cache.
    if (epoch === this.epoch) {
      this.cache.set(subject, state);
      if (this.cache.size > this.limit) this.cache.delete(this.cache.keys().next().value as string);
    }
    return state;
  }
}

export const forgottenError = (subject: string) => forgotten(`${subject} was forgotten: nothing personal can be written for them`, { id: subject });
