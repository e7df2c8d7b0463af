/**
 * The event store: the one interface everything above the database uses.
 * Two backends implement it through Prisma (SQLite and PostgreSQL).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * What the writer believes the stream's version to be.
 * - `'any'`: no check;
 * - `'no_stream'`: the stream must not exist yet;
 * - a number: the stream must be at exactly that version (0 = no stream).
 */
export type ExpectedVersion = 'any' | 'no_stream' | number;

export interface NewEvent {
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /**
   * The schema version of `type` the data follows; the store's EventSchemas give it when left out (else 1).
   * For a type the schemas know, only the current version is accepted.
   */
  readonly schemaVersion?: number;
}

export interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly streamType: string;
  /** 1-based within the stream. */
  readonly version: number;
  /** Global position: strictly increasing in commit order, never visible out of order. */
  readonly position: bigint;
  readonly type: string;
  /** The schema version of `type` that `data` follows: its current one when read through a store that knows the type. */
  readonly schemaVersion: number;
  /** The schema version the event was written at (older ones are upcast when read). */
  readonly storedSchemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** Commit time; never decreases along the global log. */
  readonly timestamp: Date;
}

/** The versions one command appended to one stream, inclusive; firstVersion > lastVersion when it appended none. */
export interface CommandStreamRange {
  readonly streamId: string;
  readonly firstVersion: number;
  readonly lastVersion: number;
}

export interface CommandRecord {
  readonly commandId: string;
  /** Who issued the command ('' on an open server): command ids are scoped by it. */
  readonly actor: string;
  readonly commandType: string;
  /** The command's first stream (the only one of a single-stream command). */
  readonly streamId: string;
  /** Versions the command appended to `streamId`, inclusive; firstVersion > lastVersion when it appended none. */
  readonly firstVersion: number;
  readonly lastVersion: number;
  /** Every stream the command appended to, in the order of its request (the first is `streamId`). */
  readonly streams: readonly CommandStreamRange[];
  /**
   * What the command was (its type and canonical input, hashed by the
   * command handler), to tell a repeat from another command reusing the id;
   * null for commands recorded before fingerprints were.
   */
  readonly fingerprint: string | null;
}

/** The command an append carries out, recorded in the same transaction as its events. */
export interface CommandStamp {
  readonly id: string;
  readonly type: string;
  readonly actor: string;
  /** Kept with the record (see CommandRecord.fingerprint). */
  readonly fingerprint?: string | undefined;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly streamType: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  /**
   * Recorded in the same transaction as the events; a second append with the
   * same id from the same actor appends nothing. Ids are scoped by the actor:
   * another actor's command with the same id is a different command.
   */
  readonly command?: CommandStamp | undefined;
}

export type AppendResult =
  | { readonly status: 'appended'; readonly events: readonly StoredEvent[]; readonly version: number }
  | { readonly status: 'conflict'; readonly actualVersion: number }
  | { readonly status: 'duplicate'; readonly command: CommandRecord };

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly streamType: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

/**
 * Events for several streams, each with its own expected version, appended
 * atomically: every stream's events or none, at consecutive global positions
 * in the order given. A stream may appear once.
 */
export interface MultiStreamAppendRequest {
  readonly streams: readonly StreamAppend[];
  /** As for AppendRequest: recorded once, for all the streams. */
  readonly command?: CommandStamp | undefined;
}

export type MultiStreamAppendResult =
  | {
      readonly status: 'appended';
      /** Each stream's stored events and new version, in the order of the request. */
      readonly streams: ReadonlyArray<{ readonly streamId: string; readonly events: readonly StoredEvent[]; readonly version: number }>;
    }
  /** The first stream (in request order) that was not at its expected version; nothing was appended. */
  | { readonly status: 'conflict'; readonly streamId: string; readonly actualVersion: number }
  | { readonly status: 'duplicate'; readonly command: CommandRecord };

