/**
 * OpenTelemetry tracing, off unless the standard OTEL_* variables ask for
 * it. Off, the server holds NO_TRACER: no OpenTelemetry package is loaded,
 * nothing is wrapped (instrument.ts is not applied) and no span is made, so
 * the request path is the same code as without tracing. On, the SDK is
 * loaded by dynamic import: a NodeTracerProvider with a batch span processor
 * and the OTLP/HTTP exporter (JSON or protobuf, per
 * OTEL_EXPORTER_OTLP_PROTOCOL), W3C trace context as the propagator, and
 * AsyncLocalStorage carrying the active span through awaits.
 *
 * The rest of the server sees only the Tracer below (a small facade, so no
 * OpenTelemetry type leaks into the layers it traces).
 */
import { DomainError } from '../domain/errors.js';

export type Attributes = Record<string, string | number | boolean | undefined>;

/** W3C trace context as it arrives: HTTP headers, or the same keys in a WebSocket message. */
export type Carrier = Record<string, unknown>;

export interface SpanHandle {
  setAttributes(attributes: Attributes): void;
  updateName(name: string): void;
  addEvent(name: string, attributes?: Attributes): void;
  /** This span's context as a W3C `traceparent` value (to hand on, e.g. to a delivery made later). */
  traceparent(): string | undefined;
}

export interface SpanOptions {
  /** `server` for a request or operation received; default `internal`. */
  readonly kind?: 'server' | 'internal' | 'consumer';
  /** Parent from W3C headers (`traceparent`, `tracestate`) instead of the active span. */
  readonly carrier?: Carrier | undefined;
  /** Start a new trace even inside an active span (linked to `links`). */
  readonly root?: boolean;
  /** Spans (as traceparent values) this one is about, without being their child. */
  readonly links?: readonly string[];
}

export interface Tracer {
  readonly enabled: boolean;
  /**
   * Runs `fn` inside a new span, a child of the active span (or of
   * `options.carrier`), and ends it when `fn` returns or its promise settles.
   * A thrown DomainError sets `ledger.outcome` to its code; anything else
   * also marks the span as an error.
   */
  inSpan<T>(name: string, attributes: Attributes, fn: (span: SpanHandle) => T, options?: SpanOptions): T;
  /** The active span, when there is one. */
  active(): SpanHandle | undefined;
  /** An event on the active span (nothing when there is none). */
  event(name: string, attributes?: Attributes): void;
  /** Trace and span ids of the active span, for log lines. */
  logFields(): { trace_id?: string; span_id?: string };
  /** Exports what is buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Where the SDK's own errors go (an export the collector refused or never received): the server's log. */
  onError(listener: (message: string) => void): void;
}

const NOOP_SPAN: SpanHandle = { setAttributes() {}, updateName() {}, addEvent() {}, traceparent: () => undefined };

export const NO_TRACER: Tracer = {
  enabled: false,
  inSpan: (_name, _attributes, fn) => fn(NOOP_SPAN),
  active: () => undefined,
  event() {},
  logFields: () => ({}),
  flush: async () => {},
  shutdown: async () => {},
  onError() {},
};

type Env = Record<string, string | undefined>;

/** Why tracing cannot start as configured (one line at start, like a bad variable). */
export class TracingConfigError extends Error {
  constructor(message: string) {
    super(`Invalid configuration: ${message}`);
    this.name = 'TracingConfigError';
  }
}

