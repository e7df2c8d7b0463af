/**
 * Validation rules and estimates that bound what one operation may ask for.
 *
 * Every measure here (depth, cost, mutation count) costs time linear in the
 * document: a fragment is measured once and its figure reused at every
 * spread, the way graphql-js's own rules work. Walking a fragment again per
 * spread would double the work per level of `fragment F1 { ...F2 ...F2 }`.
 * The measures terminate on cyclic documents too (a fragment that spreads
 * itself counts nothing the second time): they may run before or beside
 * graphql-js's NoFragmentCyclesRule, which refuses such documents.
 *
 * Why not a library: graphql-query-complexity walks a fragment per spread
 * (exponential on the document above), and graphql-armor's cost model does
 * not price lists by their page size with variables resolved.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  getOperationAST,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { introspectionPricer } from './introspection-cost.js';
import type { PageLimits } from './pagination.js';

/**
 * A figure per fragment, each computed once. While a fragment is being
 * measured it counts `onCycle` (only a cyclic document can reach it again).
 */
function fragmentMemo<T>(document: DocumentNode, measure: (fragment: FragmentDefinitionNode) => T, onCycle: T): (name: string) => T | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  const done = new Map<string, T>();
  const inProgress = new Set<string>();
  return (name) => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment) return undefined;
    if (inProgress.has(name)) return onCycle;
    inProgress.add(name);
    const value = measure(fragment);
    inProgress.delete(name);
    done.set(name, value);
    return value;
  };
}

/** Levels of selection below `set` (0 for a set of leaf fields), fragments followed. */
function selectionDepth(document: DocumentNode): (set: SelectionSetNode) => number {
  const depthOf = (set: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet));
      } else {
        deepest = Math.max(deepest, fragmentDepth(selection.name.value) ?? 0);
      }
    }
    return deepest;
  };
  const fragmentDepth = fragmentMemo(document, (fragment) => depthOf(fragment.selectionSet), 0);
  return depthOf;
}

/** Rejects operations whose selections nest deeper than `maxDepth` (fragments followed). */
export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const depthBelow = selectionDepth(context.getDocument());
    return {
      OperationDefinition(node) {
        const depth = 1 + depthBelow(node.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is nested deeper than the allowed ${maxDepth} levels`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT', limit: 'depth' },
            }),
          );
        }
      },
    };
  };
}

/** Rejects documents with more than `maxAliases` aliased fields (aliases multiply work without nesting). */
export function aliasLimit(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave(node) {
          if (aliases > maxAliases) {
            context.reportError(
              new GraphQLError(`Operation uses ${aliases} aliases; at most ${maxAliases} are allowed`, {
                nodes: [node],
                extensions: { code: 'BAD_USER_INPUT', limit: 'aliases' },
              }),
            );
          }
        },
      },
    };
  };
}

export interface CostLimits extends PageLimits {
  readonly maxCost: number;
}

/**
 * An estimate of the work an operation asks for: every field costs 1, and
 * everything under a list field counts once per item it may return (its
 * `first` or `last` argument, else the default page size; a connection's edges are
 * bounded by the connection's `first`). Variables are resolved, so
 * `first: $n` is priced at the value sent. A fragment is priced by its own
 * type condition, so its price is the same at every spread. Introspection
 * (`__schema`, `__type`) is priced by the size of its real answer.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: PageLimits,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  // What execution will use: a variable's default value in the operation, unless the request sent one.
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === Kind.INT) values[definition.variable.name.value] = Number(definition.defaultValue.value);
  }
  Object.assign(values, variables ?? {});
  const itemsOf = (field: FieldNode, isList: boolean): number => {
    const first = field.arguments?.find((argument) => argument.name.value === 'first' || argument.name.value === 'last');
    if (first) {
      const value = first.value.kind === Kind.VARIABLE ? values[first.value.name.value] : first.value.kind === Kind.INT ? Number(first.value.value) : undefined;
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.min(value, limits.maxPageSize));
      return limits.defaultPageSize;
    }
    return isList ? limits.defaultPageSize : 1;
  };
  const introspection = introspectionPricer(schema, document, values);
  const costOf = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): number => {
    if (!set) return 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        // __schema and __type are priced by what they return from this schema (introspection-cost.ts).
        const introspected = introspection(selection);
        if (introspected !== undefined) {
          total += introspected;
          continue;
        }
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        const type = definition ? getNullableType(definition.type) : undefined;
        // A connection returns a page (its `first`, else the default page size); its edges are that page, not more.
        const named = definition ? getNamedType(definition.type).name : '';
        const isEdges = named.endsWith('Edge');
        const items = itemsOf(selection, (isListType(type) && !isEdges) || named.endsWith('Connection'));
        total += 1 + items * costOf(selection.selectionSet, definition ? getNamedType(definition.type) : undefined);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        total += costOf(selection.selectionSet, typeName ? schema.getType(typeName) ?? parent : parent);
      } else {
        total += fragmentCost(selection.name.value) ?? 0;
      }
    }
    return total;
  };
  const fragmentCost = fragmentMemo(document, (fragment) => costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined), 0);
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return costOf(operation.selectionSet, root ?? undefined);
}

export function costError(cost: number, maxCost: number): GraphQLError {
  // Nested fragments can price a small document beyond what a number prints well.
  const shown = cost > Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER}` : String(cost);
  return new GraphQLError(`Operation is too expensive: estimated cost ${shown}, at most ${maxCost} allowed (ask for smaller pages or fewer fields)`, {
    extensions: { code: 'BAD_USER_INPUT', limit: 'cost', http: { status: 400 } },
  });
}

/** How many root fields (aliases and fragments included) a mutation runs: each is one command. */
export function mutationCount(document: DocumentNode, operationName: string | null | undefined): number {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation') return 0;
  const count = (set: SelectionSetNode): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += selection.name.value === '__typename' ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else total += fragmentCount(selection.name.value) ?? 0;
    }
    return total;
  };
  const fragmentCount = fragmentMemo(document, (fragment) => count(fragment.selectionSet), 0);
  return count(operation.selectionSet);
}
