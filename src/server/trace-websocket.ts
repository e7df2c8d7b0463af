/**
 * Spans for operations on the WebSocket when tracing is on (websocket.ts
 * asks for this only then): a server span per query or mutation, one for
 * setting up each subscription, and one per message delivered to a
 * subscriber (a child of its subscription's span, linked to the commit that
 * woke the log tailer). The caller's W3C `traceparent` is taken from the
 * subscribe message's `extensions`, else from `connectionParams`.
 */
import { execute, getOperationAST, type ExecutionArgs } from 'graphql';
import type { Carrier, Tracer } from '../observability/tracing.js';

interface Operation {
  readonly carrier: Carrier;
  readonly type: string;
  readonly name: string | undefined;
  /** The subscription's span, once it is set up (deliveries are its children). */
  parent?: string | undefined;
}

function carrierOf(...sources: unknown[]): Carrier {
  for (const source of sources) {
    if (source && typeof source === 'object' && typeof (source as Carrier).traceparent === 'string') {
      const { traceparent, tracestate } = source as Carrier;
      return { traceparent, ...(typeof tracestate === 'string' ? { tracestate } : {}) };
    }
  }
  return {};
}

export function websocketTracing(tracer: Tracer) {
  const operations = new WeakMap<object, Operation>();
  const spanName = (operation: Operation) => (operation.name ? `${operation.type} ${operation.name}` : operation.type);
  const attributes = (operation: Operation, id?: string) => ({
    'graphql.operation.type': operation.type,
    'graphql.operation.name': operation.name,
    'ledger.transport': 'websocket',
    ...(id === undefined ? {} : { 'ledger.subscription.id': id }),
  });
  return {
    /** Notes an operation accepted by onSubscribe (its context value is the key). */
    remember(contextValue: object, args: Pick<ExecutionArgs, 'document' | 'operationName'>, extensions: unknown, connectionParams: unknown): void {
      const operation = getOperationAST(args.document, args.operationName);
      operations.set(contextValue, {
        carrier: carrierOf(extensions, connectionParams),
        type: operation?.operation ?? 'query',
        name: operation?.name?.value ?? args.operationName ?? undefined,
      });
    },
    /** graphql-ws's `execute` for queries and mutations, in a server span. */
    execute(args: ExecutionArgs) {
      const operation = operations.get(args.contextValue as object);
      if (!operation) return execute(args);
      return tracer.inSpan(spanName(operation), { ...attributes(operation), 'ledger.outcome': 'ok' }, () => execute(args), { kind: 'server', carrier: operation.carrier });
    },
    /** Sets a subscription up in a server span, which its deliveries are children of. */
    subscribe<Result>(args: ExecutionArgs, run: (args: ExecutionArgs) => Result): Result {
      const operation = operations.get(args.contextValue as object);
      if (!operation) return run(args);
      return tracer.inSpan(spanName(operation), attributes(operation), (span) => {
        operation.parent = span.traceparent();
        return run(args);
      }, { kind: 'server', carrier: operation.carrier });
    },
    /** A sink's `send`, each delivery in a span. */
    send<Send extends (frame: string, written: () => void) => void>(contextValue: object, id: string, send: Send): Send {
      return ((frame: string, written: () => void) => {
        const operation = operations.get(contextValue);
        if (!operation) return send(frame, written);
        const cause = tracer.active()?.traceparent();
        return tracer.inSpan('subscription delivery', { ...attributes(operation, id), 'messaging.message.body.size': frame.length }, () => send(frame, written), {
          kind: 'consumer',
          carrier: operation.parent ? { traceparent: operation.parent } : {},
          root: operation.parent === undefined,
          links: cause ? [cause] : [],
        });
      }) as Send;
    },
  };
}
