/**
 * Events as they commit (eventAppended), resumable: the last position seen is
 * kept, and after the WebSocket comes back the subscription starts again
 * after it, so nothing is missed and nothing is shown twice.
 */
import { useEffect, useRef, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import type { EventFieldsFragment } from './gql/graphql';
import { EventFeed } from './operations';
import { useConnection } from './connection-state';

export interface FeedOptions {
  /** Only this stream's events. */
  streamId?: string;
  /** Start after this position (undefined: only events committed from now on). */
  afterPosition?: string;
  /** Do not subscribe yet (e.g. while the history is loading). */
  skip?: boolean;
  /** Called once per event, in position order. */
  onEvent: (event: EventFieldsFragment) => void;
}

export function useEventFeed({ streamId, afterPosition, skip, onEvent }: FeedOptions): { error: Error | undefined } {
  const client = useApolloClient();
  const { session } = useConnection();
  const last = useRef<bigint | undefined>(undefined);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [error, setError] = useState<Error>();

  // A new stream or a new starting point: forget what was seen.
  useEffect(() => {
    last.current = afterPosition === undefined ? undefined : BigInt(afterPosition);
  }, [streamId, afterPosition]);

  useEffect(() => {
    if (skip || session === null) return;
    setError(undefined);
    const subscription = client
      .subscribe({
        query: EventFeed,
        variables: { streamId: streamId ?? null, afterPosition: last.current === undefined ? null : last.current.toString() },
      })
      .subscribe({
        next: (result) => {
          if (result.error) {
            setError(result.error);
            return;
          }
          const event = result.data?.eventAppended;
          if (!event) return;
          const position = BigInt(event.position);
          if (last.current !== undefined && position <= last.current) return;
          last.current = position;
          handler.current(event);
        },
        error: (failure: unknown) => setError(failure instanceof Error ? failure : new Error(String(failure))),
      });
    return () => subscription.unsubscribe();
  }, [client, session, skip, streamId, afterPosition]);

  return { error };
}
