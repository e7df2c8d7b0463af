/**
 * What operators rely on: metrics that move, readiness that tells the
 * truth about the database, logs with a request id on every line and no
 * secrets, and configuration errors that stop the server with one line.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleApp, createApp, type App } from '../src/app.js';
import { modules } from '../src/modules.js';
import { accountDecider } from '../src/accounts/decider.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { testConfig } from './helpers/app.js';
import { gql } from './helpers/graphql.js';
import { until } from './helpers/deadline.js';
import { collect } from './helpers/subscribe.js';
import { SECRET, bearer, hsToken } from './helpers/tokens.js';
import { wsClient } from './helpers/ws.js';

type Samples = Map<string, number>;

/** Parses Prometheus text into `name{labels}` → value. */
async function scrape(base: string): Promise<Samples> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const samples: Samples = new Map();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const value = (samples: Samples, key: string) => samples.get(key) ?? 0;

describe.each(backends)('operations on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  let base: string;
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';

  beforeAll(async () => {
    db = await createDatabase(backend);
    // Logs go to memory so the test can read every line.
    const sink = new Writable({
      write(chunk, _encoding, done) {
        raw += String(chunk);
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = testConfig(db.url, { AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'info', READY_MAX_PROJECTION_LAG: '1', MAX_QUERY_ALIASES: '2' });
    app = await createApp(config, modules, { log: createLogger('info', sink) });
    server = await startServer(app, { port: 0, host: '127.0.0.1' });
    base = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('exposes metrics that move with commands, conflicts, retries, subscriptions and limits', async () => {
    const admin = bearer(await hsToken({ sub: 'ops', roles: ['admin'] }));
    const run = async (query: string) => gql(server.url, query, undefined, admin);
    const before = await scrape(base);
    await run(`mutation { registerUser(input: {userId: "m", email: "m@example.com", name: "M"}) { user { id } } }`);
    await run(`mutation { openAccount(input: {accountId: "m1", ownerId: "m"}) { account { id } } }`);
    await run(`mutation { deposit(input: {accountId: "m1", amount: "5.00"}) { account { id } } }`);
    await run(`mutation { deposit(input: {accountId: "m1", amount: "1.00", expectedVersion: 1}) { account { id } } }`);
    await run(`mutation { withdraw(input: {accountId: "m1", amount: "99.00"}) { account { id } } }`);
    await run(`{ a: account(id: "m1") { id } b: account(id: "m1") { id } c: account(id: "m1") { id } }`);
    await gql(server.url, `{ __typename }`, undefined, bearer('forged'));
    // A second app on the same store writes behind this one's cache: the next deposit here conflicts, then retries.
    const other = await assembleApp(app.config, app.store, modules);
    await other.tailer.stop();
    await other.commands.handle(other.repository(accountDecider), 'm1', { type: 'Deposit', accountId: 'm1', amount: 100n }, { commandType: 'Deposit' });
    await run(`mutation { deposit(input: {accountId: "m1", amount: "2.00"}) { account { balance } } }`);
    const subscriber = wsClient(server.wsUrl, { connectionParams: admin });
    const live = collect(subscriber, `subscription { eventAppended(streamId: "m1") { position } }`, (data) => data.eventAppended.position);
    // What the metrics must show is also the acknowledgement to wait for.
    const during = await until('the subscription on /metrics', async () => {
      const samples = await scrape(base);
      return value(samples, 'ledger_subscriptions_active') === 1 ? samples : undefined;
    });
    live.stop();
    await subscriber.dispose();
    const after = await until('the socket gone from /metrics', async () => {
      const samples = await scrape(base);
      return value(samples, 'ledger_websocket_connections') === 0 && value(samples, 'ledger_subscriptions_active') === 0 ? samples : undefined;
    });

    const moved = (key: string) => value(during, key) - value(before, key);
    expect(moved('ledger_commands_total{command="Deposit",outcome="ok"}')).toBe(2);
    expect(moved('ledger_commands_total{command="Deposit",outcome="CONCURRENCY_CONFLICT"}')).toBe(1);
    expect(moved('ledger_commands_total{command="Withdraw",outcome="INSUFFICIENT_FUNDS"}')).toBe(1);
    expect(moved('ledger_concurrency_conflicts_total{command="Deposit"}')).toBe(2);
    expect(moved('ledger_command_retries_total{command="Deposit"}')).toBe(1);
    expect(moved('ledger_events_appended_total{stream_type="BankAccount"}')).toBe(3);
    expect(moved('ledger_append_duration_seconds_count')).toBe(4);
    expect(moved('ledger_rate_limited_total{limit="aliases"}')).toBe(1);
    expect(moved('ledger_auth_failures_total{reason="invalid"}')).toBe(1);
    expect(value(during, 'ledger_subscriptions_active')).toBe(1);
    expect(value(during, 'ledger_websocket_connections')).toBe(1);
    expect(value(after, 'ledger_subscriptions_active')).toBe(0);
    expect(value(after, 'ledger_websocket_connections')).toBe(0);
    expect(value(after, 'ledger_log_head_position')).toBe(Number(await app.store.headPosition()));
    expect(after.has('ledger_subscription_lag_events')).toBe(true);
    expect(value(after, 'ledger_projection_lag_events{projection="accounts"}')).toBe(0);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('is ready only with every migration applied and the read models caught up', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', pendingMigrations: [], projectionLag: { accounts: 0, account_summaries: 0 } });

    await app.readModels.$executeRawUnsafe(`UPDATE projection_checkpoints SET "position" = 0 WHERE name = 'accounts'`);
    const behind = await fetch(`${base}/readyz`);
    expect(behind.status).toBe(503);
    expect(await behind.json()).toMatchObject({ status: 'not ready', projectionsBehind: ['accounts'] });
    await app.store.catchUpProjection('accounts', await app.store.headPosition());

    await app.readModels.$executeRawUnsafe('UPDATE _prisma_migrations SET rolled_back_at = finished_at');
    const unmigrated = await fetch(`${base}/readyz`);
    expect(unmigrated.status).toBe(503);
    expect(((await unmigrated.json()) as { pendingMigrations: string[] }).pendingMigrations).toContain('20261130000000_init');
    await app.readModels.$executeRawUnsafe('UPDATE _prisma_migrations SET rolled_back_at = NULL');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('writes JSON logs with the request id on every line of a request, and never a token', async () => {
    const token = await hsToken({ sub: 'ops', roles: ['admin'] });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-ok-1', ...bearer(token) },
      body: JSON.stringify({ query: `{ accountSummary(id: "m1") { accountId } }` }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-ok-1');
    await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-bad-1', authorization: 'Bearer forged.token.here' }, body: '{"query":"{ __typename }"}' });
    // An unexpected failure: its detail goes to the log (with the request id), not to the client.
    await app.readModels.$executeRawUnsafe('ALTER TABLE account_summaries RENAME TO account_summaries_gone');
    try {
      const failed = await gql(server.url, `{ accountSummary(id: "m1") { accountId } }`, undefined, { ...bearer(token), 'x-request-id': 'trace-fail-1' });
      expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await app.readModels.$executeRawUnsafe('ALTER TABLE account_summaries_gone RENAME TO account_summaries');
    }
    const of = (id: string) => lines.filter((line) => line.requestId === id);
    expect(of('trace-ok-1')).toContainEqual(expect.objectContaining({ msg: 'request', status: 200, path: '/graphql', method: 'POST' }));
    expect(of('trace-bad-1')).toContainEqual(expect.objectContaining({ msg: 'authentication refused', reason: 'invalid' }));
    expect(of('trace-bad-1')).toContainEqual(expect.objectContaining({ msg: 'request', status: 401 }));
    const failure = of('trace-fail-1').find((line) => line.msg === 'unexpected error');
    expect(failure?.err).toBeTruthy();
    expect(of('trace-fail-1')).toContainEqual(expect.objectContaining({ msg: 'request', status: 200 }));
    // Every line written while serving a request carries its id.
    expect(lines.filter((line) => line.msg === 'request').every((line) => typeof line.requestId === 'string')).toBe(true);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain('forged.token.here');
    expect(raw).not.toContain(SECRET);
  });
});

/** Runs the server entry point and collects how it ends. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('configuration', () => {
  it('names the variable of each bad value', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'eighty' }, /^Invalid configuration: PORT must be a whole number/],
      [{ AUTH_JWT_SECRET: 'short' }, /^Invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes/],
      [{ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://keys.example/jwks.json' }, /^Invalid configuration: AUTH_JWKS_URL cannot be set together/],
      [{ AUTH_JWKS_URL: 'ftp://keys.example' }, /^Invalid configuration: AUTH_JWKS_URL must be an http\(s\) URL/],
      [{ AUTH_AUDIENCE: 'ledger' }, /^Invalid configuration: AUTH_AUDIENCE needs AUTH_JWT_SECRET or AUTH_JWKS_URL/],
      [{ CORS_ORIGINS: 'https://ok.example, not a url' }, /^Invalid configuration: CORS_ORIGINS must be a comma-separated list/],
      [{ CORS_ORIGINS: 'https://ok.example/path' }, /^Invalid configuration: CORS_ORIGINS "https:\/\/ok.example\/path" is not an origin/],
      [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL must be one of/],
      [{ MUTATION_RATE_LIMIT: '-1' }, /^Invalid configuration: MUTATION_RATE_LIMIT must be a whole number/],
      [{ MAX_QUERY_COST: '0' }, /^Invalid configuration: MAX_QUERY_COST must be between 1 and/],
      [{ MAX_SUBSCRIPTIONS_PER_CONNECTION: '1.5' }, /^Invalid configuration: MAX_SUBSCRIPTIONS_PER_CONNECTION must be a whole number/],
      [{ HOST: '999.1.1.1' }, /^Invalid configuration: HOST must be an IP address .* got "999.1.1.1"/],
      [{ HOST: 'http://example.com' }, /^Invalid configuration: HOST must be an IP address/],
      [{ HOST: 'example.com:4000' }, /^Invalid configuration: HOST must be an IP address/],
      [{ HOST: 'a host' }, /^Invalid configuration: HOST must be an IP address/],
      [{ PORT: '65536' }, /^Invalid configuration: PORT must be between 0 and 65535/],
    ];
    for (const [env, message] of cases) expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    const good = loadConfig({ AUTH_JWKS_URL: 'https://keys.example/jwks.json', AUTH_ISSUER: 'https://issuer.example', CORS_ORIGINS: 'https://a.example, http://localhost:5173' });
    expect(good.auth?.jwksUrl?.href).toBe('https://keys.example/jwks.json');
    expect(good.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    for (const [given, used] of [['0.0.0.0', '0.0.0.0'], ['::', '::'], ['[::1]', '::1'], ['localhost', 'localhost'], ['api.example.com', 'api.example.com'], [' 127.0.0.1 ', '127.0.0.1']]) {
      expect(loadConfig({ HOST: given }).host).toBe(used);
    }
  });

  it('stops with one line, no stack trace, for a bad HOST or PORT', async () => {
    for (const [env, line] of [
      [{ HOST: '999.1.1.1' }, /^Invalid configuration: HOST must be an IP address/],
      [{ PORT: '80x' }, /^Invalid configuration: PORT must be a whole number, got "80x"$/],
    ] as const) {
      const result = await runMain({ DATABASE_URL: 'file::memory:', ...env });
      expect(result.code, JSON.stringify(env)).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
      expect(result.stdout).toBe('');
    }
  });

  it('stops with one line, no stack trace, when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const db = await createDatabase('sqlite');
    try {
      const result = await runMain({ DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([`Failed to start: Cannot listen on HOST=127.0.0.1 PORT=${port}: the port is already in use (set PORT to a free one)`]);
      expect(result.stdout).toBe('');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await db.drop();
    }
  });

  it('stops the server with one line naming the variable', async () => {
    const result = await runMain({ DATABASE_URL: 'file::memory:', AUTH_JWT_SECRET: 'too-short' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['Invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes long']);
    expect(result.stdout).toBe('');
  });
});
