/**
 * Prometheus metrics, one registry per app (tests run several apps in one
 * process). Counters move where things happen; gauges that describe the
 * database (lags) are read when /metrics is scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  /** Current global position of the log. */
  head(): Promise<bigint>;
  /** Position each subscription tailer has delivered up to. */
  tailerPosition(): bigint;
  /** Live subscriptions on this process. */
  activeSubscriptions(): number;
  /** Checkpoint of every read model. */
  projectionCheckpoints(): Promise<ReadonlyArray<{ name: string; position: bigint }>>;
  /** Personal values this process could not open (read as null although their person was not forgotten). */
  unreadablePersonalValues(): number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'ledger_commands_total',
    help: 'Commands handled, by command type and outcome (ok or the error code).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly conflicts = new Counter({
    name: 'ledger_concurrency_conflicts_total',
    help: 'Appends refused because the stream had moved on (expected version mismatch).',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'ledger_command_retries_total',
    help: 'Commands decided again after a conflict (only those sent without expectedVersion).',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly appendSeconds = new Histogram({
    name: 'ledger_append_duration_seconds',
    help: 'Time from handing events to the store to their commit (includes waiting for group commit).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: 'ledger_events_appended_total',
    help: 'Events committed by this process.',
    labelNames: ['stream_type'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'ledger_rate_limited_total',
    help: 'Operations refused by a limit, by limit (mutations, connections, subscriptions, depth, aliases, cost).',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'ledger_auth_failures_total',
    help: 'Requests refused for authentication (missing, malformed, expired, invalid token) or authorization (forbidden).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly webSockets = new Gauge({
    name: 'ledger_websocket_connections',
    help: 'Open graphql-ws connections.',
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    new Gauge({
      name: 'ledger_subscriptions_active',
      help: 'Live subscriptions on this process.',
      registers: [this.registry],
      collect() {
        this.set(sources.activeSubscriptions());
      },
    });
    new Gauge({
      name: 'ledger_subscription_lag_events',
      help: 'Events committed to the log that this process has not yet delivered to its subscribers.',
      registers: [this.registry],
      async collect() {
        const head = await sources.head();
        this.set(Number(head - sources.tailerPosition()));
      },
    });
    new Gauge({
      name: 'ledger_projection_lag_events',
      help: 'Events in the log after each read model\'s checkpoint.',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        const [head, checkpoints] = await Promise.all([sources.head(), sources.projectionCheckpoints()]);
        for (const { name, position } of checkpoints) this.set({ projection: name }, Number(head - position));
      },
    });
    new Counter({
      name: 'ledger_personal_data_unreadable_total',
      help: 'Personal values that did not open (damaged, or sealed with a key since lost) and were read as null although their person was not forgotten.',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(sources.unreadablePersonalValues());
      },
    });
    new Gauge({
      name: 'ledger_log_head_position',
      help: 'Global position of the newest committed event.',
      registers: [this.registry],
      async collect() {
        this.set(Number(await sources.head()));
      },
    });
  }
}
