/** The limits measure fragments once, so they stay linear and terminate on any document, cyclic ones included. */
import { describe, expect, it } from 'vitest';
import { execute, getIntrospectionQuery, parse, validate } from 'graphql';
import { aliasLimit, depthLimit, mutationCount, operationCost } from '../src/graphql/limits.js';
import { buildSchema } from '../src/graphql/schema.js';
import { modules } from '../src/modules.js';

const schema = buildSchema(modules);
const limits = { defaultPageSize: 20, maxPageSize: 100 };

function doubling(levels: number, root = 'query Q { ...F1 }', on = 'Query', leaf = '__typename'): string {
  const parts = [root];
  for (let i = 1; i < levels; i++) parts.push(`fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`);
  parts.push(`fragment F${levels} on ${on} { ${leaf} }`);
  return parts.join('\n');
}

describe('operation limits', () => {
  it('price a fragment spread n times n times over, without walking it n times', () => {
    // 2^59 fields: walked one by one this would never finish.
    const document = parse(doubling(60));
    expect(operationCost(schema, document, 'Q', {}, limits)).toBe(2 ** 59);
    expect(validate(schema, document, [depthLimit(12), aliasLimit(30)])).toEqual([]);
    const mutation = parse(doubling(60, 'mutation M { ...F1 }', 'Mutation', 'closeAccount(input: {accountId: "x"}) { account { id } }'));
    expect(mutationCount(mutation, 'M')).toBe(2 ** 59);
  });

  it('follow fragments for depth, whichever spread is reached first', () => {
    const document = parse(`query Q { ...Shallow account(id: "x") { ...Deep } }
      fragment Shallow on Query { __typename }
      fragment Deep on Account { owner { accounts { owner { name } } } }`);
    expect(validate(schema, document, [depthLimit(5)])).toEqual([]);
    expect(validate(schema, document, [depthLimit(4)]).map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', limit: 'depth' }]);
  });

  it('terminate on fragment cycles when they run before graphql-js refuses them', () => {
    const cyclic = parse(`query Q { ...A } mutation M { ...C }
      fragment A on Query { ...B ...B account(id: "x") { id } } fragment B on Query { ...A ...A }
      fragment C on Mutation { ...C ...C }`);
    expect(validate(schema, cyclic, [depthLimit(12), aliasLimit(30)])).toEqual([]);
    expect(operationCost(schema, cyclic, 'Q', {}, limits)).toBeGreaterThan(0);
    expect(mutationCount(cyclic, 'M')).toBe(0);
  });
});

describe('the cost of connections', () => {
  it('price introspection by the answer it returns: one per field of the answer', async () => {
    /** Fields in an answer: each key 1, plus what is under it (every item of a list). */
    const fieldsIn = (value: unknown): number => {
      if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + fieldsIn(item), 0);
      if (value === null || typeof value !== 'object') return 0;
      return Object.values(value).reduce((sum: number, inner) => sum + 1 + fieldsIn(inner), 0);
    };
    const queries: Array<[string, Record<string, unknown>?]> = [
      [getIntrospectionQuery()],
      [getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true })],
      ['{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }'],
      ['{ __schema { types { name possibleTypes { fields { args { type { ofType { name } } } } } } directives { name locations args { name } } } }'],
      ['query($t: String!) { __type(name: $t) { name fields { name type { ...T } } } } fragment T on __Type { kind name ofType { ...U } } fragment U on __Type { kind name ofType { name } }', { t: 'Account' }],
      ['{ __type(name: "NoSuchType") { name fields { name } } }'],
      ['{ a: __schema { types { ... on __Type { enumValues { name } inputFields { name } } } } b: __schema { queryType { fields { name } } } }'],
    ];
    for (const [query, variables] of queries) {
      const document = parse(query);
      const answer = await execute({ schema, document, variableValues: variables ?? {} });
      expect(answer.errors, query).toBeUndefined();
      expect(operationCost(schema, document, undefined, variables, limits), query).toBe(fieldsIn(answer.data));
    }
    // Fifty types, their fields, their types' fields...: priced at thousands, no longer at the dozen fields the document has.
    const deep = parse(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __schema { types { fields { type { fields { type { fields { name } } } } } } }`).join(' ')} }`);
    expect(operationCost(schema, deep, undefined, {}, limits)).toBeGreaterThan(10_000);
  });

  it('counts a connection without `first` as a page of the default size', () => {
    const nested = parse(`{ accounts { edges { node { owner { accounts { edges { node { events { edges { node { id type } } } } } } } } } } }`);
    // Three nested pages of 20: at least 20 * 20 * 20 items.
    expect(operationCost(schema, nested, undefined, undefined, limits)).toBeGreaterThan(8000);
    const explicit = parse(`{ accounts(first: 2) { edges { node { id } } } }`);
    expect(operationCost(schema, explicit, undefined, undefined, limits)).toBeLessThan(10);
  });
});
