/**
 * Shared subscription results are shared only between subscribers with the
 * same rights: a field that depends on who asks answers each viewer for
 * themselves, while equal viewers still share one execution per event.
 */
import { describe, expect, it } from 'vitest';
import { parse, type ExecutionResult } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { sharedSubscribe } from '../src/subscriptions/shared-execution.js';

interface Viewer {
  readonly name: string;
}

/** One event object handed to every subscriber, as the log tailer does. */
function hub() {
  const queues: Array<(value: object) => void> = [];
  return {
    iterator(): AsyncIterableIterator<object> {
      const pending: object[] = [];
      let wake: (() => void) | undefined;
      queues.push((value) => {
        pending.push(value);
        wake?.();
      });
      const iterator: AsyncIterableIterator<object> = {
        async next() {
          while (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          return { value: pending.shift()!, done: false };
        },
        return: async () => ({ value: undefined, done: true }),
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
    publish(event: object) {
      for (const push of queues) push(event);
    },
  };
}

describe('shared subscription execution', () => {
  it('answers each viewer for themselves, and executes once per event for equal viewers', async () => {
    const events = hub();
    let executions = 0;
    const schema = makeExecutableSchema({
      typeDefs: `type Query { x: Int } type Tick { n: Int! viewer: String! } type Subscription { tick: Tick! }`,
      resolvers: {
        Subscription: { tick: { subscribe: () => events.iterator(), resolve: (event: unknown) => event } },
        Tick: {
          viewer: (_: unknown, __: unknown, context: Viewer) => {
            executions++;
            return context.name;
          },
        },
      },
    });
    const document = parse(`subscription { tick { n viewer } }`);
    const options = { viewerOf: (context: unknown) => (context as Viewer).name };
    const subscribe = async (name: string) =>
      (await sharedSubscribe({ schema, document, contextValue: { name } satisfies Viewer }, options)) as AsyncIterableIterator<ExecutionResult>;
    const [alice, bob, alsoAlice] = await Promise.all([subscribe('alice'), subscribe('bob'), subscribe('alice')]);
    events.publish({ n: 1 });
    const results = await Promise.all([alice.next(), bob.next(), alsoAlice.next()]);
    expect(results.map((result) => result.value.data)).toEqual([
      { tick: { n: 1, viewer: 'alice' } },
      { tick: { n: 1, viewer: 'bob' } },
      { tick: { n: 1, viewer: 'alice' } },
    ]);
    // Alice's two subscriptions shared one execution; Bob had his own.
    expect(executions).toBe(2);
  });
});
