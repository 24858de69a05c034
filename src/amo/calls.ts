// Every AmoCRM API call the sync makes, as a plain value: method, path, query, body, whether it
// may be repeated safely, and how to read its answer. Being data, calls of different kinds can
// travel together in one UrlFetchApp.fetchAll batch (AmoClient.runAll). Builders check
// AmoCRM's per-request limits; batching.ts splits bigger inputs. An empty answer (HTTP 204)
// always reads as an empty result, never as an error.

import { isObject } from './errors';
import type { QueryParams } from './query-string';
import type {
  Account,
  AmoEvent,
  AmoUser,
  Company,
  ComplexCreated,
  ComplexLeadCreate,
  Contact,
  ContactCreate,
  ContactUpdate,
  CreatedEntity,
  CustomField,
  CustomFieldCreate,
  EntityLink,
  Lead,
  LeadContactLink,
  LeadCreate,
  LeadUpdate,
  Page,
  Pipeline,
  UpdatedEntity,
  Webhook,
} from './types';

/** AmoCRM's limits per request. */
export const AMO_LIMITS = {
  /** Entities per list page. */
  pageSize: 250,
  /** Entities per batch add/update. */
  batch: 250,
  /** Leads per complex add. */
  complex: 50,
} as const;

export type AmoMethod = 'get' | 'post' | 'patch' | 'delete';

/** An answer as `parse` sees it: the body is parsed JSON, or null when it was empty (204). */
export interface AmoResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One API call as data. */
export interface AmoCall<T> {
  method: AmoMethod;
  /** Path below the account's base URL, starting with `/api/v4/`. */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * True when sending it twice does no harm. Calls that create things are not: after a
   * 5xx or a dropped connection they fail with `outcomeUnknown` instead of being repeated.
   */
  idempotent: boolean;
  /** Non-2xx statuses handed to `parse` instead of failing (e.g. 404 of a lead by id). */
  acceptStatuses?: readonly number[];
  /** Reads the answer; throws when it is not what AmoCRM should send. */
  parse(response: AmoResponse): T;
}

/** The value type of a call. */
export type CallValue<C> = C extends AmoCall<infer T> ? T : never;

export type LeadWith = 'contacts' | 'loss_reason' | 'only_deleted' | 'source_id';
export type ContactWith = 'leads';
export type OrderField = 'created_at' | 'updated_at' | 'id';

/** Filters and paging of `GET /api/v4/leads`. */
export interface LeadsQuery {
  ids?: readonly number[];
  /** `filter[updated_at][from|to]`, unix seconds. */
  updatedFrom?: number;
  updatedTo?: number;
  /** `filter[pipeline_id][]`: only leads of these pipelines. */
  pipelineIds?: readonly number[];
  /** Full-text search over the filled fields. */
  query?: string;
  with?: readonly LeadWith[];
  page?: number;
  /** At most 250. */
  limit?: number;
  order?: { field: OrderField; direction: 'asc' | 'desc' };
}

/** Filters and paging of `GET /api/v4/contacts`. */
export interface ContactsQuery {
  ids?: readonly number[];
  /** `filter[updated_at][from|to]`, unix seconds. */
  updatedFrom?: number;
  updatedTo?: number;
  query?: string;
  with?: readonly ContactWith[];
  page?: number;
  limit?: number;
  order?: { field: 'updated_at' | 'id'; direction: 'asc' | 'desc' };
}

/** Paging of a list without filters. */
export interface PageQuery {
  page?: number;
  limit?: number;
}

// ---- Account and pipelines -----------------------------------------------------------------

/** `GET /api/v4/account`. */
export function getAccount(): AmoCall<Account> {
  return get('/api/v4/account', undefined, r => expectObject<Account>(r.body, 'account'));
}

/** `GET /api/v4/leads/pipelines`: every pipeline with its statuses. */
export function listPipelines(): AmoCall<Pipeline[]> {
  return get('/api/v4/leads/pipelines', undefined, r => embedded<Pipeline>(r.body, 'pipelines'));
}

// ---- Events --------------------------------------------------------------------------------

/** AmoCRM's limit of events per page (lower than the entities' 250). */
export const EVENTS_PAGE_SIZE = 100;

export interface EventsQuery {
  /** One kind of record: AmoCRM filters ids only within one. */
  entity: 'lead' | 'contact';
  ids: readonly number[];
  types: readonly string[];
  /** Unix seconds: events at or after it. */
  from: number;
  page?: number;
}

/**
 * `GET /api/v4/events`: one page (newest first) of the named records' events of these types.
 * https://www.amocrm.ru/developers/content/crm_platform/events-and-notes
 */
