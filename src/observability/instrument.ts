/**
 * Spans around the application's own work, applied to one app's objects
 * only when tracing is on (as OpenTelemetry's instrumentations do: each
 * method is wrapped on the instance). With tracing off this file is never
 * called, so the command handler, the repositories and the store run exactly
 * their own code, with no branch and no span. The span tree of a command:
 *
 *   command <type>                  the command handler: outcome, version, events
 *     ledger.load                   state read from cache, snapshot and log
 *     ledger.decide                 the pure decision (once per attempt)
 *     ledger.append                 one append: status, version; batch size and group-commit wait;
 *                                   its traceparent goes into the events' metadata
 *       ledger.group_commit         the batch transaction it went in (linked to the batch's other appends)
 *     (event `ledger.retry`)        a version conflict, decided again
 *
 * and beside them `ledger.time_travel` (a read at a version or time),
 * `ledger.read_log`, `ledger.sql.read` (every read statement of the log and
 * the read models) and `ledger.read_model <Model>.<operation>` (Prisma).
 *
 * It wraps methods by name, some of them private (the handler's `decide`,
 * the store's group commit): the span-tree test (test/tracing.e2e.test.ts)
 * fails if one of them is renamed.
 */
import type { App } from '../app.js';
import type { AggregateRepository } from '../commands/repository.js';
import type { AppendRequest, AppendResult, MultiStreamAppendRequest, MultiStreamAppendResult } from '../eventstore/types.js';
import type { SpanHandle, Tracer } from './tracing.js';

type AnyFunction = (...args: any[]) => any;

/** Replaces `target[name]` with `wrap(original)` on this instance. */
function wrapMethod<Target extends object>(target: Target, name: string, wrap: (original: AnyFunction) => AnyFunction): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== 'function') throw new Error(`Cannot trace ${name}: no such method`);
  Object.defineProperty(target, name, { value: wrap(original.bind(target) as AnyFunction), configurable: true, writable: true });
}

/** Submitted to the group commit: the append span it came from, and when. */
interface Submitted {
  readonly span: SpanHandle | undefined;
  readonly at: number;
}

function traceStore(app: App, tracer: Tracer): void {
  const { store } = app;
  wrapMethod(store, 'append', (append) => (request: AppendRequest) =>
    tracer.inSpan(
      'ledger.append',
      { 'ledger.stream.id': request.streamId, 'ledger.stream.type': request.streamType, 'ledger.events': request.events.length, 'ledger.expected_version': String(request.expectedVersion) },
      async (span) => {
        // The events remember the trace that wrote them (W3C traceparent in their metadata), for whoever reads the log later.
        const traceparent = span.traceparent();
        const traced = traceparent ? { ...request, events: request.events.map((event) => ({ ...event, metadata: { ...event.metadata, traceparent } })) } : request;
        const result = (await append(traced)) as AppendResult;
        span.setAttributes({ 'ledger.append.status': result.status, ...(result.status === 'appended' ? { 'ledger.version': result.version } : {}) });
        return result;
      },
    ),
  );
  // Appends over several streams (a transfer); a one-stream append comes through here too, already in its span above.
  wrapMethod(store, 'appendToStreams', (appendToStreams) => (request: MultiStreamAppendRequest) => {
    if (request.streams.length < 2) return appendToStreams(request);
    const streamIds = request.streams.map((part) => part.streamId).join(',');
    const events = request.streams.reduce((sum, part) => sum + part.events.length, 0);
    return tracer.inSpan('ledger.append', { 'ledger.stream.id': streamIds, 'ledger.streams': request.streams.length, 'ledger.events': events }, async (span) => {
      const traceparent = span.traceparent();
      const traced = traceparent
        ? { ...request, streams: request.streams.map((part) => ({ ...part, events: part.events.map((event) => ({ ...event, metadata: { ...event.metadata, traceparent } })) })) }
        : request;
      const result = (await appendToStreams(traced)) as MultiStreamAppendResult;
      span.setAttributes({ 'ledger.append.status': result.status });
      return result;
    });
  });
  // The group commit: which append span each item came from, then one span per batch transaction.
  const writes = (store as unknown as { writes: object }).writes;
  const submitted = new WeakMap<object, Submitted>();
  wrapMethod(writes, 'submit', (submit) => (item: object) => {
    submitted.set(item, { span: tracer.active(), at: performance.now() });
    return submit(item);
  });
  wrapMethod(writes, 'flush', (flush) => (items: object[]) => {
    const started = performance.now();
    const origins = items.map((item) => submitted.get(item));
    const parents = origins.map((origin) => origin?.span?.traceparent()).filter((value): value is string => value !== undefined);
    for (const origin of origins) origin?.span?.setAttributes({ 'ledger.batch.size': items.length, 'ledger.group_commit.wait_ms': Math.round((started - origin.at) * 1000) / 1000 });
    return tracer.inSpan('ledger.group_commit', { 'ledger.batch.size': items.length, 'db.system': store.dialect }, () => flush(items), {
      // Child of the batch's first append; the others are linked (one transaction serves them all).
      root: parents.length === 0,
      carrier: parents[0] === undefined ? {} : { traceparent: parents[0] },
      links: parents.slice(1),
    });
  });
  wrapMethod(store, 'readLog', (readLog) => (options: Record<string, unknown>) =>
    tracer.inSpan('ledger.read_log', { 'ledger.stream.id': options.streamId as string | undefined, 'ledger.stream.type': options.streamType as string | undefined, 'ledger.limit': options.limit as number | undefined }, () => readLog(options)),
  );
  wrapMethod(store.reader, 'query', (query) => (sql: string, params?: readonly unknown[]) =>
    tracer.inSpan('ledger.sql.read', { 'db.system': store.dialect, 'db.statement': sql.length > 500 ? `${sql.slice(0, 500)}…` : sql }, () => query(sql, params)),
  );
}

