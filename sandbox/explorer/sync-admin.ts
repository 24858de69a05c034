// The fake's /__fake/ control endpoints called synchronously: a boundary hook runs on the main
// thread while an execution is blocked, so it cannot await the promise-based FakeAmoAdmin. This
// client sends each call through its own HttpClient (a worker thread, the main thread blocked
// in Atomics.wait, exactly as UrlFetchApp does), so a manager can act in AmoCRM from inside a
// hook. The fake runs in its own worker, so it answers while we wait.

import { HttpClient } from '../runtime/http-client';
import type {
  ContactRecord,
  CreateLeadInput,
  DealAccount,
  FakeAmoState,
  LeadRecord,
  ManagerResult,
  RequestLogEntry,
  SetCustomFieldInput,
  WebhookDelivery,
} from '../amo-fake';

export class SyncFakeAdmin {
  private readonly http = new HttpClient(10_000);

  constructor(readonly url: string) {}

  reset(): void {
    this.call('POST', '/reset', {});
  }

  longLivedToken(now: number): string {
    return this.call<{ token: string }>('POST', '/oauth/long-lived-token', { now }).token;
  }

  addWebhook(destination: string, settings: string[], now: number): void {
    this.call('POST', '/webhooks', { destination, settings, now });
  }

  /** An admin deletes a custom field; its values vanish from every record. */
  deleteCustomField(fieldId: number): void {
    this.call('POST', '/manager/delete-field', { fieldId, entity: 'leads' });
  }

  state(): FakeAmoState {
    return this.call('GET', '/state');
  }

  lead(id: number): LeadRecord | null {
    return this.call('GET', `/leads/${id}`);
  }

  contact(id: number): ContactRecord | null {
    return this.call('GET', `/contacts/${id}`);
  }

  setLeadStatus(leadId: number, statusId: number, now: number): ManagerResult {
    return this.call('POST', '/manager/set-lead-status', { leadId, statusId, now });
  }

  setLeadPrice(leadId: number, price: number, now: number): ManagerResult {
    return this.call('POST', '/manager/set-lead-price', { leadId, price, now });
  }

  editContact(
    contactId: number,
    change: { name?: string; phone?: string; email?: string },
    now: number
  ): ManagerResult {
    return this.call('POST', '/manager/edit-contact', { contactId, ...change, now });
  }

  /** Every request the fake answered since the reset, oldest first. */
  requests(): RequestLogEntry[] {
    return this.call('GET', '/requests');
  }

  /** The issue-15 account: pipelines, custom fields of every type, companies (see the fake). */
  seedDealAccount(): DealAccount {
    return this.call('POST', '/seed/deal-account', {});
  }

  /** A manager fills (AmoCRM's value shape) or clears (null) one custom field of a lead or contact. */
  setCustomField(input: SetCustomFieldInput): ManagerResult {
    return this.call('POST', '/manager/set-custom-field', input);
  }

  setResponsible(leadId: number, userId: number, now: number): ManagerResult {
    return this.call('POST', '/manager/set-responsible', { leadId, userId, now });
  }

  /** A manager changes a lead as a PATCH body says (tags, company, pipeline and status…). */
  editLead(leadId: number, body: Record<string, unknown>, now: number): ManagerResult {
    return this.call('POST', '/manager/edit-lead', { leadId, body, now });
  }

  createLead(input: CreateLeadInput): ManagerResult {
    return this.call('POST', '/manager/create-lead', input);
  }

  deliveries(): WebhookDelivery[] {
    return this.call('GET', '/webhooks/deliveries');
  }

  async dispose(): Promise<void> {
    await this.http.dispose();
  }

  private call<T>(method: string, path: string, body?: unknown): T {
    const [result] = this.http.sendAll([
      {
        url: `${this.url}/__fake${path}`,
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : new Uint8Array(Buffer.from(JSON.stringify(body))),
        followRedirects: false,
        validateCerts: false,
      },
    ]);
    if (!result.ok)
      throw new Error(`fake admin ${method} ${path}: ${result.kind} ${result.detail}`);
    const text = Buffer.from(result.body).toString('utf8');
    const data: unknown = text === '' ? null : JSON.parse(text);
    if (result.status >= 400) {
      throw new Error(`fake admin ${method} ${path} answered ${result.status}: ${text}`);
    }
    return data as T;
  }
}