export function listEvents(q: EventsQuery): AmoCall<Page<AmoEvent>> {
  const page = q.page ?? 1;
  const query: QueryParams = {
    page,
    limit: EVENTS_PAGE_SIZE,
    filter: { entity: q.entity, entity_id: q.ids, type: q.types, created_at: { from: q.from } },
  };
  return get('/api/v4/events', query, r => readPage<AmoEvent>(r.body, 'events', page));
}

// ---- Leads ---------------------------------------------------------------------------------

/** `GET /api/v4/leads`: one page of leads. */
export function listLeads(q: LeadsQuery = {}): AmoCall<Page<Lead>> {
  const page = q.page ?? 1;
  const query: QueryParams = {
    ...pageParams(page, q.limit),
    with: joinWith(q.with),
    query: q.query,
    filter: {
      id: q.ids && q.ids.length > 0 ? q.ids : undefined,
      updated_at: range(q.updatedFrom, q.updatedTo),
      pipeline_id: q.pipelineIds && q.pipelineIds.length > 0 ? q.pipelineIds : undefined,
    },
    order: q.order ? { [q.order.field]: q.order.direction } : undefined,
  };
  return get('/api/v4/leads', query, r => readPage<Lead>(r.body, 'leads', page));
}

/** `GET /api/v4/leads/{id}`: null when AmoCRM has no such lead (204 or 404). */
export function getLead(
  id: number,
  opts: { with?: readonly LeadWith[] } = {}
): AmoCall<Lead | null> {
  return {
    ...get(`/api/v4/leads/${entityId(id)}`, { with: joinWith(opts.with) }, r =>
      r.body === null || r.status === 404 ? null : expectObject<Lead>(r.body, 'lead')
    ),
    acceptStatuses: [404],
  };
}

/** `POST /api/v4/leads`: adds up to 250 leads. Not idempotent. */
export function createLeads(leads: readonly LeadCreate[]): AmoCall<CreatedEntity[]> {
  checkBatch(leads, AMO_LIMITS.batch, 'leads');
  return write('post', '/api/v4/leads', leads, false, r => readCreated(r.body, 'leads'));
}

/** `PATCH /api/v4/leads`: changes up to 250 leads (each with its `id`). */
export function updateLeads(leads: readonly LeadUpdate[]): AmoCall<UpdatedEntity[]> {
  checkBatch(leads, AMO_LIMITS.batch, 'leads');
  return write('patch', '/api/v4/leads', leads, true, r => readUpdated(r.body, 'leads'));
}

/**
 * `POST /api/v4/leads/complex`: adds up to 50 leads, each with a new contact. Answers a
 * top-level array. Not idempotent.
 */
export function createComplexLeads(leads: readonly ComplexLeadCreate[]): AmoCall<ComplexCreated[]> {
  checkBatch(leads, AMO_LIMITS.complex, 'complex leads');
  return write('post', '/api/v4/leads/complex', leads, false, r => readComplex(r.body));
}

/**
 * `POST /api/v4/leads/link`: links existing contacts to leads. Idempotent: linking a contact
 * that is already linked leaves one link.
 */
export function linkContactsToLeads(links: readonly LeadContactLink[]): AmoCall<EntityLink[]> {
  checkBatch(links, AMO_LIMITS.batch, 'links');
  const body = links.map(l => ({
    entity_id: l.leadId,
    to_entity_id: l.contactId,
    to_entity_type: 'contacts',
    ...(l.isMain ? { metadata: { main_contact: true } } : {}),
  }));
  return write('post', '/api/v4/leads/link', body, true, r =>
    embedded<EntityLink>(r.body, 'links')
  );
}

// ---- Contacts ------------------------------------------------------------------------------

/** `GET /api/v4/contacts`: one page of contacts. */
export function listContacts(q: ContactsQuery = {}): AmoCall<Page<Contact>> {
  const page = q.page ?? 1;
  const query: QueryParams = {
    ...pageParams(page, q.limit),
    with: joinWith(q.with),
    query: q.query,
    filter: {
      id: q.ids && q.ids.length > 0 ? q.ids : undefined,
      updated_at: range(q.updatedFrom, q.updatedTo),
    },
    order: q.order ? { [q.order.field]: q.order.direction } : undefined,
  };
  return get('/api/v4/contacts', query, r => readPage<Contact>(r.body, 'contacts', page));
}

/**
 * Contacts matching a search (`query=`). AmoCRM searches every field, so callers must check
 * the PHONE/EMAIL values of what comes back; nothing found is an empty page.
 */
