/**
 * Graceful shutdown, HTTP side. Once draining, /readyz answers 503 (so a
 * load balancer stops sending traffic), new requests other than the probes
 * answer 503 SERVICE_UNAVAILABLE with `Connection: close` (the client retries
 * elsewhere), and requests already in flight run to completion. The server
 * stops listening only when none is left; the process's SHUTDOWN_TIMEOUT_MS
 * bounds the wait.
 */
import type { RequestHandler } from 'express';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export const SHUTTING_DOWN = 'The server is shutting down; try again';

export class Drain {
  private inFlight = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  get active(): boolean {
    return this.draining;
  }

  /** Counts each request admitted before the drain, from its headers to its end (answered, or its connection gone). */
  readonly track: RequestHandler = (_req, res, next) => {
    if (this.draining) {
      next();
      return;
    }
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
    next();
  };

  /** Turns new work away while draining; probes still answer. */
  readonly refuse: RequestHandler = (req, res, next) => {
    if (!this.draining || PROBES.has(req.path)) {
      next();
      return;
    }
    res.setHeader('connection', 'close');
    res.status(503).json({ errors: [{ message: SHUTTING_DOWN, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  };

  /** Starts draining and resolves once no request admitted before is left. */
  async start(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
