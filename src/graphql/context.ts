/**
 * Per-operation context: the app, who is asking, and batch loaders. Loaders
 * are created on first use in an operation (`defineLoader`), so a module
 * adds its own without this file knowing it, and an operation that loads
 * nothing creates none.
 */
import type DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import type { App } from '../app.js';
import { actorId, OPEN, type Principal } from '../auth/principal.js';
import type { CommandMeta } from '../commands/meta.js';

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
  /** This operation's loaders, by the key `defineLoader` made for each. */
  readonly loaders: Map<symbol, DataLoader<any, any>>;
}

export interface ContextOptions {
  readonly requestId?: string;
  readonly principal?: Principal;
  readonly client?: string;
  readonly closeConnection?: (code: number, reason: string) => void;
}

export function createContext(app: App, options: ContextOptions = {}): GraphQLContext {
  const { requestId = randomUUID(), principal = OPEN, client = 'local', closeConnection } = options;
  return { app, requestId, principal, client, closeConnection, loaders: new Map() };
}

/**
 * A per-operation batch loader: `const owners = defineLoader((context) => new DataLoader(...))`,
 * then `owners(context).load(id)` batches every load of one tick into one call.
 */
export function defineLoader<Key, Value>(create: (context: GraphQLContext) => DataLoader<Key, Value>): (context: GraphQLContext) => DataLoader<Key, Value> {
  const key = Symbol('loader');
  return (context) => {
    let loader = context.loaders.get(key) as DataLoader<Key, Value> | undefined;
    if (!loader) {
      loader = create(context);
      context.loaders.set(key, loader);
    }
    return loader;
  };
}

/** What a mutation's input says about how to run its command, plus who asked (for event metadata). */
export function commandMeta(context: GraphQLContext, input: { expectedVersion?: number | null; commandId?: string | null }): CommandMeta {
  return {
    expectedVersion: input.expectedVersion,
    commandId: input.commandId,
    context: { correlationId: context.requestId, userId: actorId(context.principal) },
  };
}
