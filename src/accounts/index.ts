/** The bank-account aggregate as a module: open, deposit, withdraw, close; balances, summaries, time travel. */
import type { AggregateModule } from '../module.js';
import { accountDecider } from './decider.js';
import { accountErrorCodes } from './errors.js';
import { accountEvents } from './events.js';
import { accountSummariesProjection, accountsProjection } from './projections.js';
import { ownersOfAccounts } from './read-model.js';
import { accountResolvers } from './resolvers.js';

export const accountsModule: AggregateModule = {
  name: 'accounts',
  decider: accountDecider,
  events: accountEvents,
  projections: [accountsProjection, accountSummariesProjection],
  resolvers: accountResolvers,
  // Accounts belong to the user they were opened for (the accounts read model, kept in the append transaction).
  ownership: { kind: 'lookup', owners: (app, ids) => ownersOfAccounts(app.readModels, ids) },
  errorCodes: accountErrorCodes,
};
