/** Per-operation context: the app, batch loaders and who is asking. */
import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import { accountsOfOwners, type AccountView } from '../accounts/read-model.js';
import type { App } from '../app.js';
import { userView } from '../users/commands.js';
import type { UserView } from '../users/view.js';

export interface GraphQLContext {
  readonly app: App;
  /** Carried into event metadata as correlationId. */
  readonly requestId: string;
  /** Over WebSocket: closes this client's connection with a close code (slow consumers). */
  readonly closeConnection?: ((code: number, reason: string) => void) | undefined;
  readonly loaders: {
    /** Current users by id, loaded in one batch per tick. */
    readonly users: DataLoader<string, UserView | null>;
    /** Accounts of each owner from the read model, in one query per tick. */
    readonly accountsByOwner: DataLoader<string, AccountView[]>;
  };
}

export function createContext(
  app: App,
  requestId: string = randomUUID(),
  closeConnection?: (code: number, reason: string) => void,
): GraphQLContext {
  return {
    app,
    requestId,
    closeConnection,
    loaders: {
      users: new DataLoader(async (ids) => {
        const loaded = await app.users.loadMany(ids);
        return ids.map((id) => {
          const user = loaded.get(id);
          return user && !user.foreignType ? userView(user.state, user.version) : null;
        });
      }),
      accountsByOwner: new DataLoader((ownerIds) => accountsOfOwners(app.store.client, ownerIds)),
    },
  };
}

/** What a mutation's input says about how to run its command, plus who asked (for event metadata). */
export function commandMeta(context: GraphQLContext, input: { expectedVersion?: number | null; commandId?: string | null }) {
  return { expectedVersion: input.expectedVersion, commandId: input.commandId, context: { correlationId: context.requestId } };
}
