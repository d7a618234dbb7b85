/** The result of taking one request from a bucket. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/**
 * Token buckets in memory, one per key: each holds up to `limitPerMinute` requests and refills at
 * that rate, so a burst of a full minute's requests passes and then the steady rate applies.
 * Limits count per process; several API processes each allow the full rate.
 */
export class RateLimiter {
  readonly limitPerMinute: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: { limitPerMinute: number; now?: () => number }) {
    this.limitPerMinute = options.limitPerMinute;
    this.now = options.now ?? Date.now;
  }

  /** Takes one request from the bucket of `key`, or returns how many seconds until the next one fits. */
  take(key: string): RateLimitDecision {
    const now = this.now();
    const perMs = this.limitPerMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.limitPerMinute, refilledAt: now };
    bucket.tokens = Math.min(
      this.limitPerMinute,
      bucket.tokens + (now - bucket.refilledAt) * perMs,
    );
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
  }
}
