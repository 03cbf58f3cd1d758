/**
 * The documented rate limit: a bucket of `limit` requests (3600 by default) that refills gradually,
 * `limit / 3600` per second (1/s for 3600), so bursts are allowed. Every request takes one token,
 * authenticated or not. Pure but for the clock, which is injected so tests can move time.
 */
export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Unix seconds at which the bucket will be full again. */
  readonly reset: number;
}

export class RateLimiter {
  readonly limit: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;
  private readonly perSecond: number;

  constructor(limit: number, now: () => number = Date.now) {
    this.limit = limit;
    this.now = now;
    this.tokens = limit;
    this.last = now();
    this.perSecond = limit / 3600;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.limit, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }

  /** Takes one token if there is one; returns whether the request may proceed and the headers' values. */
  take(): { allowed: boolean; state: RateLimitState } {
    this.refill();
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    return { allowed, state: this.state() };
  }

  state(): RateLimitState {
    const remaining = Math.floor(this.tokens);
    const secondsToFull = (this.limit - this.tokens) / this.perSecond;
    return { limit: this.limit, remaining, reset: Math.ceil((this.last + secondsToFull * 1000) / 1000) };
  }
}
