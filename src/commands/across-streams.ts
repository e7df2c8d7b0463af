/**
 * One command across several streams of one aggregate type (a transfer
 * between two accounts): load every stream, decide on all their states at
 * once, append every stream's events in one multi-stream append. The same
 * guarantees as a single-stream command, per stream:
 *
 * - This process runs commands on any of the streams one at a time; the
 *   streams' locks are taken in sorted order, so two commands over the same
 *   streams in opposite order never wait on each other.
 * - Each stream has its own optional expected version. A conflict on a
 *   stream the caller gave one for is reported (CONCURRENCY_CONFLICT, with
 *   both versions); on any other stream the command is decided again on
 *   fresh state (the given versions are checked again each time).
 * - A command id is recorded once for all the streams, in the same
 *   transaction; a repeat (also racing the first, also from another process)
 *   answers the first result, and another command reusing the id is refused.
 * - A refusal is only given on state read from the log after the command
 *   arrived.
 *
 * It knows no aggregate: the decision comes in as a function of the states.
 */
import type { DecideContext, DomainEvent } from '../domain/decider.js';
import { ConcurrencyConflict, DomainError, alreadyExists, badInput } from '../domain/errors.js';
import type { CommandRecord, CommandStamp, JsonObject, StoredEvent } from '../eventstore/types.js';
import { checkCommandId, checkExpectedVersion, commandMetadata, fingerprintOf, requireSameCommand } from './command-id.js';
import type { CommandContext, CommandObserver } from './handler.js';
import type { KeyedLock } from './keyed-lock.js';
import type { AggregateRepository, Loaded } from './repository.js';

const MAX_ATTEMPTS = 20;

export interface AcrossStreamsOptions {
  /** Stable name of the command (recorded with its id). */
  readonly commandType: string;
  /** Per stream, in the order of the stream ids: the version the caller expects, or none. */
  readonly expectedVersions?: ReadonlyArray<number | null | undefined>;
  /** Names the expected versions in errors, per stream (default `expectedVersions`). */
  readonly expectedVersionFields?: readonly string[];
  readonly commandId?: string | null | undefined;
  readonly context?: CommandContext;
  /** What the caller asked for: fingerprinted with the command type (see CommandOptions.input). */
  readonly input: unknown;
}

export interface AcrossStreamsResult<State> {
  /** Each stream's state and version after the command, and the events it appended there, in the order of the stream ids. */
  readonly streams: ReadonlyArray<{ readonly streamId: string; readonly state: State; readonly version: number; readonly events: readonly StoredEvent[] }>;
}

type Decide<State, Event> = (states: readonly State[], context: DecideContext) => ReadonlyArray<readonly Event[]>;

export class AcrossStreams {
  constructor(
    private readonly lock: KeyedLock,
    private readonly clock: () => Date,
    private readonly observer: CommandObserver,
  ) {}

