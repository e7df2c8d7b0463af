/**
 * Graceful shutdown, HTTP side. Once draining, /readyz answers 503 (so a
 * load balancer stops sending traffic), new requests other than the probes
 * answer 503 SERVICE_UNAVAILABLE with `Connection: close` (the client retries
 * elsewhere), and requests already in flight run to completion. The server
 * stops listening only when none is left; the process's SHUTDOWN_TIMEOUT_MS
 * bounds the wait.
 */
import type { ServerResponse } from 'node:http';
import { sendError } from './respond.js';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export const SHUTTING_DOWN = 'The server is shutting down; try again';

export class Drain {
  private inFlight = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  get active(): boolean {
    return this.draining;
  }

  /**
   * Counts a request admitted before the drain, from its headers to its end
   * (answered, or its connection gone): call `done` once, when it ends.
   * Returns false when the drain has started (the request is not counted).
   */
  track(): boolean {
    if (this.draining) return false;
    this.inFlight++;
    return true;
  }

  done(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** While draining, answers 503 to anything but the probes and returns true. */
  refuse(path: string, res: ServerResponse): boolean {
    if (!this.draining || PROBES.has(path)) return false;
    sendError(res, 503, 'SERVICE_UNAVAILABLE', SHUTTING_DOWN, {}, { connection: 'close' });
    return true;
  }

  /** Starts draining and resolves once no request admitted before is left. */
  async start(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
