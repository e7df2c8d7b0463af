/**
 * Subscription results without graphql-js's executor, for the selections a
 * log subscription usually has: fields without arguments or directives,
 * resolved synchronously, down to scalars (an event's position, type, data,
 * timestamp...). graphql-js spends several microseconds per event on path
 * bookkeeping, promise checks and per-field dispatch; a replay of a million
 * events through `eventsAppended` is paced by exactly that.
 *
 * A plan is compiled once per subscription from the operation as validated
 * (collecting fields by response key in document order, fragments flattened,
 * as graphql-js does), and calls each field's own resolver and each scalar's
 * own serializer, so the result is the one graphql-js would give. Anything it
 * does not cover (arguments, directives, abstract types, a resolver that
 * returns a promise, a null where none may be, a resolver or serializer that
 * throws) makes it answer undefined: the caller then runs graphql-js, which
 * also reports the error as usual. A resolver may therefore run twice for an
 * event that falls back, so plans are only for side-effect-free reads.
 */
import {
  Kind,
  defaultFieldResolver,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type ExecutionResult,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Thrown inside a plan: leave this payload to graphql-js. */
class Fallback extends Error {}
const FALLBACK = new Fallback('not covered by the compiled plan');

type ValuePlan = (value: unknown, context: unknown) => unknown;

const isThenable = (value: unknown): boolean => typeof (value as { then?: unknown } | null)?.then === 'function';

/** Fields by response key, as graphql-js's CollectFields does; undefined when a directive or a type condition is in the way. */
function collect(type: GraphQLObjectType, sets: readonly (SelectionSetNode | undefined)[], info: GraphQLResolveInfo, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> | undefined {
  for (const set of sets) {
    for (const selection of set?.selections ?? []) {
      if (selection.directives && selection.directives.length > 0) return undefined;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = into.get(key);
        if (nodes) nodes.push(selection);
        else into.set(key, [selection]);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
      if (!fragment) return undefined;
      if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) return undefined;
      if (!collect(type, [fragment.selectionSet], info, into)) return undefined;
    }
  }
  return into;
}

function valuePlan(type: GraphQLOutputType, nodes: readonly FieldNode[], info: GraphQLResolveInfo): ValuePlan | undefined {
  if (isNonNullType(type)) {
    const inner = valuePlan(type.ofType, nodes, info);
    return (
      inner &&
      ((value, context) => {
        if (value === null || value === undefined) throw FALLBACK;
        const completed = inner(value, context);
        if (completed === null) throw FALLBACK;
        return completed;
      })
    );
  }
  if (isListType(type)) {
    const item = valuePlan(type.ofType, nodes, info);
    return (
      item &&
      ((value, context) => {
        if (value === null || value === undefined) return null;
        if (!Array.isArray(value)) throw FALLBACK;
        return value.map((entry) => item(entry, context));
      })
    );
  }
  if (isLeafType(type)) {
    return (value) => {
      if (value === null || value === undefined) return null;
      const serialized = type.serialize(value);
      if (serialized === null || serialized === undefined) throw FALLBACK;
      return serialized;
    };
  }
  if (isObjectType(type)) {
    const object = objectPlan(type, nodes.map((node) => node.selectionSet), info);
    return object && ((value, context) => (value === null || value === undefined ? null : object(value, context)));
  }
  return undefined;
}

function objectPlan(type: GraphQLObjectType, sets: readonly (SelectionSetNode | undefined)[], info: GraphQLResolveInfo): ValuePlan | undefined {
  const fields = collect(type, sets, info);
  if (!fields) return undefined;
  const plans: Array<[string, ValuePlan]> = [];
  for (const [key, nodes] of fields) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      plans.push([key, () => type.name]);
      continue;
    }
    const field = type.getFields()[name];
    if (!field || field.args.length > 0 || nodes.some((node) => (node.arguments?.length ?? 0) > 0)) return undefined;
    const value = valuePlan(field.type, nodes, info);
    if (!value) return undefined;
    const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
    const fieldInfo: GraphQLResolveInfo = { ...info, fieldName: name, fieldNodes: nodes, returnType: field.type, parentType: type, path: { prev: undefined, key, typename: type.name } };
    plans.push([
      key,
      (source, context) => {
        const resolved = resolve(source, {}, context, fieldInfo);
        if (isThenable(resolved)) throw FALLBACK;
        return value(resolved, context);
      },
    ]);
  }
  return (source, context) => {
    const result: Record<string, unknown> = {};
    for (const [key, plan] of plans) result[key] = plan(source, context);
    return result;
  };
}

type Compiled = ((payload: unknown, context: unknown) => ExecutionResult | undefined) | undefined;

/** Plans by schema, operation and variables: subscribers of one operation share one (the server shares documents by text). */
const plans = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Map<string, Compiled>>>();

/**
 * The result of each payload of the subscription root field `info` names
 * (called from its subscribe resolver, with its coerced `args`), or undefined
 * when the selection is not covered. The function itself answers undefined
 * for a payload it leaves to graphql-js.
 */
export function compileSubscriptionResults(info: GraphQLResolveInfo, args: Record<string, unknown>): Compiled {
  let forSchema = plans.get(info.schema);
  if (!forSchema) {
    forSchema = new WeakMap();
    plans.set(info.schema, forSchema);
  }
  let forDocument = forSchema.get(info.operation);
  if (!forDocument) {
    forDocument = new Map();
    forSchema.set(info.operation, forDocument);
  }
  const key = JSON.stringify(info.variableValues);
  if (forDocument.has(key)) return forDocument.get(key);
  const compiled = compile(info, args);
  if (forDocument.size < 100) forDocument.set(key, compiled);
  return compiled;
}

function compile(info: GraphQLResolveInfo, args: Record<string, unknown>): Compiled {
  if (info.fieldNodes.some((node) => (node.directives?.length ?? 0) > 0)) return undefined;
  const field = info.parentType.getFields()[info.fieldName];
  if (!field) return undefined;
  const value = valuePlan(field.type, info.fieldNodes, info);
  if (!value) return undefined;
  const key = info.fieldNodes[0]!.alias?.value ?? info.fieldName;
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
  return (payload, context) => {
    try {
      const resolved = resolve(payload, args, context, info);
      if (isThenable(resolved)) return undefined;
      return { data: { [key]: value(resolved, context) } };
    } catch {
      return undefined;
    }
  };
}
