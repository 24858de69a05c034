// The request pacer: keeps this execution under AmoCRM's rate limit (7 requests in any one
// second; repeated excess gets 429 and then a 403 IP block). It keeps a log of send times and
// says how long to wait before the next batch may go out, so waves of a fetchAll batch are
// spaced like single requests. After a 429 it can also hold every request back until a given
// time. One pacer per HttpPort (pacerFor): the API client and the OAuth token requests that
// go out through the same connection count against the same limit.

/** How many requests may go out in any window of `windowMs`. */
export interface RateLimit {
  maxRequests: number;
  windowMs: number;
}

/** AmoCRM's documented limit. */
export const AMO_RATE_LIMIT: RateLimit = { maxRequests: 7, windowMs: 1000 };

/** A sliding-window request log. */
export class RequestPacer {
  private readonly sends: number[] = [];
  private heldUntil = 0;

  constructor(private readonly limit: RateLimit = AMO_RATE_LIMIT) {}

  /** The most requests one wave may carry. */
  get waveSize(): number {
    return this.limit.maxRequests;
  }

  /** Milliseconds to wait at `now` before `count` (≤ waveSize) more requests may go out. */
  delayFor(count: number, now: number): number {
    this.forget(now);
    const excess = this.sends.length + count - this.limit.maxRequests;
    // The window is (now - windowMs, now]: the excess-th oldest send must leave it first.
    const windowWait = excess > 0 ? this.sends[excess - 1] + this.limit.windowMs - now : 0;
    return Math.max(0, windowWait, this.heldUntil - now);
  }

  /** Logs `count` requests as sent at `at`. */
  record(count: number, at: number): void {
    for (let i = 0; i < count; i++) this.sends.push(at);
  }

  /** Holds every request back until `until` (AmoCRM asked us to slow down). */
  holdUntil(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
  }

  private forget(now: number): void {
    while (this.sends.length > 0 && this.sends[0] <= now - this.limit.windowMs) this.sends.shift();
  }
}

const pacers = new WeakMap<object, RequestPacer>();

/**
 * The pacer of a connection: every AmoClient and token source sending through the same
 * HttpPort instance (one per execution in Apps Script) shares it.
 */
export function pacerFor(http: object): RequestPacer {
  let pacer = pacers.get(http);
  if (!pacer) {
    pacer = new RequestPacer();
    pacers.set(http, pacer);
  }
  return pacer;
}
