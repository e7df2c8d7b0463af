/**
 * People's data keys as this process sees them: fetched in batches, cached
 * up to a bound (least recently used out first, where used lately means
 * within the last half of the cache's turnover), and never trusted past a
 * forget. Each forget bumps the forget epoch (one small row) in its own
 * transaction, and the store selects that epoch in the same statement as
 * the events or snapshots it reads (FORGET_EPOCH, EventCodec.readAlong):
 * when it differs from the one the cache was filled under, the cache is
 * dropped before anything of that read is opened. The guarantee: a read
 * whose statement began after a forget committed (on any process) sees the
 * forget's epoch, since a statement sees every commit before it began, so
 * no key cached before the forget opens anything it returns. Reads that
 * carry no epoch (read models' rows) read it first, one statement, as
 * before. A batch costs, for subjects not cached, one statement per 500 of
 * them; never one look-up per event.
 *
 * A new person's key is not stored ahead of their first event: it is staged
 * (`forAppend`) and stored by that append's own transaction (`stored`), which
 * fails if the person has any other row by then (another process's key, or
 * a tombstone). So an event is only ever committed sealed with the stored
 * key, an append that is not written leaves no key, and a staged key is
 * trusted (cached) only once its append committed (`settle`).
 */
import { forgotten } from '../domain/errors.js';
import { BatchedLookUps } from './batched-look-ups.js';
import type { KeyTable } from './key-table.js';
import type { MasterKeys } from './master-key.js';
import { newDataKey, unwrapKey, wrapKey } from './seal.js';

/** A subject's key as a reader sees it: the key, `forgotten`, or `none` (no key was ever made: legacy plaintext). */
export type KeyState = Buffer | 'forgotten' | 'none';

/** A key made for an append and not yet stored: `DataKeys.stored` stores it in the append's own transaction. */
export interface StagedKey {
  readonly subject: string;
  readonly key: Buffer;
  readonly wrappedKey: string;
  readonly masterKeyId: string;
  /** The forget epoch it was made under: it is cached after the commit only if no forget was learnt of since. */
  readonly epoch: bigint | undefined;
}

/**
 * The forget epoch as an SQL scalar: what a read of events selects with
 * them (EventCodec.readAlong), so the epoch is as of the same snapshot as
 * the events themselves.
 */
export const FORGET_EPOCH = '(SELECT forget_epoch FROM personal_data_epoch WHERE id = 1)';

/** Keys per insert statement. */
const INSERT_CHUNK = 500;

export class DataKeys {
  private readonly cache = new Map<string, { state: Buffer | 'forgotten'; at: number }>();
  /** Entries put at the end of the cache so far (its clock for `cached`). */
  private kept = 0;
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

