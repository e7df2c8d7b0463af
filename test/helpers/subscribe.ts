/** Collects what a graphql-ws subscription delivers, with waits that time out. */
import type { Client } from 'graphql-ws';
import { until } from './deadline.js';
import { ok } from './graphql.js';

export interface Collected<T> {
  readonly items: T[];
  readonly errors: unknown[];
  /** Resolves once `count` items have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

export function collect<T>(client: Client, query: string, pick: (data: any) => T, variables?: Record<string, unknown>): Collected<T> {
  const items: T[] = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  const stop = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(result.errors);
        if (result.data) items.push(pick(result.data));
        for (const wake of waiters.splice(0)) wake();
      },
      error: (error) => {
        errors.push(error);
        for (const wake of waiters.splice(0)) wake();
      },
      complete: () => undefined,
    },
  );
  return {
    items,
    errors,
    stop,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (items.length < count) {
        if (errors.length > 0) throw new Error(`Subscription failed: ${JSON.stringify(errors)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`Timed out with ${items.length} of ${count} items`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return items;
    },
  };
}

/** Asserts the hallmark of a correct stream: strictly increasing positions, hence no duplicate. */
export function strictlyIncreasing(positions: readonly string[]): boolean {
  for (let i = 1; i < positions.length; i++) if (BigInt(positions[i]!) <= BigInt(positions[i - 1]!)) return false;
  return true;
}

/** Positions the `events` query returns after `after` (exclusive): what a subscription must have delivered. */
export async function logPositions(url: string, after: string): Promise<string[]> {
  const positions: string[] = [];
  let cursor = after;
  for (;;) {
    const page = (await ok(url, `query($a: String) { events(first: 100, after: $a) { edges { node { position } } pageInfo { hasNextPage endCursor } } }`, { a: cursor })).events;
    positions.push(...page.edges.map((e: any) => e.node.position));
    if (!page.pageInfo.hasNextPage) return positions;
    cursor = page.pageInfo.endCursor;
  }
}

/**
 * The acknowledgement that subscriptions are in place: resolves once the
 * server has `count` set up (their subscribe resolvers returned, so events
 * committed from now on reach them).
 */
export function subscribed(server: { liveSubscriptions(): number }, count: number, timeoutMs = 10_000): Promise<number> {
  return until(`${count} live subscriptions`, () => (server.liveSubscriptions() === count ? count : undefined), timeoutMs);
}