export interface ReadStreamOptions {
  /** Only events with version > afterVersion (default 0). */
  readonly afterVersion?: number;
  /** Only events with version <= toVersion. */
  readonly toVersion?: number;
}

export interface LogFilter {
  readonly streamId?: string | undefined;
  readonly streamType?: string | undefined;
  readonly types?: readonly string[] | undefined;
  /** Inclusive. */
  readonly since?: Date | undefined;
  /** Inclusive. */
  readonly until?: Date | undefined;
}

export interface ReadLogOptions extends LogFilter {
  /** Only events with position > afterPosition (default 0n). */
  readonly afterPosition?: bigint;
  /** Read from the newest end: the `limit` newest matching events, newest first. */
  readonly newestFirst?: boolean;
  /** Only events with position <= upToPosition. */
  readonly upToPosition?: bigint;
  readonly limit: number;
}

/** Whose snapshots a reader may use: only those written by the same decider (stream type and revision). */
export interface SnapshotKind {
  readonly streamType: string;
  readonly revision: number;
}

export interface Snapshot {
  readonly streamId: string;
  readonly streamType: string;
  readonly version: number;
  readonly revision: number;
  readonly state: unknown;
}

/**
 * What the store knows of event types, without knowing any aggregate (the
 * app's EventCatalog): appends are checked against the current schema and
 * stamped with its version, and every read hands out data in the current
 * shape. Types it does not know pass through unchanged.
 */
export interface EventSchemas {
  /** The schema version new events of `type` are written at. */
  versionOf(type: string): number;
  /**
   * Throws a DomainError (BAD_USER_INPUT) when the event may not be appended: a type the stream type's owner
   * does not declare, a `schemaVersion` other than the current one, or `data` not matching the current schema.
   */
  check(streamType: string, type: string, data: unknown, schemaVersion?: number): void;
  /** Data written at `version`, in the type's current shape. */
  upcast<Data>(type: string, version: number, data: Data): Data;
}

