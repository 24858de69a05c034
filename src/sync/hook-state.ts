// What the person can know about AmoCRM's webhook, kept in Script Properties so the settings
// dialog can show it without a request: whether the /exec URL is known, whether AmoCRM has the
// subscription and has switched it off (`disabled` in GET /api/v4/webhooks: AmoCRM does so
// after more than 100 failed deliveries in two hours, Kommo "Webhooks"), whether the token may
// manage webhooks at all (an administrator's right, amoCRM "Webhooks API"), when a delivery
// last arrived, and how often the background run pulls because of it.
//
// AmoCRM does not say whether it follows Apps Script's 302. If it counts every delivery as
// failed it retries at +5 and +15 minutes and may switch the hook off; the script ran at the
// first delivery anyway (the 302 goes out after doPost), so only `disabled` changes anything:
// the background run then pulls every 5 minutes instead of every 10.
import { AmoError } from '../amo/errors';
import { listWebhooks } from '../amo/calls';
import type { AmoRunner } from '../amo/client';
import type { KeyValueStore } from '../ports';
import { webAppBaseUrl, webhookUrl, WEB_APP_URL_HINT } from './webhook-url';

const STATE_KEY = 'SYNC_HOOK_STATE';
const LAST_DELIVERY_KEY = 'SYNC_HOOK_LAST_AT';

/** Pull cadence of the background run while the webhook works, and while it may not. */
export const PULL_EVERY_MS = { healthy: 10 * 60_000, degraded: 5 * 60_000 } as const;
/**
 * How often the background run re-reads the subscription's state (one GET), between the
 * reconciliation's hourly check whose result it also keeps.
 */
export const HOOK_CHECK_EVERY_MS = 30 * 60_000;

interface Checked {
  checkedAt: number;
  subscribed: boolean | null;
  disabled: boolean | null;
  adminNeeded: boolean;
  error: string | null;
  /** Epoch ms when the script last found the hook off or gone and subscribed it again. */
  restoredAt?: number | null;
}

export interface HookState {
  /** The deployment's /exec URL is known (learned in doGet/doPost or pasted). */
  urlKnown: boolean;
  /** AmoCRM has a subscription for our URL; null until checked or when it could not be read. */
  subscribed: boolean | null;
  /** AmoCRM switched the subscription off; null when unknown. */
  disabled: boolean | null;
  /** The AmoCRM user behind the token is not an administrator: webhooks cannot be managed. */
  adminNeeded: boolean;
  /** Epoch ms of the last check of AmoCRM's subscription list, or null. */
  checkedAt: number | null;
  /** Epoch ms of the last accepted webhook delivery, or null. */
  lastDeliveryAt: number | null;
  /** Why the last check failed, or null. */
  error: string | null;
  /** Epoch ms when the script last found the hook off or gone and switched it back on. */
  restoredAt: number | null;
  /** How often the background run pulls AmoCRM's changes now, in minutes. */
  pullEveryMinutes: number;
  /** The state and what the script does about it, in one sentence for the person. */
  summary: string;
}

/** The webhook's state as last seen (no request): what the dialog shows. */
export function hookState(props: Pick<KeyValueStore, 'get'>): HookState {
  const checked = readChecked(props);
  const lastDelivery = Number(props.get(LAST_DELIVERY_KEY) ?? '') || null;
  const base = {
    urlKnown: webAppBaseUrl(props) !== null,
    subscribed: checked?.subscribed ?? null,
    disabled: checked?.disabled ?? null,
    adminNeeded: checked?.adminNeeded ?? false,
    checkedAt: checked?.checkedAt ?? null,
    lastDeliveryAt: lastDelivery,
    error: checked?.error ?? null,
    restoredAt: checked?.restoredAt ?? null,
  };
  const healthy = isHealthy(base);
  const pullEveryMinutes = (healthy ? PULL_EVERY_MS.healthy : PULL_EVERY_MS.degraded) / 60_000;
  return { ...base, pullEveryMinutes, summary: summarize(base, pullEveryMinutes) };
}

