/**
 * OpenTelemetry tracing, exported over OTLP/HTTP (JSON) to a real receiver
 * (a node:http server here): the span tree of a deposit from the caller's
 * W3C traceparent down to the group commit, a WebSocket operation and a
 * subscription delivery, trace ids in log lines; and with no OTEL_*
 * variable, nothing traced and nothing wrapped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { modules } from '../src/modules.js';
import { createLogger } from '../src/observability/logger.js';
import { NO_TRACER, startTracing, tracingWanted, type Tracer } from '../src/observability/tracing.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { testConfig, startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql, ok } from './helpers/graphql.js';
import { until } from './helpers/deadline.js';
import { collect } from './helpers/subscribe.js';
import { wsClient, wsRequest } from './helpers/ws.js';
import { spawnServer } from './helpers/process.js';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: string[];
  links: Array<{ traceId: string; spanId: string }>;
  status?: { code?: number };
}

/** An OTLP/HTTP receiver: every span of every JSON export request it was sent. */
function otlpReceiver() {
  const spans: ExportedSpan[] = [];
  const resources: Array<Record<string, unknown>> = [];
  const value = (attribute: { value: Record<string, unknown> }) => {
    const v = attribute.value;
    return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue;
  };
  const attributesOf = (list: Array<{ key: string; value: Record<string, unknown> }> = []) => Object.fromEntries(list.map((attribute) => [attribute.key, value(attribute)]));
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        const request = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: any[] }; scopeSpans: Array<{ spans: any[] }> }> };
        for (const resourceSpans of request.resourceSpans) {
          resources.push(attributesOf(resourceSpans.resource.attributes));
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) {
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
                events: (span.events ?? []).map((event: { name: string }) => event.name),
                links: (span.links ?? []).map((link: { traceId: string; spanId: string }) => ({ traceId: link.traceId, spanId: link.spanId })),
                status: span.status,
              });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  return {
    spans,
    resources,
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = (spanId = CALLER_SPAN) => `00-${TRACE_ID}-${spanId}-01`;

const receiver = otlpReceiver();
let tracer: Tracer;

beforeAll(async () => {
  const endpoint = await receiver.start();
  // One tracer for the file: the SDK registers itself globally once per process.
  tracer = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'ledger-test' });
});
afterAll(async () => {
  await tracer?.shutdown();
  await receiver.stop();
});

