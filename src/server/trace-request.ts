/**
 * The span of one request to /graphql when tracing is on: a server span,
 * child of the caller's W3C `traceparent` when it sent one, open until the
 * response is closed. The operation's name and type are set on it once
 * Apollo has resolved the operation (operation-checks.ts); its trace id goes
 * into the request's access-log line. Never called with tracing off.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracer } from '../observability/tracing.js';

export interface TraceFields {
  readonly trace_id?: string;
  readonly span_id?: string;
}

export function traceRequest(tracer: Tracer, req: IncomingMessage, res: ServerResponse, requestId: string, handle: (trace: TraceFields) => void): void {
  void tracer.inSpan(
    'graphql',
    { 'http.request.method': req.method, 'url.path': '/graphql', 'ledger.request_id': requestId },
    (span) =>
      new Promise<void>((resolve) => {
        res.once('close', () => {
          span.setAttributes({ 'http.response.status_code': res.statusCode });
          resolve();
        });
        handle(tracer.logFields());
      }),
    { kind: 'server', carrier: req.headers },
  );
}