/** Raw SQL for inline projections, run inside the append transaction. `?` placeholders in both dialects. */
export interface SqlExecutor {
  readonly dialect: 'sqlite' | 'postgresql';
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * A read model kept in the same transaction as the events it is built from,
 * so it is never behind the log it serves. Applying an event twice must
 * change nothing (handlers guard on the row's last applied position).
 */
export interface InlineProjection {
  readonly name: string;
  /**
   * Tables the projection owns. A rebuild builds copies of them (from the
   * database's definition) and runs the projection's SQL against the copies
   * by rewriting these names in it: a table's name must not also be used as
   * another identifier (a column, an alias) in that SQL.
   */
  readonly tables: readonly string[];
  /** Applies events in any state of the read model (rebuilds, catch-up): reads what it needs first. */
  apply(sql: SqlExecutor, events: readonly StoredEvent[]): Promise<void>;
  /**
   * For the append path, where every event is newer than anything applied: the
   * writes as plain statements that need no read first, so they can travel
   * with the rest of the batch (one statement on PostgreSQL). Each statement
   * must touch rows no other statement of the same batch touches.
   */
  appendStatements?(dialect: 'sqlite' | 'postgresql', events: readonly StoredEvent[]): Array<{ sql: string; params: unknown[] }>;
}

export interface EventStore {
  readonly dialect: 'sqlite' | 'postgresql';
  append(request: AppendRequest): Promise<AppendResult>;
  /** Several streams in one transaction, all or nothing, at consecutive positions (see MultiStreamAppendRequest). */
  appendToStreams(request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Events of several streams at once, each after its own version (batched loads). */
  readStreams(after: ReadonlyMap<string, number>): Promise<Map<string, StoredEvent[]>>;
  /** Current version of a stream (0 when it does not exist); with `at`, the version at that time. */
  streamVersion(streamId: string, at?: Date): Promise<number>;
  readLog(options: ReadLogOptions): Promise<StoredEvent[]>;
  /** The position of the last committed event (0n for an empty log). */
  headPosition(): Promise<bigint>;
  /** The record of `actor`'s command `commandId`, if it was carried out. */
  findCommand(commandId: string, actor: string): Promise<CommandRecord | null>;
  /** Newest snapshot at or below `maxVersion` of this kind (stream type and revision). */
  readSnapshot(streamId: string, maxVersion: number, kind: SnapshotKind): Promise<Snapshot | null>;
  /**
   * Time travel in one query: the newest snapshot at or below `toVersion` of
   * this kind (none when `kind` is null) and the stream's events after it up
   * to `toVersion`.
   */
  readStreamAt(streamId: string, toVersion: number, kind: SnapshotKind | null): Promise<{ snapshot: Snapshot | null; events: StoredEvent[] }>;
  /** Newest snapshot of this kind of each stream (batched loads). */
  readSnapshots(streamIds: readonly string[], kind: SnapshotKind): Promise<Map<string, Snapshot>>;
  writeSnapshot(snapshot: Snapshot): Promise<void>;
  /**
   * Rebuilds a projection online: replays the whole log into shadow tables
   * while the live ones keep serving and appends go on, then switches to them
   * in one transaction once caught up.
   */
  rebuildProjection(name: string): Promise<{ events: number; position: bigint }>;
  /** Applies the log after `from` (default: the projection's checkpoint) without clearing anything. */
  catchUpProjection(name: string, from?: bigint): Promise<{ events: number; position: bigint }>;
  projectionCheckpoint(name: string): Promise<bigint>;
  /** Raw read-only SQL for read-model queries. */
  readonly reader: SqlExecutor;
  /** Resolves once nothing is being written; appends after this are refused. */
  close(): Promise<void>;
  /** Called after every commit with the new head position (wakes subscription readers). */
  onCommit(listener: (head: bigint) => void): () => void;
}

/**
 * Values an append carries into its transaction, written there only if the
 * append is (not on a conflict or a duplicate). The values of all appends of
 * one batch that share `statements` (the same function) become statements
 * together, once, each value once: a few rows in one statement rather than
 * a statement per append.
 */
export interface Carried<T = unknown> {
  readonly values: readonly T[];
  statements(values: readonly T[]): Array<{ sql: string; params: unknown[] }>;
}

/**
 * Turns what is written into what is stored and back, between the store and
 * everything above it (the app's personal-data codec seals personal fields
 * with per-person keys). Reads decode whole batches at once so keys are
 * fetched per batch, never per event. Appends are encoded after their schema
 * check; projections in the append transaction see the stored (encoded) form.
 */
export interface EventCodec {
  /** An append's events, stream by stream (in the order given), as they are to be stored. */
  encodeAppend(streams: readonly StreamAppend[]): Promise<EncodedAppend>;
  encodeSnapshot(snapshot: Snapshot): Promise<Snapshot>;
  /**
   * Decodes events and snapshots read together (one batch of key look-ups
   * for both). `along`: the value of `readAlong` read in the same statement
   * as them (undefined when the store did not read it, e.g. no rows).
   */
  decode(events: readonly StoredEvent[], snapshots: readonly Snapshot[], along?: unknown): Promise<{ events: StoredEvent[]; snapshots: Snapshot[] }>;
  /**
   * A scalar SQL expression (a subquery on the codec's own tables) the store
   * selects in the same statement as the events and snapshots it reads, and
   * hands to `decode` with them: what the codec must know as of the read
   * itself (the personal-data codec: the forget epoch), without a round trip of its own.
   */
  readonly readAlong?: string;
}

export interface EncodedAppend {
  readonly events: NewEvent[][];
  /** What the encoding relies on being stored with the events, in their transaction (e.g. a new person's data key). */
  readonly carried: Carried;
  /**
   * Told how the append ended: `committed` true once its transaction
   * committed with its events; false (with the error, if it threw) when it
   * did not. Resolves true when the failure came from what it carried
   * (another process stored something else first): the append is then
   * encoded and sent again.
   */
  settle(committed: boolean, error?: unknown): Promise<boolean>;
}
