// Webhook work: doPost never applies a delivery itself (it must answer within AmoCRM's 2 s),
// it keeps the ids in Script Properties, one key per delivery so concurrent web-app
// executions never read-modify-write the same value, and the 1-minute background trigger
// applies them (reconcile). The queue is bounded: past MAX_KEYS deliveries, a single "pull
// everything linked" flag replaces them. A repeated delivery (AmoCRM's retries at +5 and +15
// minutes when it counts Apps Script's 302 as a failure) costs only an idempotent re-read.
import type { KeyValueStore } from '../ports';
import { STATE } from './config';
import type { PullRequest } from './pull';

const MAX_KEYS = 50;
/** Well under the 9 KB per-value limit: 50 entries stay near 100 KB of the 500 KB store. */
const MAX_VALUE_CHARS = 2000;

/**
 * Queues one delivery's ids. `knownKeys` are the property keys the caller already read (doPost
 * reads them once), so queueing costs one write and no read.
 */
export function queuePull(
  store: KeyValueStore,
  key: string,
  req: PullRequest,
  knownKeys?: string[]
): void {
  const keys = (knownKeys ?? Object.keys(store.getAll())).filter(k =>
    k.startsWith(STATE.pendingLeadsPrefix)
  );
  const value = JSON.stringify(req);
  if (keys.length >= MAX_KEYS || value.length > MAX_VALUE_CHARS) {
    store.set(STATE.pullAll, '1');
    return;
  }
  store.set(STATE.pendingLeadsPrefix + key, value);
}

export interface QueuedPulls {
  keys: string[];
  request: PullRequest;
  /** The queue overflowed: every linked row must be pulled. */
  all: boolean;
}

/** True when deliveries wait to be applied (a cheap check on a properties snapshot). */
export function hasQueuedPulls(props: Record<string, string>): boolean {
  return (
    props[STATE.pullAll] === '1' ||
    Object.keys(props).some(k => k.startsWith(STATE.pendingLeadsPrefix))
  );
}

export function readQueuedPulls(props: Record<string, string>): QueuedPulls {
  const keys = Object.keys(props).filter(k => k.startsWith(STATE.pendingLeadsPrefix));
  const request: PullRequest = { leadIds: [], contactIds: [], deletedLeadIds: [] };
  for (const key of keys) {
    try {
      const part = JSON.parse(props[key]) as Partial<PullRequest>;
      request.leadIds.push(...numbers(part.leadIds));
      request.contactIds.push(...numbers(part.contactIds));
      request.deletedLeadIds.push(...numbers(part.deletedLeadIds));
    } catch {
      // A damaged entry is dropped; the reconciliation pull covers what it named.
    }
  }
  return { keys, request: dedupe(request), all: props[STATE.pullAll] === '1' };
}

export function clearQueuedPulls(store: KeyValueStore, queued: QueuedPulls): void {
  for (const key of queued.keys) store.delete(key);
  if (queued.all) store.delete(STATE.pullAll);
}

function numbers(list: unknown): number[] {
  return Array.isArray(list) ? list.map(Number).filter(n => Number.isInteger(n) && n > 0) : [];
}

function dedupe(req: PullRequest): PullRequest {
  return {
    leadIds: [...new Set(req.leadIds)],
    contactIds: [...new Set(req.contactIds)],
    deletedLeadIds: [...new Set(req.deletedLeadIds)],
  };
}
