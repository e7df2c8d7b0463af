/** The global log and the Event type. */
import type { Resolvers } from './generated/resolvers-types.js';
import { pageSize, parseCursor, toPage } from './pagination.js';
import { badInput } from '../domain/errors.js';
import { requireLogAccess } from '../auth/policy.js';

const MAX_TYPES = 50;

export const eventResolvers: Resolvers = {
  Query: {
    async events(_, args, context) {
      const { app } = context;
      await requireLogAccess(context, args.streamId);
      const limit = pageSize(args.first, app.config);
      if (args.types && args.types.length > MAX_TYPES) throw badInput(`types may list at most ${MAX_TYPES} event types`, { field: 'types' });
      if (args.since && args.until && args.since.getTime() > args.until.getTime()) throw badInput('since must not be after until', { field: 'since' });
      const rows = await app.store.readLog({
        afterPosition: parseCursor(args.after),
        streamId: args.streamId ?? undefined,
        streamType: args.streamType ?? undefined,
        types: args.types ?? undefined,
        since: args.since ?? undefined,
        until: args.until ?? undefined,
        limit: limit + 1,
      });
      return toPage(rows.slice(0, limit), rows.length > limit, (event) => event.position);
    },
  },
  Event: {
    position: (event) => event.position.toString(),
  },
};