/** Whether the OTEL_* variables turn tracing on: an OTLP endpoint, or OTEL_TRACES_EXPORTER=otlp; never with OTEL_SDK_DISABLED=true. */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (exporters.includes('none')) return false;
  return exporters.includes('otlp') || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces (the spec's rule). */
function tracesUrl(env: Env): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/** The tracer the OTEL_* variables ask for: NO_TRACER (nothing loaded) unless tracingWanted(env). */
export async function startTracing(env: Env = process.env): Promise<Tracer> {
  if (!tracingWanted(env)) return NO_TRACER;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new TracingConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not included), got "${protocol}"`);
  }
  const url = tracesUrl(env);
  const [api, sdk, resources, exporterModule] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  const exporter = new exporterModule.OTLPTraceExporter(url ? { url } : {});
  // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME win over the default name.
  const resource = resources
    .resourceFromAttributes({ 'service.name': 'ledger' })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(env.OTEL_SERVICE_NAME ? resources.resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME }) : null);
  const provider = new sdk.NodeTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
  // The global context manager (AsyncLocalStorage) and W3C trace context propagator.
  provider.register();
  // The SDK reports a failed export through its diagnostic logger, silent unless one is set.
  const listeners: Array<(message: string) => void> = [];
  const report = (message: string, ...args: unknown[]) => {
    const text = [message, ...args.map((arg) => (arg instanceof Error ? arg.message : String(arg)))].join(' ');
    for (const listener of listeners) listener(text);
  };
  api.diag.setLogger({ error: report, warn: report, info() {}, debug() {}, verbose() {} }, { logLevel: api.DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { ...otelTracer(api, provider), onError: (listener) => void listeners.push(listener) };
}

type Api = typeof import('@opentelemetry/api');
type Provider = InstanceType<(typeof import('@opentelemetry/sdk-trace-node'))['NodeTracerProvider']>;

const KINDS = { server: 1, internal: 0, consumer: 4 } as const; // SpanKind values

function otelTracer(api: Api, provider: Provider): Omit<Tracer, 'onError'> {
  const tracer = api.trace.getTracer('ledger');
  const getter: import('@opentelemetry/api').TextMapGetter<Carrier> = {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => {
      const value = carrier[key];
      return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
    },
  };
  const clean = (attributes: Attributes): import('@opentelemetry/api').Attributes => {
    const out: import('@opentelemetry/api').Attributes = {};
    for (const key in attributes) if (attributes[key] !== undefined) out[key] = attributes[key];
    return out;
  };
  const contextOf = (traceparent: string) => api.trace.getSpanContext(api.propagation.extract(api.ROOT_CONTEXT, { traceparent }, getter));
  const handle = (span: import('@opentelemetry/api').Span): SpanHandle => ({
    setAttributes: (attributes) => span.setAttributes(clean(attributes)),
    updateName: (name) => span.updateName(name),
    addEvent: (name, attributes) => span.addEvent(name, attributes ? clean(attributes) : undefined),
    traceparent: () => {
      const carrier: Record<string, string> = {};
      api.propagation.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), carrier);
      return carrier.traceparent;
    },
  });
  const failed = (span: import('@opentelemetry/api').Span, error: unknown) => {
    if (error instanceof DomainError) {
      span.setAttribute('ledger.outcome', error.code);
      return;
    }
    span.setAttribute('ledger.outcome', 'error');
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: api.SpanStatusCode.ERROR });
  };
  return {
    enabled: true,
    inSpan<T>(name: string, attributes: Attributes, fn: (span: SpanHandle) => T, options: SpanOptions = {}): T {
      const parent = options.carrier ? api.propagation.extract(api.context.active(), options.carrier, getter) : api.context.active();
      const links = (options.links ?? []).map((traceparent) => contextOf(traceparent)).filter((context) => context !== undefined).map((context) => ({ context }));
      const span = tracer.startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: clean(attributes), root: options.root === true, links }, parent);
      return api.context.with(api.trace.setSpan(parent, span), () => {
        let result: T;
        try {
          result = fn(handle(span));
        } catch (error) {
          failed(span, error);
          span.end();
          throw error;
        }
        if (result instanceof Promise) {
          return result.then(
            (value: unknown) => {
              span.end();
              return value;
            },
            (error: unknown) => {
              failed(span, error);
              span.end();
              throw error;
            },
          ) as T;
        }
        span.end();
        return result;
      });
    },
    active() {
      const span = api.trace.getActiveSpan();
      return span ? handle(span) : undefined;
    },
    event(name, attributes) {
      api.trace.getActiveSpan()?.addEvent(name, attributes ? clean(attributes) : undefined);
    },
    logFields() {
      const context = api.trace.getActiveSpan()?.spanContext();
      return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
