/**
 * The shape every aggregate has: pure functions, no I/O. The clock comes in
 * through the command context, so deciding is deterministic.
 */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** An event as the log recorded it: evolve may read when it happened. */
export type Recorded<Event extends DomainEvent> = Event & { readonly timestamp: Date };

export interface DecideContext {
  /** The time the command is handled at. */
  readonly now: Date;
}

export interface Decider<State, Command, Event extends DomainEvent> {
  /** The stream type events of this aggregate are stored under. */
  readonly streamType: string;
  /**
   * Bumped whenever `evolve` or the state shape changes: snapshots made by
   * another revision are ignored, so old snapshots never feed new code.
   */
  readonly revision: number;
  readonly initialState: State;
  evolve(state: State, event: Recorded<Event>): State;
  /** Returns the events the command produces, or throws a DomainError. */
  decide(command: Command, state: State, context: DecideContext): Event[];
  /** Snapshot encoding: state to JSON and back (bigints do not survive JSON on their own). */
  toSnapshot(state: State): unknown;
  fromSnapshot(json: unknown): State;
}

export function fold<State, Event extends DomainEvent>(
  evolve: (state: State, event: Recorded<Event>) => State,
  state: State,
  events: readonly Recorded<Event>[],
): State {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
