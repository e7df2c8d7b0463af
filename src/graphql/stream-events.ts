/**
 * `events(first, after)` on any aggregate's GraphQL type (Account.events):
 * a page of the stream's events up to the version shown, batched so that a
 * list of aggregates costs one query, not one per aggregate.
 */
import DataLoader from 'dataloader';
import type { StreamPageRequest } from '../eventstore/stream-pages.js';
import type { StoredEvent } from '../eventstore/types.js';
import { defineLoader, type GraphQLContext } from './context.js';
import { pageSize, parseCursor, toPage, type Page } from './pagination.js';

const streamPages = defineLoader(
  ({ app }) =>
    new DataLoader<StreamPageRequest, StoredEvent[], string>((requests) => app.store.readStreamPages(requests), {
      cacheKeyFn: (request) =>
        `${request.streamId}\u0000${request.afterPosition}\u0000${request.toVersion}\u0000${request.limit}\u0000${request.dataEquals?.field ?? ''}\u0000${request.dataEquals?.value ?? ''}`,
    }),
);

/** The page of `streamId`'s events after the cursor `after`, among its first `version` events (and with a data field equal to a value). */
export async function streamEventsPage(
  context: GraphQLContext,
  streamId: string,
  version: number,
  args: { first?: number | null; after?: string | null },
  dataEquals?: { field: string; value: string },
): Promise<Page<StoredEvent>> {
  const limit = pageSize(args.first, context.app.config);
  const rows = await streamPages(context).load({ streamId, afterPosition: parseCursor(args.after), toVersion: version, limit: limit + 1, dataEquals });
  return toPage(rows.slice(0, limit), rows.length > limit, (event) => event.position);
}
