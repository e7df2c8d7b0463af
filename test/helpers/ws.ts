/** A graphql-ws client over the `ws` package, with helpers that wait with timeouts. */
import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult } from 'graphql';
import WebSocket from 'ws';

export function wsClient(url: string, options: { lazy?: boolean; connectionParams?: Record<string, unknown> } = {}): Client {
  return createClient({ url, webSocketImpl: WebSocket, lazy: options.lazy ?? true, retryAttempts: 0, connectionParams: options.connectionParams });
}

/** Runs one query or mutation over the socket and returns its single result. */
export function wsRequest<Data = Record<string, any>>(client: Client, query: string, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<Data, any>> {
  return new Promise((resolve, reject) => {
    let result: FormattedExecutionResult<Data, any> | undefined;
    const timer = setTimeout(() => reject(new Error('WebSocket request timed out')), 10_000);
    client.subscribe<Data>(
      { query, variables },
      {
        next: (value) => (result = value),
        error: (error) => {
          clearTimeout(timer);
          // graphql-ws hands validation failures to `error` as an array of GraphQL errors.
          if (Array.isArray(error)) resolve({ errors: error } as FormattedExecutionResult<Data, any>);
          else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(result ?? ({} as FormattedExecutionResult<Data, any>));
        },
      },
    );
  });
}

/**
 * Opens a raw graphql-ws socket, sends connection_init with `payload`, and
 * resolves with how it ended: acknowledged, or closed with a code.
 */
export function connectRaw(url: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ acked: boolean; code?: number; reason?: string; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    const timer = setTimeout(() => reject(new Error('No answer to connection_init')), 10_000);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        clearTimeout(timer);
        resolve({ acked: true, socket });
      }
    });
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ acked: false, code, reason: reason.toString(), socket });
    });
    socket.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve({ acked: false, code: res.statusCode, socket });
    });
    socket.on('error', () => undefined);
  });
}

/** Resolves with the close code once `socket` closes (rejects after `timeoutMs`). */
export function closed(socket: WebSocket, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (socket.readyState === WebSocket.CLOSED) return reject(new Error('Socket already closed'));
    const timer = setTimeout(() => reject(new Error('Socket did not close')), timeoutMs);
    socket.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
