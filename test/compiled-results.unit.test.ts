/**
 * Compiled subscription results give exactly what graphql-js gives, on the
 * real schema (its resolvers and scalars), and leave to graphql-js whatever
 * they do not cover.
 */
import { describe, expect, it } from 'vitest';
import { createSourceEventStream, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { buildSchema } from '../src/graphql/schema.js';
import { compileSubscriptionResults } from '../src/graphql/compiled-results.js';
import { modules } from '../src/modules.js';
import type { StoredEvent } from '../src/eventstore/types.js';

const schema = buildSchema(modules);
const fields = schema.getSubscriptionType()!.getFields();

/** The info and args the subscribe resolver of the operation's root field gets. */
async function subscribeInfo(query: string, variables: Record<string, unknown> = {}) {
  let captured: { info: GraphQLResolveInfo; args: Record<string, unknown> } | undefined;
  const field = query.includes('eventsAppended') ? fields.eventsAppended! : fields.eventAppended!;
  const original = field.subscribe;
  field.subscribe = (_root, args, _context, info) => {
    captured = { info, args };
    return (async function* () {})();
  };
  try {
    await createSourceEventStream({ schema, document: parse(query), variableValues: variables });
  } finally {
    field.subscribe = original;
  }
  return captured!;
}

const event = (position: bigint, data: Record<string, unknown>, metadata: Record<string, unknown> = {}): StoredEvent => ({
  id: `id-${position}`,
  streamId: 'acc-1',
  streamType: 'BankAccount',
  version: Number(position % 1000n) + 1,
  position,
  type: 'money_deposited',
  schemaVersion: 2,
  storedSchemaVersion: 1,
  data: data as StoredEvent['data'],
  metadata: metadata as StoredEvent['metadata'],
  timestamp: new Date(Date.UTC(2026, 11, 2, 10, 0, 0, Number(position % 1000n))),
});

const events = [event(1n, { accountId: 'acc-1', amount: '1.00', reference: null }, { correlationId: 'c', userId: 'u' }), event(9_007_199_254_740_993n, { nested: { list: [1, 'two', null] } })];
const batch = { events, caughtUp: false };

async function both(query: string, payload: unknown, variables: Record<string, unknown> = {}) {
  const { info, args } = await subscribeInfo(query, variables);
  const compiled = compileSubscriptionResults(info, args);
  const expected = await execute({ schema, document: parse(query), rootValue: payload, variableValues: variables, contextValue: {} });
  return { compiled, result: compiled?.(payload, {}), expected };
}

describe('compiled subscription results', () => {
  const covered: Array<[string, string, unknown]> = [
    ['every Event field', `subscription { eventAppended { id streamId streamType type schemaVersion storedSchemaVersion version position data metadata timestamp } }`, events[1]],
    ['aliases, repeats and __typename', `subscription { e: eventAppended { __typename p: position position type t: type p: position } }`, events[0]],
    ['fragments, named and inline', `subscription { eventAppended { ...F ... on Event { data } ... { version } } } fragment F on Event { timestamp id }`, events[0]],
    ['a batch', `subscription { eventsAppended(afterPosition: "0", maxBatch: 5) { caughtUp __typename events { position data t: timestamp } } }`, batch],
    ['a batch with its events field twice', `subscription { eventsAppended { events { position } caughtUp events { type } } }`, batch],
  ];
  for (const [what, query, payload] of covered) {
    it(`answers as graphql-js does: ${what}`, async () => {
      const { compiled, result, expected } = await both(query, payload);
      expect(compiled).toBeDefined();
      expect(JSON.stringify(result)).toBe(JSON.stringify(expected));
    });
  }

  it('leaves directives to graphql-js', async () => {
    const { compiled } = await both(`subscription($x: Boolean!) { eventAppended { position type @include(if: $x) } }`, events[0], { x: true });
    expect(compiled).toBeUndefined();
  });

  it('leaves a payload it cannot complete to graphql-js, which reports the error', async () => {
    const broken = { ...events[0]!, data: null, timestamp: new Date(Number.NaN) };
    const { result, expected } = await both(`subscription { eventAppended { position data } }`, broken);
    expect(result).toBeUndefined();
    expect(expected.errors?.length).toBeGreaterThan(0);
    const late = await both(`subscription { eventAppended { timestamp } }`, broken);
    expect(late.result).toBeUndefined();
    expect(late.expected.errors?.length).toBeGreaterThan(0);
  });
});
