/**
 * Parsed and validated documents by their text, for operations that arrive
 * one by one on WebSockets. A thousand subscribers sending the same
 * subscription then share one syntax tree (its tokens and locations are a
 * few kilobytes each) and validate it once. Only documents that passed
 * validation are kept; a failing one is parsed and validated again each time
 * (its errors are reported, and counted, per request).
 */
import { parse, specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';

export type Checked = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: readonly GraphQLError[] };

/** `check(text)`: the document, or why it is not valid (parse errors are thrown, as `parse` throws them). */
export function documentCache(schema: GraphQLSchema, rules: readonly ValidationRule[], maxTokens: number, size = 1000): (text: string) => Checked {
  const documents = new Map<string, DocumentNode>();
  const allRules = [...specifiedRules, ...rules];
  return (text) => {
    const cached = documents.get(text);
    if (cached) {
      // Most recently used last: the first entry is the one to drop.
      documents.delete(text);
      documents.set(text, cached);
      return { document: cached };
    }
    const document = parse(text, { maxTokens });
    const errors = validate(schema, document, allRules);
    if (errors.length > 0) return { errors };
    documents.set(text, document);
    if (documents.size > size) documents.delete(documents.keys().next().value!);
    return { document };
  };
}
