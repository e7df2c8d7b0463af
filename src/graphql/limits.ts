/** Validation rules that bound what one operation may ask for. */
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
import type { PageLimits } from './pagination.js';

/** Rejects operations whose selections nest deeper than `maxDepth` (fragments followed). */
export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): number => {
      if (!set || depth > maxDepth) return depth;
      let deepest = depth;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          deepest = Math.max(deepest, selection.selectionSet ? depthOf(selection.selectionSet, depth + 1, seen) : depth);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, depth, seen));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment && !seen.has(name)) deepest = Math.max(deepest, depthOf(fragment.selectionSet, depth, new Set(seen).add(name)));
        }
        if (deepest > maxDepth) break;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 1, new Set());
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
 * `first: $n` is priced at the value sent.
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
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const itemsOf = (field: FieldNode, isList: boolean): number => {
    const first = field.arguments?.find((argument) => argument.name.value === 'first' || argument.name.value === 'last');
    if (first) {
      const value = first.value.kind === Kind.VARIABLE ? variables?.[first.value.name.value] : first.value.kind === Kind.INT ? Number(first.value.value) : undefined;
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.min(value, limits.maxPageSize));
      return limits.defaultPageSize;
    }
    return isList ? limits.defaultPageSize : 1;
  };
  const costOf = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, seen: ReadonlySet<string>): number => {
    if (!set) return 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        const type = definition ? getNullableType(definition.type) : undefined;
        // A connection's edges are already counted by its `first`.
        const isEdges = definition !== undefined && getNamedType(definition.type).name.endsWith('Edge');
        const items = itemsOf(selection, isListType(type) && !isEdges);
        total += 1 + items * costOf(selection.selectionSet, definition ? getNamedType(definition.type) : undefined, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        total += costOf(selection.selectionSet, typeName ? schema.getType(typeName) ?? parent : parent, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) {
          total += costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent, new Set(seen).add(name));
        }
      }
    }
    return total;
  };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return costOf(operation.selectionSet, root ?? undefined, new Set());
}

export function costError(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(`Operation is too expensive: estimated cost ${cost}, at most ${maxCost} allowed (ask for smaller pages or fewer fields)`, {
    extensions: { code: 'BAD_USER_INPUT', limit: 'cost', http: { status: 400 } },
  });
}

/** How many root fields (aliases and fragments included) a mutation runs: each is one command. */
export function mutationCount(document: DocumentNode, operationName: string | null | undefined): number {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation') return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const count = (set: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += selection.name.value === '__typename' ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet, seen);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) total += count(fragment.selectionSet, new Set(seen).add(fragment.name.value));
      }
    }
    return total;
  };
  return count(operation.selectionSet, new Set());
}
