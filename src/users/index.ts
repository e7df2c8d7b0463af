/** The user aggregate as a module: people who own accounts. */
import type { AggregateModule } from '../module.js';
import { userDecider } from './decider.js';
import { userEvents } from './events.js';
import { userResolvers } from './resolvers.js';

export const usersModule: AggregateModule = {
  name: 'users',
  decider: userDecider,
  events: userEvents,
  projections: [],
  resolvers: userResolvers,
  // A user's stream id is their user id (the token's `sub`): it is theirs.
  ownership: { kind: 'self' },
  errorCodes: {},
  // The snapshot is the state: its email and name are sealed like the events' (see events.ts).
  personalSnapshot: { subject: 'id', fields: ['email', 'name'] },
};

export { usersById } from './loaders.js';
export { isRegistered } from './use-cases.js';
export type { UserView } from './view.js';
