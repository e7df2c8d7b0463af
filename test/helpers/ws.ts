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
