// AmoCRM's request limit on the virtual clock: at most N processed requests in any window of
// `windowMs` (7 per second), a 429 beyond that, and a 403 block of every request after
// repeated 429s. Only processed requests count toward the window, so a client that backs off
// for a second always gets through again. Clocks may arrive out of order (several executions
// share one fake), hence the "any window containing this request" check rather than a
// simple trailing window.

import type { RateLimitConfig, RateLimitStats } from '../types';

export type RateDecision = 'ok' | 'limited' | 'blocked';

export class RateLimiter {
  private accepted: number[] = [];
  private limitedAt: number[] = [];
  private blockedUntil: number | null = null;
  private limitedCount = 0;
  private blockedCount = 0;

  constructor(private config: RateLimitConfig) {}

  reconfigure(config: RateLimitConfig): void {
    this.config = config;
  }

  /** Decides for one request at `now` and records it. */
  check(now: number): RateDecision {
    if (!this.config.enabled) return 'ok';
    if (this.blockedUntil !== null && now < this.blockedUntil) {
      this.blockedCount += 1;
      return 'blocked';
    }
    this.prune(now);
    if (this.busiestWindowWith(now) > this.config.maxPerWindow) return this.limit(now);
    this.accepted.push(now);
    return 'ok';
  }

  stats(): RateLimitStats {
    return {
      limited: this.limitedCount,
      blocked: this.blockedCount,
      blockedUntil: this.blockedUntil,
    };
  }

  private limit(now: number): RateDecision {
    this.limitedCount += 1;
    this.limitedAt.push(now);
    const { blockWindowMs, blockAfter429s, blockForMs } = this.config;
    const recent = this.limitedAt.filter(t => t > now - blockWindowMs && t <= now);
    if (recent.length >= blockAfter429s) {
      this.blockedUntil = now + blockForMs;
      this.limitedAt = [];
    }
    return 'limited';
  }

  /** The largest count of requests (this one included) in a window that contains `now`. */
  private busiestWindowWith(now: number): number {
    const w = this.config.windowMs;
    const near = this.accepted.filter(t => t > now - w && t < now + w);
    const starts = [now, ...near.filter(t => t <= now)];
    let best = 0;
    for (const start of starts) {
      const count = near.filter(t => t >= start && t < start + w).length + 1;
      best = Math.max(best, count);
    }
    return best;
  }

  private prune(now: number): void {
    const horizon = Math.max(this.config.windowMs, this.config.blockWindowMs);
    // Keep a little of the future too: out-of-order clocks can still hit those.
    this.accepted = this.accepted.filter(t => Math.abs(t - now) < 2 * this.config.windowMs);
    this.limitedAt = this.limitedAt.filter(t => Math.abs(t - now) < 2 * horizon);
  }
}
