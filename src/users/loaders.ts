/** Per-operation batch loads of users, for any resolver that shows one (an account's owner). */
import DataLoader from 'dataloader';
import { defineLoader } from '../graphql/context.js';
import { userDecider } from './decider.js';
import { userView } from './use-cases.js';
import type { UserView } from './view.js';

/** Current users by id, in one batch per tick (null for an unknown id or a stream of another type). */
export const usersById = defineLoader(
  ({ app }) =>
    new DataLoader<string, UserView | null>(async (ids) => {
      const loaded = await app.repository(userDecider).loadMany(ids);
      return ids.map((id) => {
        const user = loaded.get(id);
        return user && !user.foreignType ? userView(user.state, user.version) : null;
      });
    }),
);
