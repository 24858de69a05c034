// The virtual clock shared by every execution of one LocalRuntime. Scripts read it through
// `Date` inside their context; services advance it (HTTP latency, Spreadsheet calls,
// Utilities.sleep, lock waits) so that time-based behaviour — the 6-minute limit, cache TTLs,
// token expiry, rate limits judged by the AmoCRM fake — runs on virtual time, not wall time.

export class VirtualClock {
  private current: number;

  constructor(startMs: number) {
    this.current = Math.floor(startMs);
  }

  /** Milliseconds since the epoch, virtual. */
  now(): number {
    return this.current;
  }

  /** Moves time forward; negative amounts are ignored because time never runs back. */
  advance(ms: number): number {
    if (Number.isFinite(ms) && ms > 0) this.current += Math.floor(ms);
    return this.current;
  }

  /** Sets the time outright (tests only; may move backwards). */
  set(ms: number | Date): number {
    this.current = Math.floor(typeof ms === 'number' ? ms : ms.getTime());
    return this.current;
  }
}
