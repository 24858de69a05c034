// Sends webhooks: folds the events of one change into one body per subscribed destination,
// posts them all concurrently, records each outcome (and so the retries and disabling), and
// resolves only when every delivery has finished, so an admin call can report them.
// Events from API writes wait in a queue until `deliverPending` when that mode is on.

import { randomUUID } from 'node:crypto';
import type { WebhookDelivery, WebhookRecord } from '../types';
import { AccountInfo, WebhookEvent, buildWebhookBody } from './payloads';
import type { WebhookRegistry } from './registry';
import type { WebhookSender } from './sender';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export class WebhookDispatcher {
  private pending: WebhookEvent[] = [];

  constructor(
    private registry: WebhookRegistry,
    private send: WebhookSender,
    private account: () => AccountInfo,
    private timeoutMs: () => number,
    private followRedirects: () => boolean = () => false
  ) {}

  /** Delivers one change's events to every destination subscribed to any of them. */
  async deliverEvents(events: WebhookEvent[], now: number): Promise<WebhookDelivery[]> {
    const hooks = this.registry.targets(events.map(e => e.setting));
    return Promise.all(
      hooks.map(hook => {
        const own = events.filter(e => hook.settings.includes(e.setting));
        const body = buildWebhookBody(this.account(), own);
        return this.deliver(hook, body, FORM_CONTENT_TYPE, randomUUID(), 1, now);
      })
    );
  }

  /** Sends a caller-made body to every enabled destination, whatever its settings. */
  async deliverRaw(body: string, contentType: string, now: number): Promise<WebhookDelivery[]> {
    const hooks = this.registry.targets(null);
    return Promise.all(
      hooks.map(hook => this.deliver(hook, body, contentType, randomUUID(), 1, now))
    );
  }

  async deliverDueRetries(now: number): Promise<WebhookDelivery[]> {
    const due = this.registry.takeDue(now);
    return Promise.all(
      due.map(({ hook, retry }) =>
        this.deliver(hook, retry.body, retry.contentType, retry.requestId, retry.attempt, now)
      )
    );
  }

  queue(events: WebhookEvent[]): void {
    this.pending.push(...events);
  }

  async deliverPending(now: number): Promise<WebhookDelivery[]> {
    const events = this.pending;
    this.pending = [];
    return events.length > 0 ? this.deliverEvents(events, now) : [];
  }

  clearPending(): void {
    this.pending = [];
  }

  private async deliver(
    hook: WebhookRecord,
    body: string,
    contentType: string,
    requestId: string,
    attempt: number,
    now: number
  ): Promise<WebhookDelivery> {
    const destination = hook.destination;
    const timeoutMs = this.timeoutMs();
    const followRedirects = this.followRedirects();
    const result = await this.send({
      destination,
      body,
      contentType,
      requestId,
      timeoutMs,
      followRedirects,
    });
    const delivery: WebhookDelivery = {
      webhookId: hook.id,
      destination,
      requestId,
      attempt,
      status: result.status,
      ok: result.status >= 100 && result.status < 300,
      responseBody: result.responseBody,
      body,
      clock: now,
      ...(result.error ? { error: result.error } : {}),
      ...(result.redirects ? { redirects: result.redirects } : {}),
    };
    this.registry.record(hook, delivery, contentType);
    return delivery;
  }
}
