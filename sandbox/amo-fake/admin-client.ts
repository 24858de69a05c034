// The typed, promise-based client of the fake's /__fake/ control endpoints, for tests and
// the sandbox story. It speaks async HTTP (global fetch), so it never blocks the thread
// that runs it; manager actions resolve once their webhooks were delivered.

import type {
  ActiveFault,
  AddFieldOptionInput,
  CustomFieldDefinition,
  ContactRecord,
  CreateLeadInput,
  DealAccount,
  DeleteLeadInput,
  EditContactInput,
  EventRecord,
  EditLeadInput,
  FakeAmoConfig,
  FakeAmoConfigPatch,
  FakeAmoState,
  FaultRule,
  IntegrationConfig,
  LeadRecord,
  ManagerResult,
  RateLimitStats,
  RenameLeadInput,
  RequestLogEntry,
  SeedInput,
  SeedResult,
  SetCustomFieldInput,
  SetLeadPriceInput,
  SetLeadStatusInput,
  SetResponsibleInput,
  WebhookDelivery,
  WebhookRecord,
} from './types';

export class FakeAmoAdminError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown
  ) {
    super(`fake AmoCRM admin call failed with ${status}: ${JSON.stringify(body)}`);
    this.name = 'FakeAmoAdminError';
  }
}

export class FakeAmoAdmin {
  constructor(readonly url: string) {}

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  configure(patch: FakeAmoConfigPatch): Promise<FakeAmoConfig> {
    return this.call('POST', '/configure', patch);
  }

  seed(input: SeedInput): Promise<SeedResult> {
    return this.call('POST', '/seed', input);
  }

  /**
   * The issue-15 account on top of the current one: the pipelines of DEAL_PIPELINES, lead and
   * contact custom fields of every type (answered keyed by type), and three companies.
   */
  seedDealAccount(): Promise<DealAccount> {
    return this.call('POST', '/seed/deal-account', {});
  }

  /** A fresh authorization code; given values replace the integration's client settings. */
  async issueAuthCode(
    integration: Partial<IntegrationConfig> & { now?: number } = {}
  ): Promise<string> {
    return (await this.call<{ code: string }>('POST', '/oauth/auth-code', integration)).code;
  }

  async createLongLivedToken(options: { ttlS?: number; now?: number } = {}): Promise<string> {
    return (await this.call<{ token: string }>('POST', '/oauth/long-lived-token', options)).token;
  }

  async expireAccessTokens(now?: number): Promise<void> {
    await this.call('POST', '/oauth/expire-access-tokens', { now });
  }

  async revokeTokens(): Promise<void> {
    await this.call('POST', '/oauth/revoke', {});
  }

  state(): Promise<FakeAmoState> {
    return this.call('GET', '/state');
  }

  /** The stored lead (deleted ones too, with is_deleted), or null. */
  lead(id: number): Promise<LeadRecord | null> {
    return this.call('GET', `/leads/${id}`);
  }

  contact(id: number): Promise<ContactRecord | null> {
    return this.call('GET', `/contacts/${id}`);
  }

  /** Every recorded event (GET /api/v4/events without its filters and paging), oldest first. */
  events(): Promise<EventRecord[]> {
    return this.call('GET', '/events');
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.call('GET', '/requests');
  }

  /** Requests per `METHOD template`, e.g. `{"GET /api/v4/leads": 2}`. */
  counts(): Promise<Record<string, number>> {
    return this.call('GET', '/requests/counts');
  }

  async resetRequests(): Promise<void> {
    await this.call('DELETE', '/requests');
  }

  inject(rule: FaultRule): Promise<ActiveFault> {
    return this.call('POST', '/faults', rule);
  }

  faults(): Promise<ActiveFault[]> {
    return this.call('GET', '/faults');
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  setLeadStatus(input: SetLeadStatusInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/set-lead-status', input);
  }

  setLeadPrice(input: SetLeadPriceInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/set-lead-price', input);
  }

  renameLead(input: RenameLeadInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/rename-lead', input);
  }

  deleteLead(input: DeleteLeadInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/delete-lead', input);
  }

  editContact(input: EditContactInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/edit-contact', input);
  }

  createLead(input: CreateLeadInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/create-lead', input);
  }

  /** A manager hands the lead to another user: `leads[responsible]` and `leads[update]`. */
  setResponsible(input: SetResponsibleInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/set-responsible', input);
  }

  /**
   * A manager changes a lead in its card as an API PATCH body would say (tags, company,
   * pipeline and status, fields, responsible…), with the webhooks of that change.
   */
  editLead(input: EditLeadInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/edit-lead', input);
  }

  /** An admin deletes a custom field in AmoCRM's settings; its values vanish from every record. */
  async deleteCustomField(fieldId: number, entity: 'leads' | 'contacts' = 'leads'): Promise<void> {
    await this.call('POST', '/manager/delete-field', { fieldId, entity });
  }

  /** An admin adds an option to a select / radiobutton / multiselect field; answers the field. */
  addFieldOption(input: AddFieldOptionInput): Promise<CustomFieldDefinition> {
    return this.call('POST', '/manager/add-field-option', input);
  }

  /** A manager fills or clears one custom field of a lead or contact (its update webhook). */
  setCustomField(input: SetCustomFieldInput): Promise<ManagerResult> {
    return this.call('POST', '/manager/set-custom-field', input);
  }

  /** Subscribes a destination as if configured in AmoCRM's settings (re-saving re-enables). */
  addWebhook(webhook: {
    destination: string;
    settings: string[];
    now?: number;
  }): Promise<WebhookRecord> {
    return this.call('POST', '/webhooks', webhook);
  }

  setWebhookDisabled(destination: string, disabled: boolean): Promise<WebhookRecord> {
    return this.call('POST', '/webhooks/disabled', { destination, disabled });
  }

  /** Off: changes still happen, their webhooks are lost (a missed-webhook scenario). */
  async setWebhookDelivery(enabled: boolean): Promise<void> {
    await this.call('POST', '/webhooks/delivery', { enabled });
  }

  /** Posts this body to every enabled destination, whatever its settings. */
  deliverRaw(body: string, contentType?: string, now?: number): Promise<WebhookDelivery[]> {
    return this.call('POST', '/webhooks/raw', { body, contentType, now });
  }

  deliverDueRetries(now: number): Promise<WebhookDelivery[]> {
    return this.call('POST', '/webhooks/retries', { now });
  }

  /** Sends the webhooks queued by API writes (config `apiChangeWebhooks`). */
  deliverPending(now?: number): Promise<WebhookDelivery[]> {
    return this.call('POST', '/webhooks/pending', { now });
  }

  deliveries(): Promise<WebhookDelivery[]> {
    return this.call('GET', '/webhooks/deliveries');
  }

  rateLimitStats(): Promise<RateLimitStats> {
    return this.call('GET', '/rate-limit');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body).catch(error => {
      // A keep-alive connection the fake closed while the caller's thread was blocked in a
      // long synchronous run: the request never reached the fake, so sending it again is safe.
      if (!isClosedSocket(error)) throw error;
      return this.send(method, path, body);
    });
    const text = await response.text();
    const data: unknown = text === '' ? null : JSON.parse(text);
    if (!response.ok) throw new FakeAmoAdminError(response.status, data);
    return data as T;
  }

  private send(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}/__fake${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

function isClosedSocket(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code === 'UND_ERR_SOCKET';
}