describe.each(backends)('tracing on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  const lines: Array<Record<string, unknown>> = [];
  const exported = async (check: (spans: ExportedSpan[]) => boolean, what: string) => {
    await until(what, async () => {
      await tracer.flush();
      return check(receiver.spans);
    });
    return receiver.spans;
  };

  beforeAll(async () => {
    db = await createDatabase(backend);
    // The account is opened by another app, so the traced one has to load it from the log.
    const setup = await startTestServer(db.url);
    await ok(setup.server.url, `mutation { registerUser(input: {userId: "t", email: "t@example.com", name: "T"}) { user { id } } }`);
    await ok(setup.server.url, `mutation { openAccount(input: {accountId: "t-a", ownerId: "t", initialBalance: "5"}) { account { id } } }`);
    await ok(setup.server.url, `mutation { openAccount(input: {accountId: "t-b", ownerId: "t", initialBalance: "5"}) { account { id } } }`);
    await setup.server.close();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = testConfig(db.url);
    app = await createApp(config, modules, { tracer, log: createLogger('info', destination, tracer.logFields) });
    server = await startServer(app, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("exports a deposit's span tree under the caller's traceparent, with the trace id in its log lines", async () => {
    const callerSpan = backend === 'sqlite' ? '00f067aa0ba902b7' : '00f067aa0ba902b8';
    const deposit = `mutation Deposit($input: DepositInput!) { deposit(input: $input) { account { balance } events { metadata } } }`;
    const answer = await gql(server.url, deposit, { input: { accountId: 't-a', amount: '1.50', commandId: `trace-${backend}` } }, { traceparent: traceparent(callerSpan), 'x-request-id': `trace-${backend}` });
    expect(answer.data?.deposit.account).toEqual({ balance: '6.50' });
    const written = answer.data?.deposit.events[0].metadata as { traceparent: string };

    const spans = await exported((all) => all.some((span) => span.name === 'ledger.group_commit' && span.traceId === TRACE_ID && all.some((other) => other.spanId === span.parentSpanId && other.parentSpanId !== undefined && all.find((command) => command.spanId === other.parentSpanId)?.attributes['ledger.command.id'] === `trace-${backend}`)), 'the deposit exported');
    const ofTrace = spans.filter((span) => span.traceId === TRACE_ID);
    const operation = ofTrace.find((span) => span.name === 'mutation Deposit' && span.parentSpanId === callerSpan)!;
    expect(operation).toBeDefined();
    expect(operation.kind).toBe(2); // SERVER
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'Deposit', 'ledger.outcome': 'ok', 'http.response.status_code': 200, 'ledger.request_id': `trace-${backend}` });
    const childrenOf = (parent: ExportedSpan) => ofTrace.filter((span) => span.parentSpanId === parent.spanId);
    const command = childrenOf(operation).find((span) => span.name === 'command Deposit')!;
    expect(command.attributes).toMatchObject({ 'ledger.command.type': 'Deposit', 'ledger.command.id': `trace-${backend}`, 'ledger.stream.id': 't-a', 'ledger.stream.type': 'BankAccount', 'ledger.correlation_id': `trace-${backend}`, 'ledger.outcome': 'ok', 'ledger.version': 2, 'ledger.events': 1 });
    const steps = childrenOf(command).map((span) => span.name);
    expect(steps).toEqual(expect.arrayContaining(['ledger.load', 'ledger.decide', 'ledger.append']));
    expect(steps.indexOf('ledger.load')).toBeLessThan(steps.indexOf('ledger.append'));
    const append = childrenOf(command).find((span) => span.name === 'ledger.append')!;
    expect(append.attributes).toMatchObject({ 'ledger.append.status': 'appended', 'ledger.version': 2, 'ledger.events': 1, 'ledger.batch.size': 1 });
    expect(typeof append.attributes['ledger.group_commit.wait_ms']).toBe('number');
    // The event carries the trace that wrote it: the append's span.
    expect(written.traceparent).toBe(`00-${TRACE_ID}-${append.spanId}-01`);
    const batch = childrenOf(append).find((span) => span.name === 'ledger.group_commit')!;
    expect(batch.attributes).toMatchObject({ 'ledger.batch.size': 1, 'db.system': backend });
    // The load read the log.
    const load = childrenOf(command).find((span) => span.name === 'ledger.load')!;
    expect(load.attributes).toMatchObject({ 'ledger.stream.id': 't-a', 'ledger.version': 1 });
    expect(childrenOf(load).some((span) => span.name === 'ledger.sql.read')).toBe(true);
    expect(receiver.resources.some((resource) => resource['service.name'] === 'ledger-test')).toBe(true);

    // The request's log lines carry the trace id.
    const access = lines.find((line) => line.msg === 'request' && line.requestId === `trace-${backend}`);
    expect(access).toMatchObject({ trace_id: TRACE_ID, span_id: operation.spanId });
  });

  it('traces a transfer as one command over both accounts, with one append of both streams', async () => {
    const answer = await gql(server.url, `mutation { transfer(input: {fromAccountId: "t-b", toAccountId: "t-a", amount: "2.00"}) { events { type } } }`, undefined, { 'x-request-id': `transfer-${backend}` });
    expect(answer.errors).toBeUndefined();
    const operationOf = (all: ExportedSpan[]) => all.find((span) => span.attributes['ledger.request_id'] === `transfer-${backend}`);
    const commandOf = (all: ExportedSpan[]) => all.find((span) => span.name === 'command Transfer' && span.parentSpanId === operationOf(all)?.spanId);
    const spans = await exported((all) => all.some((span) => span.name === 'ledger.group_commit' && all.some((append) => append.spanId === span.parentSpanId && append.parentSpanId === commandOf(all)?.spanId)), 'the transfer exported');
    const command = commandOf(spans)!;
    expect(command.attributes).toMatchObject({ 'ledger.command.type': 'Transfer', 'ledger.stream.type': 'BankAccount', 'ledger.outcome': 'ok', 'ledger.events': 2 });
    expect(String(command.attributes['ledger.stream.id']).split(',').sort()).toEqual(['t-a', 't-b']);
    const append = spans.find((span) => span.name === 'ledger.append' && span.parentSpanId === command.spanId)!;
    expect(append.attributes).toMatchObject({ 'ledger.append.status': 'appended', 'ledger.streams': 2, 'ledger.events': 2 });
  });

  it('records refusals and conflicts on the command span', async () => {
    const stale = await gql(server.url, `mutation { deposit(input: {accountId: "t-a", amount: "1.00", expectedVersion: 1}) { account { id } } }`, undefined, { 'x-request-id': `stale-${backend}` });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONCURRENCY_CONFLICT');
    const operationOf = (all: ExportedSpan[]) => all.find((span) => span.attributes['ledger.request_id'] === `stale-${backend}`);
    const spans = await exported((all) => all.some((span) => span.name === 'command Deposit' && span.parentSpanId === operationOf(all)?.spanId), 'the conflict exported');
    const operation = operationOf(spans)!;
    expect(operation).toMatchObject({ name: 'mutation', attributes: { 'ledger.outcome': 'CONCURRENCY_CONFLICT', 'graphql.operation.type': 'mutation' } });
    const command = spans.find((span) => span.name === 'command Deposit' && span.parentSpanId === operation.spanId)!;
    expect(command.attributes['ledger.outcome']).toBe('CONCURRENCY_CONFLICT');
    expect(command.events).toContain('ledger.conflict');
  });

  it('traces operations on the WebSocket and each subscription delivery, with the read models and time travel', async () => {
    const client = wsClient(server.wsUrl);
    try {
      const deliveries = collect(client, `subscription Watch { eventAppended(streamId: "t-a", afterPosition: "0") { version } }`, (data) => data.eventAppended.version);
      await deliveries.waitFor(2);
      const read = await wsRequest(client, `query Past { account(id: "t-a", version: 1) { balance } accounts(ownerId: "t") { edges { node { id } } } }`);
      expect(read.errors).toBeUndefined();
      // A caller's traceparent in the subscribe message's extensions parents the operation's span.
      const wsCaller = backend === 'sqlite' ? '1111111111111111' : '2222222222222222';
      await new Promise<void>((resolve, reject) => {
        client.subscribe({ query: 'query Traced { __typename }', extensions: { traceparent: traceparent(wsCaller) } }, { next: () => undefined, error: reject, complete: resolve });
      });
      const spans = await exported(
        (all) => all.filter((span) => span.name === 'subscription delivery').length >= 2 && all.some((span) => span.name === 'query Past') && all.some((span) => span.name === 'query Traced' && span.parentSpanId === wsCaller),
        'the WebSocket spans exported',
      );
      const subscription = spans.find((span) => span.name === 'subscription Watch')!;
      expect(subscription.attributes).toMatchObject({ 'graphql.operation.type': 'subscription', 'ledger.transport': 'websocket' });
      const delivered = spans.filter((span) => span.name === 'subscription delivery' && span.parentSpanId === subscription.spanId);
      expect(delivered.length).toBeGreaterThanOrEqual(2);
      expect(delivered[0]!.attributes['ledger.subscription.id']).toBeTypeOf('string');
      expect(spans.find((span) => span.name === 'query Traced' && span.parentSpanId === wsCaller)).toMatchObject({ traceId: TRACE_ID, kind: 2 });
      const past = spans.find((span) => span.name === 'query Past')!;
      const under = spans.filter((span) => span.traceId === past.traceId).map((span) => span.name);
      expect(under).toEqual(expect.arrayContaining(['ledger.time_travel', expect.stringMatching(/^ledger\.(read_model|sql\.read)/)]));
    } finally {
      await client.dispose();
    }
  });
});

