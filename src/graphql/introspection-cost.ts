/**
 * The price of `__schema` and `__type` selections: what they return, counted
 * on this server's own schema. The schema is fixed, so the size of an
 * introspection answer is known before it runs: every field costs 1 and a
 * list field costs 1 plus its selection on each item it really returns (all
 * the types, each type's real fields, each field's real arguments...). This
 * replaces a flat price (1 per field in the document, as if every list held
 * one item), under which `types { fields { type { fields { ... } } } }` or
 * thirty aliases of it cost a few dozen and made the server build tens of
 * thousands of objects; and the default page size per list, which priced
 * the standard introspection query of tools (GraphiQL, codegen) at 15,000.
 *
 * Each selection set is priced once per schema element it applies to
 * (memoised), so the work is bounded by the document's size times the
 * schema's, never by the size of the answer.
 */
import {
  Kind,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql';

/** A value introspection hands out, tagged with what it is (the __Schema, __Type, ... it stands for). */
type Element =
  | { readonly kind: 'schema'; readonly value: GraphQLSchema }
  | { readonly kind: 'type'; readonly value: GraphQLType }
  | { readonly kind: 'field'; readonly value: GraphQLField<unknown, unknown> }
  | { readonly kind: 'inputValue'; readonly value: unknown }
  | { readonly kind: 'directive'; readonly value: GraphQLDirective }
  | { readonly kind: 'leaf'; readonly value: unknown };

/** What a field of an element returns: one element, a list of them, or nothing (null or a scalar). */
type Returned = Element | readonly Element[] | undefined;

const types = (list: readonly GraphQLType[]): Element[] => list.map((value) => ({ kind: 'type', value }));
const inputValues = (list: readonly unknown[]): Element[] => list.map((value) => ({ kind: 'inputValue', value }));

function typeField(schema: GraphQLSchema, type: GraphQLType, name: string): Returned {
  if (isListType(type) || isNonNullType(type)) return name === 'ofType' ? { kind: 'type', value: type.ofType as GraphQLType } : undefined;
  switch (name) {
    case 'fields':
      return isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()).map((value) => ({ kind: 'field', value })) : undefined;
    case 'interfaces':
      return isObjectType(type) || isInterfaceType(type) ? types(type.getInterfaces()) : undefined;
    case 'possibleTypes':
      return isAbstractType(type) ? types(schema.getPossibleTypes(type)) : undefined;
    case 'enumValues':
      return isEnumType(type) ? type.getValues().map((value) => ({ kind: 'leaf', value })) : undefined;
    case 'inputFields':
      return isInputObjectType(type) ? inputValues(Object.values(type.getFields())) : undefined;
    default:
      return undefined; // kind, name, description, specifiedByURL, isOneOf, ofType of a named type
  }
}

function returned(schema: GraphQLSchema, element: Element, name: string): Returned {
  switch (element.kind) {
    case 'schema': {
      if (name === 'types') return types(Object.values(schema.getTypeMap()));
      if (name === 'directives') return schema.getDirectives().map((value) => ({ kind: 'directive', value }));
      const root = name === 'queryType' ? schema.getQueryType() : name === 'mutationType' ? schema.getMutationType() : name === 'subscriptionType' ? schema.getSubscriptionType() : undefined;
      return root ? { kind: 'type', value: root } : undefined;
    }
    case 'type':
      return typeField(schema, element.value, name);
    case 'field':
      if (name === 'args') return inputValues(element.value.args);
      return name === 'type' ? { kind: 'type', value: element.value.type } : undefined;
    case 'inputValue':
      return name === 'type' ? { kind: 'type', value: (element.value as GraphQLArgument).type } : undefined;
    case 'directive':
      if (name === 'args') return inputValues(element.value.args);
      return name === 'locations' ? element.value.locations.map((value) => ({ kind: 'leaf', value })) : undefined;
    case 'leaf':
      return undefined;
  }
}

/** The string a `__type(name:)` argument names, variables resolved. */
function typeNameArgument(field: FieldNode, variables: Record<string, unknown>): string | undefined {
  const argument = field.arguments?.find((candidate) => candidate.name.value === 'name');
  if (!argument) return undefined;
  if (argument.value.kind === Kind.STRING) return argument.value.value;
  if (argument.value.kind === Kind.VARIABLE) {
    const value = variables[argument.value.name.value];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/** `@skip(if: true)` / `@include(if: false)` as literals: those selections return nothing. Variables are priced as included. */
function skipped(directives: readonly DirectiveNode[] | undefined): boolean {
  for (const directive of directives ?? []) {
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    if (condition?.kind !== Kind.BOOLEAN) continue;
    if ((directive.name.value === 'skip' && condition.value) || (directive.name.value === 'include' && !condition.value)) return true;
  }
  return false;
}

/**
 * Prices introspection fields (`__schema`, `__type`) of one operation. Made
 * per operation: it memoises per selection set and schema element.
 */
export function introspectionPricer(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): (field: FieldNode) => number | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<SelectionSetNode, Map<unknown, number>>();
  const inProgress = new Set<FragmentDefinitionNode>();

  const priceOfField = (field: FieldNode, element: Element): number => {
    const value = returned(schema, element, field.name.value);
    if (value === undefined || !field.selectionSet) return 1;
    if (!Array.isArray(value)) return 1 + priceOfSet(field.selectionSet, value as Element);
    let total = 1;
    for (const item of value) total += priceOfSet(field.selectionSet, item);
    return total;
  };

  const priceOfSet = (set: SelectionSetNode, element: Element): number => {
    let bySet = memo.get(set);
    if (!bySet) memo.set(set, (bySet = new Map()));
    const known = bySet.get(element.value);
    if (known !== undefined) return known;
    let total = 0;
    for (const selection of set.selections) {
      if (skipped(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        total += priceOfField(selection, element);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += priceOfSet(selection.selectionSet, element);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A cycle (refused by validation, which may not have run yet) counts nothing the second time.
        if (!fragment || inProgress.has(fragment)) continue;
        inProgress.add(fragment);
        total += priceOfSet(fragment.selectionSet, element);
        inProgress.delete(fragment);
      }
    }
    bySet.set(element.value, total);
    return total;
  };

  return (field) => {
    if (field.name.value === '__schema') return field.selectionSet ? 1 + priceOfSet(field.selectionSet, { kind: 'schema', value: schema }) : 1;
    if (field.name.value !== '__type') return undefined;
    if (!field.selectionSet) return 1;
    const named = typeNameArgument(field, variables);
    const type = named === undefined ? undefined : schema.getType(named);
    if (type) return 1 + priceOfSet(field.selectionSet, { kind: 'type', value: type });
    if (named !== undefined) return 1; // no such type: null
    // A name not known yet: the dearest type it could name.
    let dearest = 0;
    for (const candidate of Object.values(schema.getTypeMap())) dearest = Math.max(dearest, priceOfSet(field.selectionSet, { kind: 'type', value: getNamedType(candidate) }));
    return 1 + dearest;
  };
}
