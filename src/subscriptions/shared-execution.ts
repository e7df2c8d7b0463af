/**
 * Subscription execution shared between subscribers. graphql-js runs the
 * selection set once per event per subscriber; with a thousand subscribers
 * that is a thousand identical executions of every event. The log tailer
 * hands the same event object to every subscriber, so the result for an
 * (event, operation, variables, viewer) key is computed once and reused.
 *
 * The viewer is part of the key by construction: a result is only ever
 * shared between subscribers with the same rights (open, admin, or one
 * user), so a field that one day depends on who asks cannot leak another
 * subscriber's answer.
 */
import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;
const results = new WeakMap<object, Map<string, Result>>();

export interface SharingOptions {
  /** Who is asking, as far as results may differ: subscribers with equal keys share results. */
  viewerOf(contextValue: unknown): string;
  /** The context one event's execution runs with (default: the subscriber's own). */
  contextFor?(contextValue: unknown): unknown;
  /** Called once the subscription is set up (its subscribe resolver returned), and once when it ends. */
  onStart?(): void;
  onEnd?(): void;
}

export async function sharedSubscribe(args: ExecutionArgs, options: SharingOptions): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const key = `${options.viewerOf(args.contextValue)}\n${args.operationName ?? ''}\n${print(args.document)}\n${JSON.stringify(args.variableValues ?? {})}`;
  const run = (payload: unknown) =>
    execute({ ...args, rootValue: payload, contextValue: options.contextFor ? options.contextFor(args.contextValue) : args.contextValue });
  const events = source as unknown as AsyncIterator<unknown>;
  const resultFor = (payload: unknown): Result => {
    if (payload === null || typeof payload !== 'object') return run(payload);
    let forPayload = results.get(payload);
    if (!forPayload) {
      forPayload = new Map();
      results.set(payload, forPayload);
    }
    let result = forPayload.get(key);
    if (!result) {
      result = run(payload);
      forPayload.set(key, result);
    }
    return result;
  };
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    options.onEnd?.();
  };
  options.onStart?.();
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      if (step.done) {
        end();
        return { value: undefined, done: true };
      }
      return { value: await resultFor(step.value), done: false };
    },
    return: async () => {
      end();
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
