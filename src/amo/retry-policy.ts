// The retry policy as data, after ky's: which answers are worth another attempt, how many
// attempts, and how long to wait between them (exponential backoff with jitter, at least what
// AmoCRM's retry_after / Retry-After asks). The client applies it; nothing here sends.

import { isObject } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Statuses retried for idempotent calls. */
  statusCodes: readonly number[];
  /**
   * Statuses that mean AmoCRM did not process the request at all, so even a create may be
   * sent again (429: rejected by the rate limiter before anything happened).
   */
  unprocessedStatusCodes: readonly number[];
  /** The first backoff; doubles with each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest wait worth sleeping through. AmoCRM may ask for minutes (`retry_after: 300`);
   * sleeping that long burns the daily trigger-runtime quota, so the run gives up instead
   * and the next run tries again.
   */
  maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  statusCodes: [429, 500, 502, 503, 504],
  unprocessedStatusCodes: [429],
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxWaitMs: 60_000,
};

/**
 * The wait before attempt `attempt + 1` (attempt ≥ 1 is the one that just failed): half the
 * exponential delay fixed, half random ("equal jitter"), so several executions that failed
 * together do not come back together.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

/**
 * The wait AmoCRM asks for, in ms: the body's `retry_after` (seconds) or the `Retry-After`
 * header (seconds or an HTTP date); undefined when it asks nothing.
 */
export function requestedDelayMs(
  body: unknown,
  headers: Record<string, string>,
  now: number
): number | undefined {
  const fromBody = isObject(body) ? body.retry_after : undefined;
  if (typeof fromBody === 'number' && fromBody >= 0) return fromBody * 1000;
  const header = headers['retry-after'];
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
