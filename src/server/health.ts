/**
 * Probes for operators: /healthz (the process is alive and the store
 * answers), /readyz (it should receive traffic: store reachable, every
 * migration applied, read models caught up, not draining) and /metrics
 * (Prometheus text format).
 */
import type { Request, Response } from 'express';
import type { App } from '../app.js';
import { migrationNames } from '../eventstore/migrate.js';

export function healthz(app: App) {
  return async (_req: Request, res: Response) => {
    try {
      const head = await app.store.headPosition();
      res.json({ status: 'ok', head: head.toString() });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  };
}

export function readyz(app: App, draining: () => boolean) {
  const expected = migrationNames(app.config.databaseUrl);
  return async (_req: Request, res: Response) => {
    if (draining()) {
      res.status(503).json({ status: 'draining' });
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
      res.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not ready',
        head: head.toString(),
        pendingMigrations: pending,
        projectionLag: lag,
        ...(behind.length > 0 ? { projectionsBehind: behind } : {}),
      });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'the database did not answer' });
    }
  };
}

export function metricsEndpoint(app: App) {
  return async (_req: Request, res: Response) => {
    try {
      const body = await app.metrics.registry.metrics();
      res.setHeader('content-type', app.metrics.registry.contentType);
      res.send(body);
    } catch {
      res.status(503).type('text/plain').send('# metrics unavailable: the database did not answer\n');
    }
  };
}
