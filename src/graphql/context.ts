/** Per-operation context: the app, batch loaders and who is asking. */
import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import { accountsOfOwners, ownersOfAccounts, type AccountView } from '../accounts/read-model.js';
import type { App } from '../app.js';
import { actorId, OPEN, type Principal } from '../auth/principal.js';
import { userView } from '../users/commands.js';
import type { UserView } from '../users/view.js';

export interface GraphQLContext {
  readonly app: App;
  /** Carried into event metadata as correlationId, and into the log lines about this request. */
  readonly requestId: string;
  /** The verified caller (or `open` when authentication is off). */
  readonly principal: Principal;
  /** Who limits count against: the user, else the remote address. */
  readonly client: string;
  /** Over WebSocket: closes this client's connection with a close code (slow consumers). */
  readonly closeConnection?: ((code: number, reason: string) => void) | undefined;
  readonly loaders: {
    /** Current users by id, loaded in one batch per tick. */
    readonly users: DataLoader<string, UserView | null>;
    /** Accounts of each owner from the read model, in one query per tick. */
    readonly accountsByOwner: DataLoader<string, AccountView[]>;
    /** Owner of each account id (null if unknown), for authorization. */
    readonly accountOwners: DataLoader<string, string | null>;
  };
}

export interface ContextOptions {
  readonly requestId?: string;
  readonly principal?: Principal;
  readonly client?: string;
  readonly closeConnection?: (code: number, reason: string) => void;
}

export function createContext(app: App, options: ContextOptions = {}): GraphQLContext {
  const { requestId = randomUUID(), principal = OPEN, client = 'local', closeConnection } = options;
  return {
    app,
    requestId,
    principal,
    client,
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
      accountOwners: new DataLoader((accountIds) => ownersOfAccounts(app.store.client, accountIds)),
    },
  };
}

/** What a mutation's input says about how to run its command, plus who asked (for event metadata). */
export function commandMeta(context: GraphQLContext, input: { expectedVersion?: number | null; commandId?: string | null }) {
  return {
    expectedVersion: input.expectedVersion,
    commandId: input.commandId,
    context: { correlationId: context.requestId, userId: actorId(context.principal) },
  };
}
