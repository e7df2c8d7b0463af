/**
 * Structured JSON logs (pino). Every line written while a request or a
 * WebSocket operation is being served carries its `requestId`, without
 * passing a logger around: the id lives in an AsyncLocalStorage scope that
 * pino reads for each line. Tokens and authorization headers are redacted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

export type { Logger };

const scope = new AsyncLocalStorage<{ readonly requestId: string }>();

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => scope.getStore() ?? {},
      redact: {
        paths: ['authorization', 'token', 'headers.authorization', 'connectionParams', '*.authorization', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Runs `work` so that every log line it causes carries `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return scope.run({ requestId }, work);
}

/** The request being served, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
