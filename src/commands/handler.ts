/**
 * Carries out a command on one aggregate: load, decide, append.
 *
 * - Commands on the same aggregate in this process run one at a time (no
 *   self-inflicted conflicts); those on different aggregates share appends
 *   through group commit.
 * - On a version conflict (another process wrote first) the command is
 *   decided again on fresh state, but only when the caller gave no expected
 *   version: a caller who did is told, with both versions.
 * - A command id makes the command idempotent: the id is recorded in the
 *   append transaction, and a repeat answers the first result, appending nothing.
 *   Ids are scoped by the acting principal (`context.userId`, '' when there is
 *   none): a repeat only ever answers whoever issued the command, and someone
 *   else's command with the same id is simply a new command.
 * - Commands are decided on the cached state when there is one; an answer
 *   that appends nothing (a refusal, a no-op) is only given on state read from
 *   the log after the command arrived, so it is never older than the log.
 *   (An answer that appends is checked by the append's expected version.)
 */
import type { DecideContext, DomainEvent } from '../domain/decider.js';
import { ConcurrencyConflict, DomainError, alreadyExists } from '../domain/errors.js';
import type { CommandRecord, CommandStamp, JsonObject, StoredEvent } from '../eventstore/types.js';
import { AcrossStreams, type AcrossStreamsOptions, type AcrossStreamsResult } from './across-streams.js';
import { checkCommandId, checkExpectedVersion, commandMetadata, fingerprintOf, requireSameCommand } from './command-id.js';
import { KeyedLock } from './keyed-lock.js';
import type { AggregateRepository, Loaded } from './repository.js';

export interface CommandOptions {
  /** Stable name of the command (recorded with its id). */
  readonly commandType: string;
  readonly expectedVersion?: number | null | undefined;
  readonly commandId?: string | null | undefined;
  /** Who acts and why: ends up in every event's metadata. */
  readonly context?: CommandContext;
  /**
   * What the caller asked for, fingerprinted with the command type and kept
   * with the command id: a repeat with other input is refused
   * (COMMAND_ID_REUSED). Defaults to the command; give it when the command
   * holds facts looked up by the server rather than given by the caller.
   */
  readonly input?: unknown;
}

export interface CommandContext {
  readonly correlationId?: string | undefined;
  /** The acting principal: recorded in event metadata, and the scope of command ids. */
  readonly userId?: string | undefined;
}

export interface CommandResult<State> {
  readonly state: State;
  readonly version: number;
  /** The events this command appended (or, for a repeated command id, the ones it appended the first time). */
  readonly events: readonly StoredEvent[];
}

/** What the handler reports as it works (metrics); every method is optional to implement. */
export interface CommandObserver {
  /** A command finished: `ok`, or the error code it failed with (`error` when unexpected). */
  finished?(commandType: string, outcome: string): void;
  conflict?(commandType: string): void;
  retried?(commandType: string): void;
  appended?(streamType: string, events: number, seconds: number): void;
}

const MAX_ATTEMPTS = 20;

