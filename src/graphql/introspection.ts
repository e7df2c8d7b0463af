/**
 * GRAPHQL_INTROSPECTION=false refuses `__schema` and `__type` on HTTP and
 * WebSocket alike, with a message that names the setting. (Apollo's own
 * switch would cover HTTP only and flip with NODE_ENV.) The bundled IDE does
 * not need introspection: it answers its own from the schema built into it.
 */
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

export const INTROSPECTION_OFF = 'Introspection is turned off on this server (GRAPHQL_INTROSPECTION=false): __schema and __type are not answered';

export function noIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(new GraphQLError(INTROSPECTION_OFF, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      }
    },
  };
}