export function searchContacts(
  query: string,
  opts: Omit<ContactsQuery, 'query' | 'ids'> = {}
): AmoCall<Page<Contact>> {
  return listContacts({ ...opts, query });
}

/** `GET /api/v4/contacts/{id}`: null when AmoCRM has no such contact. */
export function getContact(
  id: number,
  opts: { with?: readonly ContactWith[] } = {}
): AmoCall<Contact | null> {
  return {
    ...get(`/api/v4/contacts/${entityId(id)}`, { with: joinWith(opts.with) }, r =>
      r.body === null || r.status === 404 ? null : expectObject<Contact>(r.body, 'contact')
    ),
    acceptStatuses: [404],
  };
}

/** `POST /api/v4/contacts`: adds up to 250 contacts. Not idempotent. */
export function createContacts(contacts: readonly ContactCreate[]): AmoCall<CreatedEntity[]> {
  checkBatch(contacts, AMO_LIMITS.batch, 'contacts');
  return write('post', '/api/v4/contacts', contacts, false, r => readCreated(r.body, 'contacts'));
}

/** `PATCH /api/v4/contacts`: changes up to 250 contacts. */
export function updateContacts(contacts: readonly ContactUpdate[]): AmoCall<UpdatedEntity[]> {
  checkBatch(contacts, AMO_LIMITS.batch, 'contacts');
  return write('patch', '/api/v4/contacts', contacts, true, r => readUpdated(r.body, 'contacts'));
}

// ---- Companies -----------------------------------------------------------------------------

/** `GET /api/v4/companies`: one page of companies, by ids or by a search. */
export function listCompanies(
  q: { ids?: readonly number[]; query?: string; page?: number; limit?: number } = {}
): AmoCall<Page<Company>> {
  const page = q.page ?? 1;
  const query: QueryParams = {
    ...pageParams(page, q.limit),
    query: q.query,
    filter: { id: q.ids && q.ids.length > 0 ? q.ids : undefined },
  };
  return get('/api/v4/companies', query, r => readPage<Company>(r.body, 'companies', page));
}

/** `POST /api/v4/companies`: adds up to 250 companies. Not idempotent. */
export function createCompanies(
  companies: ReadonlyArray<{ name: string; request_id?: string }>
): AmoCall<CreatedEntity[]> {
  checkBatch(companies, AMO_LIMITS.batch, 'companies');
  return write('post', '/api/v4/companies', companies, false, r =>
    readCreated(r.body, 'companies')
  );
}

// ---- Custom fields and webhooks ------------------------------------------------------------

/** `GET /api/v4/leads/custom_fields`: one page of the leads' custom-field definitions. */
export function listLeadCustomFields(q: PageQuery = {}): AmoCall<Page<CustomField>> {
  const page = q.page ?? 1;
  return get('/api/v4/leads/custom_fields', pageParams(page, q.limit), r =>
    readPage<CustomField>(r.body, 'custom_fields', page)
  );
}

/** `GET /api/v4/contacts/custom_fields`: one page of the contacts' custom-field definitions. */
export function listContactCustomFields(q: PageQuery = {}): AmoCall<Page<CustomField>> {
  const page = q.page ?? 1;
  return get('/api/v4/contacts/custom_fields', pageParams(page, q.limit), r =>
    readPage<CustomField>(r.body, 'custom_fields', page)
  );
}

/**
 * `GET /api/v4/users`: one page of the account's users. Administrators only: anyone else gets
 * 403 (Kommo API, "Users": "This method is available only to the account administrators").
 */
export function listUsers(q: PageQuery = {}): AmoCall<Page<AmoUser>> {
  const page = q.page ?? 1;
  return get('/api/v4/users', pageParams(page, q.limit), r =>
    readPage<AmoUser>(r.body, 'users', page)
  );
}

/** `POST /api/v4/leads/custom_fields`: adds lead custom fields. Not idempotent. */
export function createLeadCustomFields(
  fields: readonly CustomFieldCreate[]
): AmoCall<CustomField[]> {
  checkBatch(fields, AMO_LIMITS.batch, 'custom fields');
  return write('post', '/api/v4/leads/custom_fields', fields, false, r =>
    embedded<CustomField>(r.body, 'custom_fields')
  );
}

/** `GET /api/v4/webhooks`, optionally only those posting to `destination`. */
export function listWebhooks(opts: { destination?: string } = {}): AmoCall<Webhook[]> {
  const query = { filter: { destination: opts.destination } };
  return get('/api/v4/webhooks', query, r => embedded<Webhook>(r.body, 'webhooks'));
}

/**
 * `POST /api/v4/webhooks`: subscribes `destination` to `settings` events (`add_lead`,
 * `update_lead`, …). Idempotent: AmoCRM keeps one subscription per destination and
 * replaces its settings.
 */
