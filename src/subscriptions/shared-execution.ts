/**
 * Subscription execution shared between subscribers. graphql-js runs the
 * selection set once per event per subscriber; with a thousand subscribers
 * that is a thousand identical executions of every event. The log tailer
 * hands the same event object to every subscriber, so the result for an
 * (event, operation, variables) triple is computed once and reused.
 */
import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;
const results = new WeakMap<object, Map<string, Result>>();

export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const key = `${args.operationName ?? ''}\n${print(args.document)}\n${JSON.stringify(args.variableValues ?? {})}`;
  const run = (payload: unknown) => execute({ ...args, rootValue: payload });
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
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      return step.done ? { value: undefined, done: true } : { value: await resultFor(step.value), done: false };
    },
    return: async () => {
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