describe('tracing off', () => {
  it('loads nothing and wraps nothing without OTEL_* variables', async () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(await startTracing({})).toBe(NO_TRACER);
    await expect(startTracing({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).rejects.toThrow(/^Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/);
    const db = await createDatabase('sqlite');
    const { app, server } = await startTestServer(db.url);
    try {
      expect(app.tracer).toBe(NO_TRACER);
      // The store, the handler and the repositories run their own methods: no instance wrapper.
      expect(Object.hasOwn(app.store, 'append')).toBe(false);
      expect(Object.hasOwn(app.commands, 'handle')).toBe(false);
      expect(Object.hasOwn(app.commands, 'decide')).toBe(false);
      expect(Object.hasOwn(app.repository(app.modules[0]!.decider), 'load')).toBe(false);
      expect((await gql(server.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await server.close();
      await db.drop();
    }
  });
});

describe('tracing with a collector that refuses', () => {
  it('says in the server log that spans could not be exported, and keeps serving', async () => {
    const refusing = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":3,"message":"refused"}'));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const db = await createDatabase('sqlite');
    const server = await spawnServer({ DATABASE_URL: db.url, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      expect((await gql(server.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });
      // It used to fail in silence (the SDK's diagnostic logger was never set).
      await until('the failed export in the log', () => server.output().includes('tracing: span export failed or the SDK reported an error'));
      expect((await gql(server.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await db.drop();
      await new Promise((resolve) => refusing.close(resolve));
    }
  }, 60_000);
});
