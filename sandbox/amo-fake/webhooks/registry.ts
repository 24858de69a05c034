// Webhook subscriptions and AmoCRM's delivery bookkeeping, on the virtual clock: who gets
// which event, the failure history that switches a destination off (more than 100 failed
// deliveries in two hours, the latest one failed too), and the retry schedule (attempt 2
// after 5 min and 3 after 15 more for any failure; 4 and 5 after 15 min and 1 h only when the
// receiver answered 499 or 5xx). Pure state; sending is the dispatcher's job.

import type { PendingRetry, WebhookDelivery, WebhookRecord } from '../types';

const MINUTE_MS = 60_000;
/** Delay before attempt n (index n), after the previous attempt failed. */
const RETRY_DELAY_MS = [0, 0, 5 * MINUTE_MS, 15 * MINUTE_MS, 15 * MINUTE_MS, 60 * MINUTE_MS];
const DISABLE_WINDOW_MS = 2 * 60 * MINUTE_MS;
const DISABLE_AFTER_FAILURES = 100;

export interface RetryItem extends PendingRetry {
  body: string;
  contentType: string;
}

export class WebhookRegistry {
  private hooks: WebhookRecord[] = [];
  private failures = new Map<number, number[]>();
  private retries: RetryItem[] = [];
  private history: WebhookDelivery[] = [];
  private nextId = 839001;
  deliveryEnabled = true;

  /** Creates or re-saves a subscription; re-saving re-enables it, as in AmoCRM. */
  upsert(destination: string, settings: string[], nowS: number, accountId: number, userId: number) {
    const found = this.hooks.find(h => h.destination === destination);
    if (found) {
      Object.assign(found, { settings: [...settings], updated_at: nowS, disabled: false });
      this.failures.delete(found.id);
      return found;
    }
    const hook: WebhookRecord = {
      id: this.nextId,
      destination,
      created_at: nowS,
      updated_at: nowS,
      account_id: accountId,
      created_by: userId,
      sort: this.hooks.length + 1,
      disabled: false,
      settings: [...settings],
    };
    this.nextId += 2;
    this.hooks.push(hook);
    return hook;
  }

  remove(destination: string): boolean {
    const before = this.hooks.length;
    this.hooks = this.hooks.filter(h => h.destination !== destination);
    this.retries = this.retries.filter(r => r.destination !== destination);
    return this.hooks.length < before;
  }

  list(): WebhookRecord[] {
    return this.hooks.map(h => ({ ...h, settings: [...h.settings] }));
  }

  find(destination: string): WebhookRecord | undefined {
    return this.hooks.find(h => h.destination === destination);
  }

  setDisabled(destination: string, disabled: boolean): WebhookRecord | undefined {
    const hook = this.find(destination);
    if (hook) hook.disabled = disabled;
    return hook;
  }

  /** Enabled subscriptions to any of these settings (all enabled ones when null). */
  targets(settings: string[] | null): WebhookRecord[] {
    if (!this.deliveryEnabled) return [];
    return this.hooks.filter(
      h => !h.disabled && (settings === null || h.settings.some(s => settings.includes(s)))
    );
  }

  /** Records one delivery; a failure may schedule a retry and may disable the hook. */
  record(hook: WebhookRecord, delivery: WebhookDelivery, contentType: string): void {
    this.history.push(delivery);
    if (delivery.ok) return;
    const now = delivery.clock;
    const recent = (this.failures.get(hook.id) ?? []).filter(t => t > now - DISABLE_WINDOW_MS);
    recent.push(now);
    this.failures.set(hook.id, recent);
    if (recent.length > DISABLE_AFTER_FAILURES) hook.disabled = true;
    this.scheduleRetry(hook, delivery, contentType);
  }

  /** Removes and returns the retries due at `now` whose hook is still enabled. */
  takeDue(now: number): Array<{ hook: WebhookRecord; retry: RetryItem }> {
    const due: Array<{ hook: WebhookRecord; retry: RetryItem }> = [];
    this.retries = this.retries.filter(retry => {
      const hook = this.hooks.find(h => h.id === retry.webhookId);
      if (!hook) return false;
      if (retry.dueAt > now || hook.disabled || !this.deliveryEnabled) return true;
      due.push({ hook, retry });
      return false;
    });
    return due;
  }

  pendingRetries(): PendingRetry[] {
    return this.retries.map(({ webhookId, destination, attempt, dueAt, requestId }) => ({
      webhookId,
      destination,
      attempt,
      dueAt,
      requestId,
    }));
  }

  deliveries(): WebhookDelivery[] {
    return this.history.slice();
  }

  private scheduleRetry(hook: WebhookRecord, delivery: WebhookDelivery, contentType: string) {
    const next = delivery.attempt + 1;
    const serverError = delivery.status === 499 || delivery.status >= 500;
    if (next > 5 || (next > 3 && !serverError)) return;
    this.retries.push({
      webhookId: hook.id,
      destination: hook.destination,
      attempt: next,
      dueAt: delivery.clock + RETRY_DELAY_MS[next],
      requestId: delivery.requestId,
      body: delivery.body,
      contentType,
    });
  }
}
