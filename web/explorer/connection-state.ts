/**
 * The WebSocket's state as React sees it. `session` counts connections: it is
 * null while a connection that was up is down, and a new number each time it
 * comes back, so subscriptions stop when the server goes away and start again
 * (from the last position they saw) when it returns.
 */
import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../shared/connection';

export interface Connection {
  readonly state: ConnectionState;
  readonly session: number | null;
}

let current: Connection = { state: 'connecting', session: 0 };
let sessions = 0;
const listeners = new Set<() => void>();

export function setConnectionState(state: ConnectionState): void {
  if (state === current.state) return;
  let session = current.session;
  if (state === 'reconnecting') session = null;
  // The first connection keeps the subscriptions made while it was coming up.
  else if (state === 'connected' && current.state === 'reconnecting') session = ++sessions;
  current = { state, session };
  for (const listener of listeners) listener();
}

export function useConnection(): Connection {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
