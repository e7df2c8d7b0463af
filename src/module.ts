/**
 * The seam every aggregate plugs into. An aggregate is one folder that
 * exports one `AggregateModule`; `src/modules.ts` lists them, and the app,
 * the GraphQL schema, the authorization policy, the projection rebuild and
 * the `eventTypes` query iterate over that list. Nothing below this seam
 * (the event store, the command handler, subscriptions, auth, the server)
 * knows any aggregate by name.
 */
import type { App } from './app.js';
import type { Decider } from './domain/decider.js';
import type { EventTypeDefinition, PersonalFields } from './domain/event-types.js';
import type { InlineProjection } from './eventstore/types.js';
import type { Resolvers } from './graphql/generated/resolvers-types.js';

/** Who owns the streams of a module, for authorization. */
export type StreamOwnership =
  /** A stream of this type belongs to the user whose id is the stream id (a user's own stream). */
  | { readonly kind: 'self' }
  /**
   * Owners are looked up, many ids at once: the owner's user id for each
   * id that is a stream of this module, undefined for any other id.
   */
  | { readonly kind: 'lookup'; owners(app: App, streamIds: readonly string[]): Promise<ReadonlyArray<string | undefined>> };

export interface AggregateModule {
  /** Short name, for logs and error messages (e.g. `accounts`). */
  readonly name: string;
  /** The decider: stream type, revision, decide, evolve, snapshot encoding. */
  readonly decider: Decider<any, any, any>;
  /** Every event type the module writes or once wrote: schema, version and upcasters. */
  readonly events: readonly EventTypeDefinition[];
  /** Read models kept in the append transaction (rebuilt online by `npm run projections:rebuild`; a new one builds itself at first start). */
  readonly projections: readonly InlineProjection[];
  /** Resolvers for this module's part of the schema (types, queries, mutations, subscriptions). */
  readonly resolvers: Resolvers;
  /** Extra SDL the module adds to schema.graphql (`extend type Query { ... }`); shipped modules keep theirs in schema.graphql. */
  readonly typeDefs?: string;
  readonly ownership: StreamOwnership;
  /** The error codes the module's commands raise, with when (documentation; checked to be SCREAMING_SNAKE_CASE at start). */
  readonly errorCodes: Readonly<Record<string, string>>;
  /**
   * A JSON view of a state for generic readers (the `streamState` query the
   * explorer shows for any stream). Defaults to the snapshot encoding.
   */
  stateView?(state: any): unknown;
  /**
   * The personal fields of this module's snapshots (`toSnapshot` output) and
   * whose they are: stored sealed like the personal fields of its events.
   */
  readonly personalSnapshot?: PersonalFields;
}

/** Checks a list of modules once at start: one module per stream type and per event type, codes well formed. */
export function checkModules(modules: readonly AggregateModule[]): void {
  const streamTypes = new Map<string, string>();
  const eventTypes = new Map<string, string>();
  const projections = new Map<string, string>();
  for (const module of modules) {
    const { streamType } = module.decider;
    const owner = streamTypes.get(streamType);
    if (owner) throw new Error(`Modules ${owner} and ${module.name} both claim stream type ${streamType}`);
    streamTypes.set(streamType, module.name);
    for (const event of module.events) {
      const other = eventTypes.get(event.type);
      if (other) throw new Error(`Modules ${other} and ${module.name} both define event type ${event.type}`);
      eventTypes.set(event.type, module.name);
    }
    for (const projection of module.projections) {
      const other = projections.get(projection.name);
      if (other) throw new Error(`Modules ${other} and ${module.name} both define projection ${projection.name}`);
      projections.set(projection.name, module.name);
    }
    for (const code of Object.keys(module.errorCodes)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`Module ${module.name}: error code ${code} is not SCREAMING_SNAKE_CASE`);
    }
  }
}
