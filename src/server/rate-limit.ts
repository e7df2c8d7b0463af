/**
 * Per-client token buckets: each client may spend `perSecond` tokens a
 * second on average and up to twice that in a burst. Idle buckets are
 * forgotten, so memory stays bounded by the clients of the last minute.
 */
export type Taken = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

const IDLE_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private lastSweep = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = perSecond * 2;
  }

  /** Takes `cost` tokens from `client`'s bucket, or says how long until it could. 0 per second means no limit. */
  take(client: string, cost = 1): Taken {
    if (this.perSecond === 0 || cost === 0) return { ok: true };
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(client) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    const missing = Math.min(cost, this.capacity) - bucket.tokens;
    return { ok: false, retryAfterMs: Math.ceil((missing / this.perSecond) * 1000) };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < IDLE_MS) return;
    this.lastSweep = now;
    for (const [client, bucket] of this.buckets) if (now - bucket.at > IDLE_MS) this.buckets.delete(client);
  }
}
