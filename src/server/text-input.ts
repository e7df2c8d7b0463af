/**
 * One check at the edge for every string the API accepts, in the document
 * (string literals anywhere) and in the variables (and, through isBadText,
 * the token's `sub`, which becomes the actor of commands): no NUL character and no
 * unpaired UTF-16 surrogate. PostgreSQL cannot store NUL in text (the
 * driver fails with "invalid byte sequence"), SQLite would keep it, and a
 * lone surrogate would be stored as U+FFFD, so an id could never be read
 * back. Refusing them here makes both databases answer alike: BAD_USER_INPUT.
 * Both walks are linear in the input and iterative (deeply nested variables
 * cannot overflow the stack).
 */
import { BREAK, GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';

const BAD_TEXT = /\0|\p{Surrogate}/u;

/** True when `text` holds a NUL or an unpaired surrogate (for text that reaches the database by other ways: token claims, headers). */
export const isBadText = (text: string): boolean => BAD_TEXT.test(text);

const refusal = (where: string, node?: ASTNode) =>
  new GraphQLError(`${where} contains a NUL character (\\u0000) or an unpaired surrogate: text must be well-formed Unicode without NUL`, {
    ...(node ? { nodes: [node] } : {}),
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });

/** A NUL or unpaired surrogate in the document's string literals (a fact of the document: callers may cache it). */
export function documentTextError(document: DocumentNode): GraphQLError | undefined {
  let found: GraphQLError | undefined;
  visit(document, {
    [Kind.STRING](node) {
      if (!BAD_TEXT.test(node.value)) return undefined;
      found = refusal('A string in the document', node);
      return BREAK;
    },
  });
  return found;
}

/** A NUL or unpaired surrogate anywhere in the variables (checked on every request). */
export function variablesTextError(variables: Record<string, unknown> | null | undefined): GraphQLError | undefined {
  if (!variables) return undefined;
  const pending: Array<[string, unknown]> = Object.entries(variables).map(([name, value]) => [name, value]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [name, value] = next;
    if (typeof value === 'string') {
      if (BAD_TEXT.test(value)) return refusal(`Variable $${name}`);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push([name, item]);
    }
  }
  return undefined;
}

export function badTextError(document: DocumentNode, variables: Record<string, unknown> | null | undefined): GraphQLError | undefined {
  return documentTextError(document) ?? variablesTextError(variables);
}
