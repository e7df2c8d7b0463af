/**
 * Loads aggregates: from a cache of recent states, else from the newest
 * snapshot, then the events after it. Also answers time travel (state at a
 * version or at a time) and batched loads for DataLoader.
 */
import { fold, type Decider, type DomainEvent, type Recorded } from '../domain/decider.js';
import { badInput } from '../domain/errors.js';
import type { EventStore, StoredEvent } from '../eventstore/types.js';

/** Versions are 32-bit integers in both schemas. */
const MAX_VERSION = 2_147_483_647;

export interface Loaded<State> {
  readonly state: State;
  /** 0 when the stream does not exist. */
  readonly version: number;
  /** Type of the stream's events when it belongs to another aggregate (the id is taken). */
  readonly foreignType?: string;
}

export interface RepositoryOptions {
  /** Write a snapshot every this many events (0 = never). */
  snapshotEvery: number;
  /** Aggregates kept in memory (latest committed state). */
  cacheSize?: number;
}

export class AggregateRepository<State, Command, Event extends DomainEvent> {
  private readonly cache = new Map<string, Loaded<State>>();
  private readonly cacheSize: number;

  constructor(
    readonly store: EventStore,
    readonly decider: Decider<State, Command, Event>,
    private readonly options: RepositoryOptions,
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /** Latest state: the cached state plus any events committed since (another process may have written). */
  async load(streamId: string): Promise<Loaded<State>> {
    const cached = this.cache.get(streamId);
    const base = cached ?? (await this.fromSnapshot(streamId));
    const tail = await this.store.readStream(streamId, { afterVersion: base.version });
    const loaded = this.apply(base, tail);
    if (!loaded.foreignType) this.remember(streamId, loaded);
    return loaded;
  }

  /**
   * For commands: the cached state as it is, without a read (undefined when
   * not cached). Another process may have moved the stream on: the append's
   * expected version catches that, and the handler reads the log before any
   * answer that appends nothing.
   */
  cached(streamId: string): Loaded<State> | undefined {
    return this.cache.get(streamId);
  }

  /** Latest states of many streams in two queries (snapshots, then tails). */
  async loadMany(streamIds: readonly string[]): Promise<Map<string, Loaded<State>>> {
    const bases = new Map<string, Loaded<State>>();
    const missing = streamIds.filter((id) => {
      const cached = this.cache.get(id);
      if (cached) bases.set(id, cached);
      return !cached;
    });
    const snapshots = await this.store.readSnapshots(missing, this.decider);
    for (const id of missing) {
      const snapshot = snapshots.get(id);
      bases.set(id, snapshot ? { state: this.decider.fromSnapshot(snapshot.state), version: snapshot.version } : this.empty());
    }
    const tails = await this.store.readStreams(new Map([...bases].map(([id, base]) => [id, base.version])));
    const result = new Map<string, Loaded<State>>();
    for (const [id, base] of bases) {
      const loaded = this.apply(base, tails.get(id) ?? []);
      if (!loaded.foreignType) this.remember(id, loaded);
      result.set(id, loaded);
    }
    return result;
  }

  /**
   * State after the stream's first `version` events, or after every event
   * with timestamp <= `asOf`. Null when the stream did not exist then.
   */
  async loadAt(streamId: string, at: { version?: number | null | undefined; asOf?: Date | null | undefined }, useSnapshots = true): Promise<Loaded<State> | null> {
    const hasVersion = at.version !== undefined && at.version !== null;
    const hasAsOf = at.asOf !== undefined && at.asOf !== null;
    if (hasVersion && hasAsOf) throw badInput('Give either version or asOf, not both');
    let target: number;
    if (hasVersion) {
      target = at.version as number;
      if (!Number.isInteger(target) || target < 1) throw badInput('version must be 1 or more', { field: 'version' });
    } else if (hasAsOf) {
      target = await this.store.streamVersion(streamId, at.asOf as Date);
      if (target === 0) return null;
    } else {
      return this.load(streamId);
    }
    // The newest snapshot at or below the target and the events after it, in one query.
    const { snapshot, events } = await this.store.readStreamAt(streamId, target, useSnapshots ? this.decider : null);
    const base = snapshot ? { state: this.decider.fromSnapshot(snapshot.state), version: snapshot.version } : this.empty();
    const loaded = this.apply(base, events);
    // Fewer events than asked for: the stream ends before `target` (no separate version lookup).
    if (loaded.version < target) {
      if (loaded.version === 0) return null;
      throw badInput(`version ${target} is beyond the stream's current version ${loaded.version}`, { field: 'version', currentVersion: loaded.version });
    }
    return loaded;
  }

  /** Records a committed state, and writes a snapshot when the stream crossed a multiple of snapshotEvery. */
  committed(streamId: string, previousVersion: number, loaded: Loaded<State>): void {
    this.remember(streamId, loaded);
    const every = this.options.snapshotEvery;
    if (every > 0 && Math.floor(previousVersion / every) < Math.floor(loaded.version / every)) {
      void this.store
        .writeSnapshot({
          streamId,
          streamType: this.decider.streamType,
          version: loaded.version,
          revision: this.decider.revision,
          state: this.decider.toSnapshot(loaded.state),
        })
        // A snapshot is only a shortcut: losing one costs replay time, not data.
        .catch(() => undefined);
    }
  }

  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  fold(base: Loaded<State>, events: readonly StoredEvent[]): Loaded<State> {
    return this.apply(base, events);
  }

  private async fromSnapshot(streamId: string): Promise<Loaded<State>> {
    const snapshot = await this.store.readSnapshot(streamId, MAX_VERSION, this.decider);
    return snapshot ? { state: this.decider.fromSnapshot(snapshot.state), version: snapshot.version } : this.empty();
  }

  private empty(): Loaded<State> {
    return { state: this.decider.initialState, version: 0 };
  }

  private apply(base: Loaded<State>, events: readonly StoredEvent[]): Loaded<State> {
    if (events.length === 0) return base;
    const foreign = events.find((event) => event.streamType !== this.decider.streamType);
    const recorded = events as unknown as readonly Recorded<Event>[];
    return {
      state: fold(this.decider.evolve, base.state, recorded),
      version: events[events.length - 1]!.version,
      ...(foreign ? { foreignType: foreign.streamType } : base.foreignType ? { foreignType: base.foreignType } : {}),
    };
  }

  private remember(streamId: string, loaded: Loaded<State>): void {
    const previous = this.cache.get(streamId);
    if (previous && previous.version > loaded.version) return;
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }
}
