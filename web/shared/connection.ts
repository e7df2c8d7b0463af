/**
 * Where the pages talk to: the server that served them, over HTTP for queries
 * and mutations and graphql-ws for subscriptions. An optional token (kept in
 * localStorage) is sent as `Authorization: Bearer ...` over HTTP and as
 * `connectionParams.authorization` on the WebSocket.
 */
import { createClient, type Client } from 'graphql-ws';

const TOKEN_KEY = 'ledger.token';

export const httpUrl = new URL('/graphql', window.location.href).toString();
export const wsUrl = httpUrl.replace(/^http/, 'ws');

export function readToken(): string {
  try {
    return window.localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveToken(token: string): void {
  const trimmed = token.trim();
  if (trimmed) window.localStorage.setItem(TOKEN_KEY, trimmed);
  else window.localStorage.removeItem(TOKEN_KEY);
}

/** The HTTP headers for the current token (none without one). */
export function authHeaders(): Record<string, string> {
  const token = readToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** The graphql-ws connection parameters for the current token. */
export function authConnectionParams(): Record<string, string> {
  const token = readToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/**
 * A graphql-ws client that never gives up: after the server restarts it
 * reconnects (waits of 250 ms doubling up to 2 s) and tells `onState`.
 * Subscribers that must resume from a position listen for 'connected'.
 */
export function createSocket(onState: (state: ConnectionState) => void = () => {}): Client {
  let everConnected = false;
  return createClient({
    url: wsUrl,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 2_000))),
    connectionParams: authConnectionParams,
    on: {
      connecting: () => onState(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        onState('connected');
      },
      closed: () => {
        if (everConnected) onState('reconnecting');
      },
    },
  });
}
