/** given(events).when(command).then(events | error code) for pure deciders. */
import { expect } from 'vitest';
import { fold, type Decider, type DomainEvent, type Recorded } from '../../src/domain/decider.js';
import { DomainError } from '../../src/domain/errors.js';

export function spec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  const now = new Date('2026-11-30T10:00:00.000Z');
  return (given: Event[]) => ({
    when: (command: Command) => {
      const state = fold(decider.evolve, decider.initialState, given.map((event) => ({ ...event, timestamp: now }) as Recorded<Event>));
      const run = () => decider.decide(command, state, { now });
      return {
        then: (expected: Event[]) => expect(run()).toEqual(expected),
        thenFails: (code: string) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe(code);
        },
      };
    },
  });
}
