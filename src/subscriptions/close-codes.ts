/** WebSocket close codes this server sends beside graphql-ws's own (4400, 4401, 4403, 4408, 4409, 4429, 4500). */
export const CloseCode = {
  /** The subscriber left more than SUBSCRIPTION_BUFFER live events unread; resubscribe with afterPosition. */
  SlowConsumer: 4413,
  /** The client (user, else address) already holds MAX_CONNECTIONS_PER_CLIENT connections. */
  TooManyConnections: 4430,
} as const;
