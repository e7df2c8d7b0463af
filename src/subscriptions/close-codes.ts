/** WebSocket close codes this server sends beside graphql-ws's own (4400, 4401, 4403, 4408, 4409, 4429, 4500). */
export const CloseCode = {
  /** The subscriber left more than SUBSCRIPTION_BUFFER live events unread; resubscribe with afterPosition. */
  SlowConsumer: 4413,
} as const;
