/**
 * A test-only aggregate the server knows and the explorer's registry does not:
 * a running total. It has no commands, resolvers or read models; tests write
 * its events straight into the store, and the explorer shows it through the
 * generic streamState query (its raw view).
 */
import { z } from 'zod';
import type { Decider } from '../../src/domain/decider.js';
import { defineEvent } from '../../src/domain/event-types.js';
import type { AggregateModule } from '../../src/module.js';

export const TallyStreamType = 'Tally';

const TallyAdded = defineEvent({
  type: 'tally_added',
  streamType: TallyStreamType,
  description: 'An amount was added to the tally.',
  schema: z.strictObject({ amount: z.number().int() }),
});

interface TallyState {
  readonly total: number;
  readonly entries: number;
}

type TallyEvent = { type: 'tally_added'; data: { amount: number } };

const tallyDecider: Decider<TallyState, never, TallyEvent> = {
  streamType: TallyStreamType,
  revision: 1,
  initialState: { total: 0, entries: 0 },
  evolve: (state, event) => ({ total: state.total + event.data.amount, entries: state.entries + 1 }),
  decide: () => {
    throw new Error('The tally takes no commands');
  },
  toSnapshot: (state) => state,
  fromSnapshot: (json) => json as TallyState,
};

export const tallyModule: AggregateModule = {
  name: 'tally',
  decider: tallyDecider,
  events: [TallyAdded],
  projections: [],
  resolvers: {},
  ownership: { kind: 'self' },
  errorCodes: {},
};
