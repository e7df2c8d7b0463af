/**
 * Probes for operators: /healthz (the process is alive and the store
 * answers), /readyz (it should receive traffic: store reachable, every
 * migration applied, read models caught up, not draining) and /metrics
 * (Prometheus text format).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.js';
import { migrationNames } from '../eventstore/migrate.js';
import { sendJson } from './respond.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function healthz(app: App): Handler {
  return async (_req, res) => {
    try {
      const head = await app.store.headPosition();
      sendJson(res, 200, { status: 'ok', head: head.toString() });
    } catch {
      sendJson(res, 503, { status: 'unavailable' });
    }
  };
}

export function readyz(app: App, draining: () => boolean): Handler {
  const expected = migrationNames(app.config.databaseUrl);
  return async (_req, res) => {
    if (draining()) {
      sendJson(res, 503, { status: 'draining' });
      return;
    }
    try {
      const [head, applied, checkpoints] = await Promise.all([
        app.store.headPosition(),
        app.readModels.$queryRawUnsafe<Array<{ migration_name: string }>>(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        ),
        Promise.all(app.projections.map(async ({ name }) => ({ name, position: await app.store.projectionCheckpoint(name) }))),
      ]);
      const done = new Set(applied.map((row) => row.migration_name));
      const pending = expected.filter((name) => !done.has(name));
      const lag = Object.fromEntries(checkpoints.map(({ name, position }) => [name, Number(head - position)]));
      const behind = Object.entries(lag).filter(([, events]) => events > app.config.readyMaxProjectionLag).map(([name]) => name);
      const ready = pending.length === 0 && behind.length === 0;
      sendJson(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not ready',
        head: head.toString(),
        pendingMigrations: pending,
        projectionLag: lag,
        ...(behind.length > 0 ? { projectionsBehind: behind } : {}),
      });
    } catch {
      sendJson(res, 503, { status: 'unavailable', reason: 'the database did not answer' });
    }
  };
}

export function metricsEndpoint(app: App): Handler {
  return async (_req, res) => {
    let status = 200;
    let body: string;
    try {
      body = await app.metrics.registry.metrics();
    } catch {
      status = 503;
      body = '# metrics unavailable: the database did not answer\n';
    }
    res.writeHead(status, { 'content-type': status === 200 ? app.metrics.registry.contentType : 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}
