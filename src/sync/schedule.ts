// The 1-minute background trigger's plan. Queued webhook deliveries are applied on the next
// minute (so a manager's change reaches the row within about two minutes even when AmoCRM
// counts every delivery as failed); the full work — retries of rows that failed, an import's
// next batch, the reconciliation pull — runs every 10 minutes while the webhook works and
// every 5 while it is off, unknown or out of reach. A run with nothing to do reads Script
// Properties once and stops: 1,440 such runs a day cost well under a minute of the trigger
// runtime quota (90 min/day on a consumer account, developers.google.com/apps-script/guides/
// services/quotas).
import { learnAccount, storedAccount } from './account';
import { AmoError } from '../amo/errors';
import type { KeyValueStore } from '../ports';
import type { SyncContext } from './context';
import {
  HOOK_CHECK_EVERY_MS,
  hookCheckedAt,
  pullEveryMs,
  recordHookState,
  refreshHookState,
} from './hook-state';
import { hasQueuedPulls } from './pending';
import { subdomainFromBaseUrl } from '../webhook/account';
import { readClaims } from './claims';
import { PROP, STATE } from './config';
import { exportPending } from './new-leads/export';

/** Epoch ms of the last full background run: also the triggers' heartbeat (triggers.ts). */
export const BACKGROUND_AT_KEY = 'SYNC_BACKGROUND_AT';

export interface BackgroundPlan {
  due: boolean;
  /** Why the run works or idles (for the log line). */
  reason: string;
  /** Re-read AmoCRM's webhook subscription in this run. */
  checkHook: boolean;
}

/** Decides from one snapshot of Script Properties whether this minute's run has work. */
export function planBackground(props: Record<string, string>, now: number): BackgroundPlan {
  const view = { get: (key: string) => props[key] ?? null };
  const checkHook = now - hookCheckedAt(view) >= HOOK_CHECK_EVERY_MS;
  if (hasQueuedPulls(props)) return { due: true, reason: 'queued webhooks', checkHook };
  // Rows a busy lock held back, or creates of a run that died: the next minute picks them up.
  if (props[STATE.dirty]) return { due: true, reason: 'rows held back', checkHook };
  if (readClaims(props, now).stale.length > 0) {
    return { due: true, reason: 'unfinished creates', checkHook };
  }
  // An export the menu started and the 6-minute limit stopped goes on at the next minute.
  if (exportPending(props)) return { due: true, reason: 'export continues', checkHook };
  const last = Number(props[BACKGROUND_AT_KEY] ?? '') || 0;
  if (now - last >= pullEveryMs(view)) return { due: true, reason: 'reconciliation', checkHook };
  return { due: false, reason: 'nothing to do', checkHook: false };
}

/**
 * After a full run: the heartbeat, the webhook's state when due, and the account when no
 * setup remembered it (doPost refuses webhooks until it is known, and must not ask AmoCRM).
 */
export function finishBackground(
  ctx: SyncContext,
  plan: BackgroundPlan,
  webhook?: 'ok' | 'restored' | 'skipped' | 'unavailable'
): void {
  const now = ctx.clock.now();
  ctx.props.set(BACKGROUND_AT_KEY, String(now));
  try {
    if (!storedAccount(ctx.props) && !subdomainFromBaseUrl(ctx.props.get(PROP.baseUrl) ?? '')) {
      learnAccount(ctx.amo, ctx.props);
    }
    // The reconciliation's own hourly check just saw the subscription on (or switched it back
    // on): keep that instead of asking AmoCRM again.
    if (webhook === 'ok' || webhook === 'restored') {
      recordHookState(ctx.props, now, { subscribed: true, disabled: false, restored: webhook });
    } else if (plan.checkHook) refreshHookState(ctx.amo, ctx.props, now);
  } catch (e) {
    if (!(e instanceof AmoError)) throw e;
    ctx.logger.warn(`background: ${e.message}`);
  }
}

/** Epoch ms of the last full background run, or 0. */
export function lastBackgroundRun(props: Pick<KeyValueStore, 'get'>): number {
  return Number(props.get(BACKGROUND_AT_KEY) ?? '') || 0;
}