function traceRepository(repository: AggregateRepository<any, any, any>, tracer: Tracer): void {
  const streamType = repository.decider.streamType;
  wrapMethod(repository, 'load', (load) => (streamId: string) =>
    tracer.inSpan('ledger.load', { 'ledger.stream.id': streamId, 'ledger.stream.type': streamType }, async (span) => {
      const loaded = (await load(streamId)) as { version: number };
      span.setAttributes({ 'ledger.version': loaded.version });
      return loaded;
    }),
  );
  wrapMethod(repository, 'loadAt', (loadAt) => (streamId: string, at: { version?: number | null; asOf?: Date | null }, ...rest: unknown[]) =>
    tracer.inSpan(
      'ledger.time_travel',
      { 'ledger.stream.id': streamId, 'ledger.stream.type': streamType, 'ledger.at.version': at.version ?? undefined, 'ledger.at.time': at.asOf?.toISOString() },
      () => loadAt(streamId, at, ...rest),
    ),
  );
}

function traceCommands(app: App, tracer: Tracer): void {
  const { commands } = app;
  wrapMethod(commands, 'handle', (handle) => (repository: AggregateRepository<any, any, any>, streamId: string, command: unknown, options: { commandType: string; commandId?: string | null; context?: { correlationId?: string; userId?: string } }) =>
    tracer.inSpan(
      `command ${options.commandType}`,
      {
        'ledger.command.type': options.commandType,
        'ledger.command.id': options.commandId ?? undefined,
        'ledger.stream.id': streamId,
        'ledger.stream.type': repository.decider.streamType,
        'ledger.correlation_id': options.context?.correlationId,
        'enduser.id': options.context?.userId,
      },
      async (span) => {
        const result = (await handle(repository, streamId, command, options)) as { version: number; events: readonly unknown[] };
        span.setAttributes({ 'ledger.outcome': 'ok', 'ledger.version': result.version, 'ledger.events': result.events.length });
        return result;
      },
    ),
  );
  wrapMethod(commands, 'handleAcross', (handleAcross) => (repository: AggregateRepository<any, any, any>, streamIds: readonly string[], decide: unknown, options: { commandType: string; commandId?: string | null; context?: { correlationId?: string; userId?: string } }) =>
    tracer.inSpan(
      `command ${options.commandType}`,
      {
        'ledger.command.type': options.commandType,
        'ledger.command.id': options.commandId ?? undefined,
        'ledger.stream.id': streamIds.join(','),
        'ledger.stream.type': repository.decider.streamType,
        'ledger.correlation_id': options.context?.correlationId,
        'enduser.id': options.context?.userId,
      },
      async (span) => {
        const result = (await handleAcross(repository, streamIds, decide, options)) as { streams: ReadonlyArray<{ events: readonly unknown[] }> };
        span.setAttributes({ 'ledger.outcome': 'ok', 'ledger.events': result.streams.reduce((sum, part) => sum + part.events.length, 0) });
        return result;
      },
    ),
  );
  wrapMethod(commands, 'decide', (decide) => (repository: AggregateRepository<any, any, any>, streamId: string, ...rest: unknown[]) =>
    tracer.inSpan('ledger.decide', { 'ledger.stream.id': streamId, 'ledger.stream.type': repository.decider.streamType }, (span) => {
      const events = decide(repository, streamId, ...rest) as readonly unknown[];
      span.setAttributes({ 'ledger.events': events.length });
      return events;
    }),
  );
}

/** The app with spans around its work (see the file comment); `app` itself when tracing is off. */
export function instrumentApp(app: App, tracer: Tracer): App {
  if (!tracer.enabled) return app;
  traceStore(app, tracer);
  traceCommands(app, tracer);
  for (const module of app.modules) traceRepository(app.repository(module.decider), tracer);
  const readModels = (app.readModels as unknown as { $extends(extension: unknown): unknown }).$extends({
    query: {
      $allModels: {
        $allOperations: ({ model, operation, args, query }: { model: string; operation: string; args: unknown; query: (args: unknown) => Promise<unknown> }) =>
          tracer.inSpan(`ledger.read_model ${model}.${operation}`, { 'db.system': app.store.dialect }, () => query(args)),
      },
    },
  }) as App['readModels'];
  return { ...app, readModels };
}
