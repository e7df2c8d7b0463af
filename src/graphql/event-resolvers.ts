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
      if (args.first != null && args.last != null) throw badInput('Pass first or last, not both', { field: 'last' });
      if (args.types && args.types.length > MAX_TYPES) throw badInput(`types may list at most ${MAX_TYPES} event types`, { field: 'types' });
      if (args.since && args.until && args.since.getTime() > args.until.getTime()) throw badInput('since must not be after until', { field: 'since' });
      const filters = {
        streamId: args.streamId ?? undefined,
        streamType: args.streamType ?? undefined,
        types: args.types ?? undefined,
        since: args.since ?? undefined,
        until: args.until ?? undefined,
      };
      if (args.last != null || args.before != null) {
        // Backward: the newest matching events before `before`, read newest first and returned oldest first.
        const limit = pageSize(args.last, app.config, 'last');
        const before = args.before == null ? undefined : parseCursor(args.before, 'before');
        const rows = await app.store.readLog({
          ...filters,
          afterPosition: parseCursor(args.after),
          ...(before !== undefined ? { upToPosition: before - 1n } : {}),
          newestFirst: true,
          limit: limit + 1,
        });
        return toPage(rows.slice(0, limit).reverse(), before !== undefined, (event) => event.position, rows.length > limit);
      }
      const limit = pageSize(args.first, app.config);
      const rows = await app.store.readLog({ ...filters, afterPosition: parseCursor(args.after), limit: limit + 1 });
      return toPage(rows.slice(0, limit), rows.length > limit, (event) => event.position);
    },
  },
  Event: {
    position: (event) => event.position.toString(),
  },
};