export class CommandHandler {
  private readonly lock = new KeyedLock();
  private readonly across: AcrossStreams;

  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly observer: CommandObserver = {},
  ) {
    this.across = new AcrossStreams(this.lock, clock, observer);
  }

  /**
   * One command across several streams of one aggregate type (a transfer
   * between two accounts): `decide` sees every stream's state and answers
   * each stream's events, appended in one transaction or not at all. The
   * same guarantees as `handle`, per stream (see across-streams.ts).
   */
  async handleAcross<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamIds: readonly string[],
    decide: (states: readonly State[], context: DecideContext) => ReadonlyArray<readonly Event[]>,
    options: AcrossStreamsOptions,
  ): Promise<AcrossStreamsResult<State>> {
    try {
      const result = await this.across.run(repository, streamIds, decide, options);
      this.observer.finished?.(options.commandType, 'ok');
      return result;
    } catch (error) {
      this.observer.finished?.(options.commandType, error instanceof DomainError ? error.code : 'error');
      throw error;
    }
  }

  async handle<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamId: string,
    command: Command,
    options: CommandOptions,
  ): Promise<CommandResult<State>> {
    try {
      const result = await this.run(repository, streamId, command, options);
      this.observer.finished?.(options.commandType, 'ok');
      return result;
    } catch (error) {
      this.observer.finished?.(options.commandType, error instanceof DomainError ? error.code : 'error');
      throw error;
    }
  }

  private async run<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamId: string,
    command: Command,
    options: CommandOptions,
  ): Promise<CommandResult<State>> {
    const commandId = checkCommandId(options.commandId);
    checkExpectedVersion(options.expectedVersion);
    const actor = options.context?.userId ?? '';
    if (commandId === undefined) return this.lock.run(streamId, () => this.attempts(repository, streamId, command, options, undefined));
    const fingerprint = fingerprintOf(options.commandType, options.input === undefined ? command : options.input);
    const recorded: Required<CommandStamp> = { id: commandId, type: options.commandType, actor, fingerprint };
    const previous = await repository.store.findCommand(commandId, actor);
    if (previous) return this.replay(repository, streamId, recorded, previous);
    return this.lock.run(streamId, async () => {
      try {
        return await this.attempts(repository, streamId, command, options, recorded);
      } catch (error) {
        // A repeat racing its original: the refusal was decided on state that includes the
        // original's commit, which recorded the id in the same transaction. Answer what it answered.
        if (!(error instanceof DomainError)) throw error;
        const first = await repository.store.findCommand(commandId, actor);
        if (first) return this.replay(repository, streamId, recorded, first);
        throw error;
      }
    });
  }

  /** Load, decide, append; again on a version conflict when the caller gave no expected version. */
  private async attempts<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamId: string,
    command: Command,
    options: CommandOptions,
    recorded: Required<CommandStamp> | undefined,
  ): Promise<CommandResult<State>> {
    const expected = options.expectedVersion ?? undefined;
    const metadata = commandMetadata(recorded?.id, options.context);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The first attempt starts from the cache; later ones (after a conflict) from the log.
      const cached = attempt === 0 ? repository.cached(streamId) : undefined;
      let decided: { loaded: Loaded<State>; events: Event[] };
      try {
        decided = await this.decideOnLog(repository, streamId, command, cached, expected, recorded !== undefined);
      } catch (error) {
        if (error instanceof ConcurrencyConflict) this.observer.conflict?.(options.commandType);
        throw error;
      }
      const { loaded, events } = decided;
      if (events.length === 0 && recorded === undefined) return { state: loaded.state, version: loaded.version, events: [] };
      const started = performance.now();
      const result = await repository.store.append({
        streamId,
        streamType: repository.decider.streamType,
        expectedVersion: loaded.version,
        events: events.map((event) => ({ type: event.type, data: event.data as JsonObject, metadata })),
        command: recorded,
      });
      switch (result.status) {
        case 'appended': {
          this.observer.appended?.(repository.decider.streamType, result.events.length, (performance.now() - started) / 1000);
          const next: Loaded<State> = repository.fold(loaded, result.events);
          repository.committed(streamId, loaded.version, next);
          return { state: next.state, version: next.version, events: result.events };
        }
        case 'duplicate':
          // recorded is set: only an append with a command id is a duplicate.
          return this.replay(repository, streamId, recorded!, result.command);
        case 'conflict':
          repository.forget(streamId);
          this.observer.conflict?.(options.commandType);
          if (expected !== undefined) throw new ConcurrencyConflict(streamId, expected, result.actualVersion);
          // Jittered backoff, so a writer that keeps losing the race to a busier one gets its turn.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
          this.observer.retried?.(options.commandType);
          break;
      }
    }
    throw new ConcurrencyConflict(streamId, -1, (await repository.load(streamId)).version);
  }

  /**
   * Decides on the cached state when the answer appends (the append's expected
   * version checks it). An answer that appends nothing (a refusal, a no-op) is
   * given only on the stream as the log has it now: one read of the stream's
   * tail after the cached version, and a new decision if it moved.
   */
  private async decideOnLog<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamId: string,
    command: Command,
    cached: Loaded<State> | undefined,
    expected: number | undefined,
    alwaysAppends: boolean,
  ): Promise<{ loaded: Loaded<State>; events: Event[] }> {
    let loaded = cached ?? (await repository.load(streamId));
    let fresh = cached === undefined;
    for (;;) {
      let events: Event[] | undefined;
      let refusal: DomainError | undefined;
      try {
        events = this.decide(repository, streamId, command, loaded, expected);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error;
      }
      if (events && (events.length > 0 || alwaysAppends)) return { loaded, events };
      if (!fresh) {
        const latest = await repository.load(streamId);
        fresh = true;
        if (latest.version !== loaded.version || latest.foreignType) {
          loaded = latest;
          continue;
        }
      }
      if (refusal) throw refusal;
      return { loaded, events: events ?? [] };
    }
  }

  /** The events `command` produces on `loaded`, or the refusal (a DomainError). */
  private decide<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamId: string,
    command: Command,
    loaded: Loaded<State>,
    expected: number | undefined,
  ): Event[] {
    if (loaded.foreignType) throw alreadyExists(`Id ${streamId} is already in use`, { id: streamId });
    if (expected !== undefined && expected !== loaded.version) throw new ConcurrencyConflict(streamId, expected, loaded.version);
    return repository.decider.decide(command, loaded.state, { now: this.clock() });
  }

  /** The first result of a command id (its events and the state right after them), if it was this same command. */
  private async replay<State, Command, Event extends DomainEvent>(
    repository: AggregateRepository<State, Command, Event>,
    streamId: string,
    command: Required<CommandStamp>,
    record: CommandRecord,
  ): Promise<CommandResult<State>> {
    requireSameCommand(record, command.type, command.fingerprint, [streamId]);
    const events =
      record.lastVersion >= record.firstVersion
        ? await repository.store.readStream(streamId, { afterVersion: record.firstVersion - 1, toVersion: record.lastVersion })
        : [];
    const loaded = await repository.loadAt(streamId, { version: record.lastVersion });
    if (!loaded) throw new Error(`Stream ${streamId} vanished`);
    return { state: loaded.state, version: loaded.version, events };
  }
}
