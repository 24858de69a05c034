// The request pacer: keeps the script under AmoCRM's rate limit (7 requests in any one second;
// repeated excess gets 429 and then a 403 IP block). It keeps a log of send times and says how
// long to wait before the next batch may go out, so waves of a fetchAll batch are spaced like
// single requests. After a 429 it can also hold every request back until a given time. One
// pacer per HttpPort (pacerFor): the API client and the OAuth token requests that go out
// through the same connection count against the same limit.
//
// AmoCRM counts per account, not per execution: a run that starts right after another one
// (the edit trigger of a second paste, the menu's Sync now after an edit) must see the sends
// of the one before, or its first wave overflows the window. So a pacer given the script
// cache (`share`) also keeps its recent sends there, tagged with its own id, and counts the
// other executions' sends of the last second (and their holds) as if they were its own.

import type { CachePort } from '../ports';

/** How many requests may go out in any window of `windowMs`. */
export interface RateLimit {
  maxRequests: number;
  windowMs: number;
}

/** AmoCRM's documented limit. */
export const AMO_RATE_LIMIT: RateLimit = { maxRequests: 7, windowMs: 1000 };

/** The cache key of the send log shared by all executions. */
export const SHARED_SENDS_KEY = 'amo:recent-sends';
/** Outlives any hold (the client sleeps through at most a minute); old entries are filtered. */
const SHARED_TTL_S = 120;
/** A read of the shared log this recent is reused (the log was just written with it). */
const REREAD_AFTER_MS = 100;

/** One logged wave: [sent at (epoch ms), request count, owner id]. */
type SharedEntry = [number, number, string];

interface SharedLog {
  sends: SharedEntry[];
  heldUntil: number;
}

/** A sliding-window request log. */
export class RequestPacer {
  /** This execution's send times, oldest first. */
  private readonly sends: number[] = [];
  private heldUntil = 0;
  private cache: CachePort | null = null;
  /** Other executions' send times, as last read from the cache. */
  private foreign: number[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly owner = `p${Math.random().toString(36).slice(2, 10)}`;

  constructor(private readonly limit: RateLimit = AMO_RATE_LIMIT) {}

  /** The most requests one wave may carry. */
  get waveSize(): number {
    return this.limit.maxRequests;
  }

  /** Counts (and logs) sends shared with other executions through `cache`. */
  share(cache: CachePort): this {
    this.cache ??= cache;
    return this;
  }

  /** Milliseconds to wait at `now` before `count` (≤ waveSize) more requests may go out. */
  delayFor(count: number, now: number): number {
    if (this.cache && now - this.readAt >= REREAD_AFTER_MS) this.absorb(this.load(), now);
    this.forget(now);
    const sends = [...this.sends, ...this.foreign].sort((a, b) => a - b);
    const excess = sends.length + count - this.limit.maxRequests;
    // The window is (now - windowMs, now]: the excess-th oldest send must leave it first.
    const windowWait = excess > 0 ? sends[excess - 1] + this.limit.windowMs - now : 0;
    return Math.max(0, windowWait, this.heldUntil - now);
  }

  /** Logs `count` requests as sent at `at`. */
  record(count: number, at: number): void {
    for (let i = 0; i < count; i++) this.sends.push(at);
    this.publish(at);
  }

  /** Holds every request back until `until` (AmoCRM asked us to slow down). */
  holdUntil(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
    this.publish(this.sends[this.sends.length - 1] ?? this.readAt);
  }

  private forget(now: number): void {
    const edge = now - this.limit.windowMs;
    while (this.sends.length > 0 && this.sends[0] <= edge) this.sends.shift();
    this.foreign = this.foreign.filter(at => at > edge);
  }

  /** Takes in the other executions' sends of the window before `now`, and their holds. */
  private absorb(log: SharedLog, now: number): void {
    const edge = now - this.limit.windowMs;
    this.foreign = [];
    for (const [at, count, owner] of log.sends) {
      if (owner === this.owner || at <= edge) continue;
      for (let i = 0; i < count; i++) this.foreign.push(at);
    }
    this.heldUntil = Math.max(this.heldUntil, log.heldUntil);
    this.readAt = now;
  }

  /**
   * Re-reads the log (another execution may have written meanwhile), keeps the others'
   * entries still in the window at `now`, and writes it back with ours.
   */
  private publish(now: number): void {
    if (!this.cache) return;
    const log = this.load();
    this.absorb(log, now);
    const edge = now - this.limit.windowMs;
    const sends = log.sends.filter(([at, , owner]) => owner !== this.owner && at > edge);
    for (const at of this.sends) {
      if (at <= edge) continue;
      const last = sends[sends.length - 1];
      if (last && last[2] === this.owner && last[0] === at) last[1]++;
      else sends.push([at, 1, this.owner]);
    }
    const value: SharedLog = { sends, heldUntil: this.heldUntil };
    try {
      this.cache.put(SHARED_SENDS_KEY, JSON.stringify(value), SHARED_TTL_S);
    } catch {
      // Only a shortcut: this execution still paces itself.
    }
  }

  /** The shared log; empty when the cache has none, lost it, or fails. */
  private load(): SharedLog {
    try {
      const raw = JSON.parse(this.cache?.get(SHARED_SENDS_KEY) ?? 'null') as unknown;
      if (typeof raw !== 'object' || raw === null) return { sends: [], heldUntil: 0 };
      const { sends, heldUntil } = raw as Partial<SharedLog>;
      return {
        sends: Array.isArray(sends) ? sends.filter(isEntry) : [],
        heldUntil: typeof heldUntil === 'number' ? heldUntil : 0,
      };
    } catch {
      return { sends: [], heldUntil: 0 };
    }
  }
}

function isEntry(value: unknown): value is SharedEntry {
  return (
    Array.isArray(value) &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'string'
  );
}

const pacers = new WeakMap<object, RequestPacer>();

/**
 * The pacer of a connection: every AmoClient and token source sending through the same
 * HttpPort instance (one per execution in Apps Script) shares it. Given the script cache, it
 * also counts the sends of other executions (see the top of this file).
 */
export function pacerFor(http: object, cache?: CachePort): RequestPacer {
  let pacer = pacers.get(http);
  if (!pacer) {
    pacer = new RequestPacer();
    pacers.set(http, pacer);
  }
  return cache ? pacer.share(cache) : pacer;
}
