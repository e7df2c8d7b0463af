/** A stream's whole history (page by page), then its new events as they commit. */
import { useEffect, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import type { EventFieldsFragment, StreamEventsQueryVariables } from './gql/graphql';
import { StreamEvents } from './operations';
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
  }, [client, streamId]);

  const feed = useEventFeed({
    streamId,
    ...(loadedUpTo !== undefined ? { afterPosition: loadedUpTo } : {}),
    skip: loadedUpTo === undefined,
    onEvent: (event) => setHistory((previous) => ({ ...previous, events: [...previous.events, event] })),
  });

  return { ...history, error: history.error ?? feed.error };
}