  /**
   * The keys of these subjects for reading, after checking no forget
   * happened since they were cached: against `epoch` when the caller read
   * it in the same statement as what it opens (FORGET_EPOCH), else against
   * one read now.
   */
  async forRead(subjects: ReadonlySet<string>, epoch?: bigint): Promise<Map<string, KeyState>> {
    const result = new Map<string, KeyState>();
    if (subjects.size === 0) return result;
    if (epoch === undefined) epoch = await this.checkEpoch();
    else this.learnEpoch(epoch);
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

  /**
   * The key an append seals `subject`'s personal data with: the stored one,
   * or, for a subject with no row yet, a new key staged for the append's own
   * transaction (`stored`), trusted only once that committed
   * (`settle`). Appends of the same moment share one staged key. `isNew`:
   * the caller knows of no row (a new person's own first event), so none is
   * looked up; the append's statement still checks. Refuses a forgotten subject.
   */
  async forAppend(subject: string, isNew = false): Promise<Buffer | StagedKey> {
    const cached = this.cached(subject);
    if (cached instanceof Buffer) return cached;
    if (cached === 'forgotten') throw forgottenError(subject);
    const known = this.staged.get(subject) ?? (isNew ? 'none' : await this.lookUps.lookUp(subject, false));
    if (known === 'forgotten') throw forgottenError(subject);
    if (known !== 'none') return known;
    let staged = this.staged.get(subject);
    if (!staged) {
      const { key: master, id } = this.master.forWrapping();
      const key = newDataKey();
      const wrappedKey = wrapKey(master, subject, key);
      staged = { subject, key, wrappedKey, masterKeyId: id, epoch: this.epoch };
      this.staged.set(subject, staged);
    }
    return staged;
  }

  /**
   * The statements that store staged keys in an append transaction (of
   * several appends at once): they fail it when a subject has another row by
   * then (KeyTable.insertStatement).
   */
  readonly stored = (staged: readonly StagedKey[]): Array<{ sql: string; params: unknown[] }> => {
    const statements = [];
    for (let start = 0; start < staged.length; start += INSERT_CHUNK) {
      statements.push(this.table.insertStatement(staged.slice(start, start + INSERT_CHUNK).map((key) => ({ subjectId: key.subject, wrappedKey: key.wrappedKey, masterKeyId: key.masterKeyId }))));
    }
    return statements;
  };

  /**
   * After an append that carried `staged` keys. Committed: they are their
   * subjects' keys (cached, unless a forget was learnt of meanwhile). Not
   * committed: they are dropped here, never trusted; true when a subject
   * has another row by now (a key another process stored first, or a
   * tombstone), which is what failed the append: seal it again.
   */
  async settle(staged: readonly StagedKey[], committed: boolean): Promise<boolean> {
    for (const key of staged) if (this.staged.get(key.subject) === key) this.staged.delete(key.subject);
    if (committed) {
      for (const key of staged) if (key.epoch === this.epoch) this.keep(key.subject, key.key);
      return false;
    }
    if (staged.length === 0) return false;
    const epoch = this.epoch;
    this.stats.fetches++;
    let replaced = false;
    for (const row of await this.table.fetch(staged.map((key) => key.subject))) {
      const mine = staged.find((key) => key.subject === row.subjectId);
      if (mine && row.wrappedKey === mine.wrappedKey) {
        if (mine.epoch === this.epoch) this.keep(mine.subject, mine.key);
        continue;
      }
      replaced = true;
      this.remember(row.subjectId, row.wrappedKey, row.masterKeyId, epoch);
    }
    return replaced;
  }

  /** Subjects this process just forgot (their forget committed): never written for again from here. */
  forgotten(subjects: readonly string[]): void {
    for (const subject of subjects) this.keep(subject, 'forgotten');
  }

  /**
   * A stored key for personal data written outside appends (snapshots,
   * sealing old events in place): made on first use, in a transaction of
   * its own. Refuses a forgotten subject.
   */
  async forWrite(subject: string): Promise<Buffer> {
    for (let tries = 0; ; tries++) {
      const cached = this.cached(subject);
      const state = cached ?? (await this.lookUps.lookUp(subject, true));
      if (state === 'forgotten') throw forgottenError(subject);
      if (state instanceof Buffer) return state;
      // A look-up already under way for an append does not make keys: the next one does.
      if (tries > 0) throw new Error(`The data key of ${subject} could not be stored`);
    }
  }

  /** Keys made for appends whose transaction has not committed yet. */
  private readonly staged = new Map<string, StagedKey>();
  /**
   * Subjects' stored keys, looked up with the others of the same moment
   * (batched-look-ups.ts). `make`: a subject without a row gets one, in one
   * insert for the batch.
   */
  private readonly lookUps = new BatchedLookUps<KeyState>(async (batch) => {
    const epoch = this.epoch;
    const subjects = [...batch.keys()];
    this.stats.fetches++;
    const rows = new Map((await this.table.fetch(subjects)).map((row) => [row.subjectId, row]));
    const missing = subjects.filter((subject) => !rows.has(subject) && batch.get(subject));
    if (missing.length > 0) {
      const { key, id } = this.master.forWrapping();
      await this.table.insert(missing.map((subject) => ({ subjectId: subject, wrappedKey: wrapKey(key, subject, newDataKey()), masterKeyId: id })));
      // Another process may have made some first: whichever row is there is the key.
      for (const row of await this.table.fetch(missing)) rows.set(row.subjectId, row);
    }
    const answers = new Map<string, KeyState | Error>();
    for (const [subject, make] of batch) {
      const row = rows.get(subject);
      try {
        if (!row && make) throw new Error(`The data key of ${subject} could not be stored`);
        answers.set(subject, row ? this.remember(subject, row.wrappedKey, row.masterKeyId, epoch) : 'none');
      } catch (error) {
        answers.set(subject, error as Error);
      }
    }
    return answers;
  });

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
    this.learnEpoch(epoch);
    return epoch;
  }

  /**
   * Any other epoch than the cache's drops the cache. (An older one, from a
   * read that began before a newer one, drops it too: every key cached
   * under an epoch was fetched after it was learnt, so none outlives a
   * change, in either direction; a restored database's epoch may go back.)
   */
  private learnEpoch(epoch: bigint): void {
    if (this.epoch !== epoch) {
      this.clear();
      this.epoch = epoch;
    }
  }

  private cached(subject: string): Buffer | 'forgotten' | undefined {
    const found = this.cache.get(subject);
    if (found === undefined) return undefined;
    // Most recently used last: the first entry is the one to drop. An entry is moved only once it
    // has aged past half the cache (moving costs a delete and an insert on every hit of a page).
    if (this.kept - found.at > this.limit / 2) {
      this.cache.delete(subject);
      this.cache.set(subject, { state: found.state, at: ++this.kept });
    }
    return found.state;
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
    if (epoch === this.epoch) this.keep(subject, state);
    return state;
  }

  private keep(subject: string, state: Buffer | 'forgotten'): void {
    this.cache.delete(subject);
    this.cache.set(subject, { state, at: ++this.kept });
    if (this.cache.size > this.limit) this.cache.delete(this.cache.keys().next().value as string);
  }
}

export const forgottenError = (subject: string) => forgotten(`${subject} was forgotten: nothing personal can be written for them`, { id: subject });