/** doPost accepted a delivery at `now`. */
export function recordDelivery(props: KeyValueStore, now: number): void {
  props.set(LAST_DELIVERY_KEY, String(now));
}

/** Keeps what the reconciliation's own check of the subscription found. */
export function recordHookState(
  props: KeyValueStore,
  now: number,
  seen: { subscribed: boolean; disabled: boolean; restored: 'ok' | 'restored' }
): void {
  const before = readChecked(props);
  const restoredAt = seen.restored === 'restored' ? now : (before?.restoredAt ?? null);
  const checked: Checked = {
    checkedAt: now,
    subscribed: seen.subscribed,
    disabled: seen.disabled,
    adminNeeded: false,
    error: null,
    restoredAt,
  };
  props.set(STATE_KEY, JSON.stringify(checked));
}

/** Reads AmoCRM's subscription of our URL and keeps what it says. One GET request. */
export function refreshHookState(amo: AmoRunner, props: KeyValueStore, now: number): HookState {
  const destination = webhookUrl({ props });
  let checked: Checked = {
    checkedAt: now,
    subscribed: null,
    disabled: null,
    adminNeeded: false,
    error: null,
    restoredAt: readChecked(props)?.restoredAt ?? null,
  };
  if (destination) {
    try {
      const ours = amo.run(listWebhooks({ destination })).find(h => h.destination === destination);
      checked = { ...checked, subscribed: Boolean(ours), disabled: ours ? ours.disabled : null };
    } catch (e) {
      if (!(e instanceof AmoError)) throw e;
      checked = { ...checked, adminNeeded: e.status === 403, error: e.message };
    }
  }
  props.set(STATE_KEY, JSON.stringify(checked));
  return hookState(props);
}

/** The pull cadence now: every 10 minutes while the hook works, every 5 otherwise. */
export function pullEveryMs(props: Pick<KeyValueStore, 'get'>): number {
  return hookState(props).pullEveryMinutes * 60_000;
}

/** When the subscription was last checked (0 when never). */
export function hookCheckedAt(props: Pick<KeyValueStore, 'get'>): number {
  return readChecked(props)?.checkedAt ?? 0;
}

function isHealthy(s: Omit<HookState, 'pullEveryMinutes' | 'summary'>): boolean {
  // A hook AmoCRM had to have switched back on may be failing (a 302-counting AmoCRM): poll
  // at the short interval for the two hours AmoCRM judges failures over.
  if (s.restoredAt !== null && s.checkedAt !== null && s.checkedAt - s.restoredAt < 2 * 3600_000)
    return false;
  return s.urlKnown && s.subscribed === true && s.disabled === false && !s.adminNeeded;
}

function summarize(s: Omit<HookState, 'pullEveryMinutes' | 'summary'>, minutes: number): string {
  const polling = `the script pulls AmoCRM's changes every ${minutes} minutes instead`;
  if (!s.urlKnown) return `${WEB_APP_URL_HINT} Until then ${polling}.`;
  if (s.adminNeeded) {
    return `Webhooks can only be managed with an AmoCRM administrator's token (AmoCRM answered 403); ${polling}. An administrator can add the webhook in AmoCRM's settings.`;
  }
  if (s.checkedAt === null) return `The webhook has not been checked yet; ${polling} until it is.`;
  if (s.error) return `The webhook could not be checked (${s.error}); ${polling}.`;
  if (!s.subscribed) return `AmoCRM has no webhook for this sheet; ${polling}.`;
  if (s.disabled) {
    return `AmoCRM switched the webhook off (too many failed deliveries: it may count Apps Script's 302 answer as a failure); ${polling} and re-enables it hourly.`;
  }
  const restored = s.restoredAt
    ? ' It was last found off or missing and switched back on at the time shown.'
    : '';
  return `The webhook is on; changes arrive within about a minute, and the script also pulls every ${minutes} minutes.${restored}`;
}

function readChecked(props: Pick<KeyValueStore, 'get'>): Checked | null {
  try {
    const raw = JSON.parse(props.get(STATE_KEY) ?? 'null') as Checked | null;
    return raw && typeof raw.checkedAt === 'number' ? raw : null;
  } catch {
    return null;
  }
}
