/**
 * Queries that work on every aggregate through the module list: the state of
 * any stream as JSON (the explorer's view of a stream it has no view for),
 * and the event types with their schemas.
 */
import { requireStreamAccess } from '../auth/policy.js';
import type { Resolvers } from './generated/resolvers-types.js';

export const streamResolvers: Resolvers = {
  Query: {
    async streamState(_, args, context) {
      const { app } = context;
      await requireStreamAccess(context, args.id);
      const [first] = await app.store.readStream(args.id, { toVersion: 1 });
      const module = first && app.modules.find((candidate) => candidate.decider.streamType === first.streamType);
      if (!first) return null;
      // A stream type this server has no module for: its events are readable, its state is not.
      if (!module) return { streamId: args.id, streamType: first.streamType, version: await app.store.streamVersion(args.id), state: null };
      const loaded = await app.repository(module.decider).loadAt(args.id, { version: args.version, asOf: args.asOf });
      if (!loaded) return null;
      const state = module.stateView ? module.stateView(loaded.state) : module.decider.toSnapshot(loaded.state);
      return { streamId: args.id, streamType: first.streamType, version: loaded.version, state };
    },
    eventTypes(_, args, { app }) {
      return app.catalog.definitions
        .filter((definition) => args.streamType == null || definition.streamType === args.streamType)
        .map((definition) => ({
          streamType: definition.streamType,
          type: definition.type,
          version: definition.version,
          description: definition.description,
          schema: app.catalog.jsonSchema(definition.type),
        }));
    },
  },
};