export function subscribeWebhook(
  destination: string,
  settings: readonly string[]
): AmoCall<Webhook> {
  const body = { destination, settings };
  return write('post', '/api/v4/webhooks', body, true, r =>
    expectObject<Webhook>(r.body, 'webhook')
  );
}

/** `DELETE /api/v4/webhooks`: removes the subscription of `destination`. */
export function unsubscribeWebhook(destination: string): AmoCall<void> {
  return write('delete', '/api/v4/webhooks', { destination }, true, () => undefined);
}

// ---- Reading answers -----------------------------------------------------------------------

function get<T>(
  path: string,
  query: QueryParams | undefined,
  parse: (r: AmoResponse) => T
): AmoCall<T> {
  return { method: 'get', path, query, idempotent: true, parse };
}

function write<T>(
  method: AmoMethod,
  path: string,
  body: unknown,
  idempotent: boolean,
  parse: (r: AmoResponse) => T
): AmoCall<T> {
  return { method, path, body, idempotent, parse };
}

/** `_embedded[key]` of a HAL body; [] for an empty (204) answer. */
export function embedded<T>(body: unknown, key: string): T[] {
  if (body === null) return [];
  const list = isObject(body) && isObject(body._embedded) ? body._embedded[key] : undefined;
  if (!Array.isArray(list)) throw new Error(`the answer has no _embedded.${key} list`);
  return list as T[];
}

/** One page of a HAL list; an empty (204) answer is an empty last page. */
export function readPage<T>(body: unknown, key: string, requestedPage: number): Page<T> {
  const items = embedded<T>(body, key);
  const links = isObject(body) && isObject(body._links) ? body._links : {};
  const page = isObject(body) && typeof body._page === 'number' ? body._page : requestedPage;
  return { items, page, hasNext: isObject(links.next) && items.length > 0 };
}

function readCreated(body: unknown, key: string): CreatedEntity[] {
  return embedded<Record<string, unknown>>(body, key).map((item, index) => ({
    id: expectId(item.id, key),
    request_id: item.request_id === undefined ? String(index) : String(item.request_id),
  }));
}

function readUpdated(body: unknown, key: string): UpdatedEntity[] {
  return embedded<Record<string, unknown>>(body, key).map(item => ({
    id: expectId(item.id, key),
    updated_at: typeof item.updated_at === 'number' ? item.updated_at : undefined,
    request_id: item.request_id === undefined ? undefined : String(item.request_id),
  }));
}

function readComplex(body: unknown): ComplexCreated[] {
  if (body === null) return [];
  if (!Array.isArray(body)) throw new Error('the complex-add answer is not a list');
  return body.map((item: unknown) => {
    if (!isObject(item)) throw new Error('a complex-add item is not an object');
    const ids = Array.isArray(item.request_id) ? item.request_id : [item.request_id];
    return {
      id: expectId(item.id, 'complex leads'),
      contact_id: typeof item.contact_id === 'number' ? item.contact_id : null,
      company_id: typeof item.company_id === 'number' ? item.company_id : null,
      request_id: ids.filter(id => id !== undefined && id !== null).map(String),
      merged: item.merged === true,
    };
  });
}

function expectObject<T>(body: unknown, what: string): T {
  if (!isObject(body)) throw new Error(`the ${what} answer is not an object`);
  return body as T;
}

function expectId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`an item of the ${what} answer has no id`);
  }
  return value;
}

// ---- Building requests ---------------------------------------------------------------------

function pageParams(page: number, limit: number | undefined): QueryParams {
  if (limit !== undefined && (limit < 1 || limit > AMO_LIMITS.pageSize)) {
    throw new RangeError(`limit must be 1…${AMO_LIMITS.pageSize}, got ${limit}`);
  }
  return { page, limit: limit ?? AMO_LIMITS.pageSize };
}

function joinWith(values: readonly string[] | undefined): string | undefined {
  return values && values.length > 0 ? values.join(',') : undefined;
}

function range(from: number | undefined, to: number | undefined): QueryParams | undefined {
  return from === undefined && to === undefined ? undefined : { from, to };
}

function entityId(id: number): string {
  if (!Number.isInteger(id) || id <= 0) throw new RangeError(`not an AmoCRM id: ${id}`);
  return String(id);
}

function checkBatch(items: readonly unknown[], max: number, what: string): void {
  if (items.length === 0) throw new RangeError(`no ${what} to send`);
  if (items.length > max) {
    throw new RangeError(`AmoCRM takes at most ${max} ${what} per request, got ${items.length}`);
  }
}
