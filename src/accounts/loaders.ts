/** Per-operation batch loads over the account read models. */
import DataLoader from 'dataloader';
import { defineLoader } from '../graphql/context.js';
import { accountPagesOfOwners, type ListedAccount, type OwnerPageRequest } from './read-model.js';

/** Pages of accounts per owner (User.accounts): every owner of one tick in one query. */
export const accountPagesByOwner = defineLoader(
  ({ app }) =>
    new DataLoader<OwnerPageRequest, ListedAccount[], string>((requests) => accountPagesOfOwners(app, requests), {
      cacheKeyFn: (request) => `${request.ownerId}\u0000${request.after}\u0000${request.limit}`,
    }),
);