  async run<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamIds: readonly string[],
    decide: Decide<State, Event>,
    options: AcrossStreamsOptions,
  ): Promise<AcrossStreamsResult<State>> {
    if (streamIds.length === 0 || new Set(streamIds).size !== streamIds.length) throw badInput('A command names each of its streams once');
    const commandId = checkCommandId(options.commandId);
    const expected = streamIds.map((_, i) => checkExpectedVersion(options.expectedVersions?.[i], options.expectedVersionFields?.[i] ?? 'expectedVersions'));
    const actor = options.context?.userId ?? '';
    const recorded: Required<CommandStamp> | undefined =
      commandId === undefined ? undefined : { id: commandId, type: options.commandType, actor, fingerprint: fingerprintOf(options.commandType, options.input) };
    if (recorded) {
      const previous = await repository.store.findCommand(recorded.id, actor);
      if (previous) return this.replay(repository, streamIds, recorded, previous);
    }
    return this.locked([...streamIds].sort(), async () => {
      try {
        return await this.attempts(repository, streamIds, decide, options, expected, recorded);
      } catch (error) {
        // A repeat racing its original was refused on state that includes the original: answer what it answered.
        if (!recorded || !(error instanceof DomainError)) throw error;
        const first = await repository.store.findCommand(recorded.id, actor);
        if (first) return this.replay(repository, streamIds, recorded, first);
        throw error;
      }
    });
  }

  /** Runs `job` holding every key's lock, taken in the order given (sorted, so never in a cycle). */
  private locked<T>(keys: readonly string[], job: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    return first === undefined ? job() : this.lock.run(first, () => this.locked(rest, job));
  }

  private async attempts<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamIds: readonly string[],
    decide: Decide<State, Event>,
    options: AcrossStreamsOptions,
    expected: ReadonlyArray<number | undefined>,
    recorded: Required<CommandStamp> | undefined,
  ): Promise<AcrossStreamsResult<State>> {
    const metadata = commandMetadata(recorded?.id, options.context);
    const { streamType } = repository.decider;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let decided: { loaded: Array<Loaded<State>>; events: ReadonlyArray<readonly Event[]> };
      try {
        decided = await this.decideOnLog(repository, streamIds, decide, expected, attempt === 0, recorded !== undefined);
      } catch (error) {
        if (error instanceof ConcurrencyConflict) this.observer.conflict?.(options.commandType);
        throw error;
      }
      const { loaded, events } = decided;
      if (recorded === undefined && events.every((list) => list.length === 0)) {
        return { streams: streamIds.map((streamId, i) => ({ streamId, state: loaded[i]!.state, version: loaded[i]!.version, events: [] })) };
      }
      const started = performance.now();
      const result = await repository.store.appendToStreams({
        streams: streamIds.map((streamId, i) => ({
          streamId,
          streamType,
          expectedVersion: loaded[i]!.version,
          events: events[i]!.map((event) => ({ type: event.type, data: event.data as JsonObject, metadata })),
        })),
        command: recorded,
      });
      switch (result.status) {
        case 'appended': {
          const count = result.streams.reduce((sum, stream) => sum + stream.events.length, 0);
          this.observer.appended?.(streamType, count, (performance.now() - started) / 1000);
          return {
            streams: result.streams.map((stream, i) => {
              const next = repository.fold(loaded[i]!, stream.events);
              repository.committed(stream.streamId, loaded[i]!.version, next);
              return { streamId: stream.streamId, state: next.state, version: next.version, events: stream.events };
            }),
          };
        }
        case 'duplicate':
          return this.replay(repository, streamIds, recorded!, result.command);
        case 'conflict': {
          for (const streamId of streamIds) repository.forget(streamId);
          this.observer.conflict?.(options.commandType);
          const given = expected[streamIds.indexOf(result.streamId)];
          if (given !== undefined) throw new ConcurrencyConflict(result.streamId, given, result.actualVersion);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
          this.observer.retried?.(options.commandType);
          break;
        }
      }
    }
    throw new ConcurrencyConflict(streamIds[0]!, -1, (await repository.load(streamIds[0]!)).version);
  }

  /**
   * Decides on cached states when the answer appends (the append's expected
   * versions check them); a refusal or an answer that appends nothing only
   * on the streams as the log has them now.
   */
  private async decideOnLog<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamIds: readonly string[],
    decide: Decide<State, Event>,
    expected: ReadonlyArray<number | undefined>,
    useCache: boolean,
    alwaysAppends: boolean,
  ): Promise<{ loaded: Array<Loaded<State>>; events: ReadonlyArray<readonly Event[]> }> {
    let fresh = true;
    let loaded = await Promise.all(
      streamIds.map((streamId) => {
        const cached = useCache ? repository.cached(streamId) : undefined;
        if (cached) fresh = false;
        return cached ?? repository.load(streamId);
      }),
    );
    for (;;) {
      let events: ReadonlyArray<readonly Event[]> | undefined;
      let refusal: DomainError | undefined;
      try {
        events = this.decide(repository, streamIds, decide, loaded, expected);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error;
      }
      if (events && (alwaysAppends || events.some((list) => list.length > 0))) return { loaded, events };
      if (!fresh) {
        const latest = await Promise.all(streamIds.map((streamId) => repository.load(streamId)));
        fresh = true;
        if (latest.some((stream, i) => stream.version !== loaded[i]!.version || stream.foreignType)) {
          loaded = latest;
          continue;
        }
      }
      if (refusal) throw refusal;
      return { loaded, events: events ?? streamIds.map(() => []) };
    }
  }

  /** Each stream's events, or the refusal. A stream of another aggregate type is, to this one, not there. */
  private decide<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamIds: readonly string[],
    decide: Decide<State, Event>,
    loaded: ReadonlyArray<Loaded<State>>,
    expected: ReadonlyArray<number | undefined>,
  ): ReadonlyArray<readonly Event[]> {
    loaded.forEach((stream, i) => {
      const given = expected[i];
      if (given !== undefined && given !== stream.version) throw new ConcurrencyConflict(streamIds[i]!, given, stream.version);
    });
    const states = loaded.map((stream) => (stream.foreignType ? repository.decider.initialState : stream.state));
    const events = decide(states, { now: this.clock() });
    if (events.length !== streamIds.length) throw new Error(`The decision answered ${events.length} streams for ${streamIds.length}`);
    const foreign = loaded.findIndex((stream, i) => stream.foreignType && events[i]!.length > 0);
    if (foreign >= 0) throw alreadyExists(`Id ${streamIds[foreign]} is already in use`, { id: streamIds[foreign] });
    return events;
  }

  /** The first result of a command id on every stream, if it was this same command. */
  private async replay<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamIds: readonly string[],
    command: Required<CommandStamp>,
    record: CommandRecord,
  ): Promise<AcrossStreamsResult<State>> {
    requireSameCommand(record, command.type, command.fingerprint, streamIds);
    return {
      streams: await Promise.all(
        record.streams.map(async ({ streamId, firstVersion, lastVersion }) => {
          const events = lastVersion >= firstVersion ? await repository.store.readStream(streamId, { afterVersion: firstVersion - 1, toVersion: lastVersion }) : [];
          const loaded = lastVersion > 0 ? await repository.loadAt(streamId, { version: lastVersion }) : { state: repository.decider.initialState, version: 0 };
          if (!loaded) throw new Error(`Stream ${streamId} vanished`);
          return { streamId, state: loaded.state, version: loaded.version, events };
        }),
      ),
    };
  }
}
