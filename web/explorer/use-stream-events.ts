/** A stream's whole history (page by page), then its new events as they commit. */
import { useEffect, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import type { EventFieldsFragment, StreamEventsQueryVariables } from './gql/graphql';
import { StreamEvents } from './operations';
import { erasesHistory } from './streams/registry';
import { useEventFeed } from './use-event-feed';

/** 50 pages of 100: enough for an explorer; longer streams show their first 5,000 events. */
const MAX_PAGES = 50;

export interface StreamHistory {
  events: EventFieldsFragment[];
  loading: boolean;
  error: Error | undefined;
  truncated: boolean;
}

export function useStreamEvents(streamId: string): StreamHistory {
  const client = useApolloClient();
  const [history, setHistory] = useState<StreamHistory>({ events: [], loading: true, error: undefined, truncated: false });
  const [loadedUpTo, setLoadedUpTo] = useState<string>();
  /** Bumped to load the whole stream again (after an event that erases what was shown). */
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const events: EventFieldsFragment[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const variables: StreamEventsQueryVariables = { streamId, after };
        const result = await client.query({ query: StreamEvents, variables, fetchPolicy: 'network-only' });
        if (result.error) throw result.error;
        const connection = result.data?.events;
        if (!connection) break;
        events.push(...connection.edges.map((edge) => edge.node));
        if (!connection.pageInfo.hasNextPage) return { events, truncated: false };
        after = connection.pageInfo.endCursor ?? null;
      }
      return { events, truncated: true };
    })().then(
      ({ events, truncated }) => {
        if (cancelled) return;
        setHistory({ events, loading: false, error: undefined, truncated });
        // Follow live from the last loaded event ("0" when the stream has none yet).
        setLoadedUpTo(truncated ? undefined : (events.at(-1)?.position ?? '0'));
      },
      (error: unknown) => {
        if (!cancelled) setHistory({ events: [], loading: false, error: error instanceof Error ? error : new Error(String(error)), truncated: false });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, streamId, generation]);

  const feed = useEventFeed({
    streamId,
    ...(loadedUpTo !== undefined ? { afterPosition: loadedUpTo } : {}),
    skip: loadedUpTo === undefined,
    onEvent: (event) => {
      setHistory((previous) => ({ ...previous, events: [...previous.events, event] }));
      if (erasesHistory(event)) {
        // A forget: every cached state (other versions included) and every loaded event may hold what is
        // now gone. Drop the cache (active queries fetch again), then load the stream again.
        void client.resetStore().catch(() => undefined).then(() => setGeneration((value) => value + 1));
      }
    },
  });

  return { ...history, error: history.error ?? feed.error };
}
