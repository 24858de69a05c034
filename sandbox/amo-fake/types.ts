// The public shapes of the AmoCRM fake: its configuration, the records it keeps, what the
// admin API takes and returns. They are shared by the server (running in a worker thread) and
// the admin client (running in the caller's thread), and they travel between the two as JSON,
// so everything here is plain data: no classes, no functions, no Infinity.

/** One status of a pipeline, as AmoCRM lists it. */
export interface StatusConfig {
  id: number;
  name: string;
  sort: number;
  color: string;
  /** 1 = "Неразобранное" (incoming), 0 = normal. */
  type: 0 | 1;
  is_editable: boolean;
}

/** A pipeline. Statuses 142 (won) and 143 (lost) are added when missing, as in every account. */
export interface PipelineConfig {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  statuses: StatusConfig[];
}

export interface IntegrationConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface RateLimitConfig {
  enabled: boolean;
  /** Requests allowed within any window of `windowMs` on the request clock (AmoCRM: 7 per second). */
  maxPerWindow: number;
  windowMs: number;
  /** `retry_after` and the Retry-After header of a 429, in seconds. */
  retryAfterS: number;
  /** This many 429s within `blockWindowMs` block every request with 403 for `blockForMs`. */
  blockAfter429s: number;
  blockWindowMs: number;
  blockForMs: number;
}

/** A user of the account (GET /api/v4/users); rights are rendered from `isAdmin`. */
export interface AccountUserConfig {
  id: number;
  name: string;
  email: string;
  isAdmin: boolean;
  /** A deactivated user stays listed (is_active false) and cannot be made responsible. */
  isActive: boolean;
}

export interface FakeAmoConfig {
  subdomain: string;
  accountId: number;
  accountName: string;
  /** The user who authorised the integration: created_by / updated_by of API writes. */
  userId: number;
  /** The manager whose admin-side actions the fake performs (webhook `modified_user_id`). */
  managerUserId: number;
  integration: IntegrationConfig;
  accessTokenTtlS: number;
  authCodeTtlS: number;
  refreshTokenTtlS: number;
  rateLimit: RateLimitConfig;
  pipelines: PipelineConfig[];
  /** How long a webhook delivery waits for the receiver (real milliseconds; AmoCRM: 2 s). */
  webhookTimeoutMs: number;
  /** When true, changes made through the API queue webhook events (sent by `deliverPending`). */
  apiChangeWebhooks: boolean;
  /**
   * Whether the sender follows a 3xx (Apps Script's web app answers 302) and counts the final
   * answer. AmoCRM does not say; false (the default) counts every 3xx as a failed delivery.
   */
  webhookFollowRedirects: boolean;
  /**
   * Whether the user behind the API tokens is an account administrator. A non-admin gets 403 on
   * the admin-only methods: creating or deleting custom fields and the webhooks API.
   */
  apiUserIsAdmin: boolean;
  /** The account's users; `userId` and `managerUserId` are among them. */
  users: AccountUserConfig[];
}

/** `configure()` input: any subset; nested objects are merged key by key. */
export type FakeAmoConfigPatch = Partial<
  Omit<FakeAmoConfig, 'integration' | 'rateLimit'> & {
    integration: Partial<IntegrationConfig>;
    rateLimit: Partial<RateLimitConfig>;
  }
>;

// ----- entities ---------------------------------------------------------------------------

export interface CustomFieldValue {
  value: string | number | boolean;
  enum_id?: number;
  enum_code?: string | null;
}

/** A custom field value as AmoCRM returns it inside `custom_fields_values`. */
export interface CustomFieldValues {
  field_id: number;
  field_name: string;
  field_code: string | null;
  field_type: string;
  values: CustomFieldValue[];
}

export interface CustomFieldEnum {
  id: number;
  value: string;
  sort: number;
}

export interface CustomFieldDefinition {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number;
  entity_type: 'leads' | 'contacts' | 'companies';
  is_api_only: boolean;
  is_predefined: boolean;
  is_deletable: boolean;
  enums: CustomFieldEnum[] | null;
}

export interface TagRecord {
  id: number;
  name: string;
  /** A hex colour without '#', or null (AmoCRM's default grey). */
  color?: string | null;
}

/** Entities that carry tags; each has its own tag directory (Kommo "Tags"). */
export type TaggedEntity = 'leads' | 'contacts' | 'companies';

export interface LeadRecord {
  id: number;
  name: string;
  price: number;
  responsible_user_id: number;
  group_id: number;
  status_id: number;
  pipeline_id: number;
  loss_reason_id: number | null;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  is_deleted: boolean;
  custom_fields_values: CustomFieldValues[] | null;
  account_id: number;
  tags: TagRecord[];
  contacts: Array<{ id: number; is_main: boolean }>;
  /** At most one company (a lead belongs to one company in AmoCRM). */
  companies: Array<{ id: number }>;
}

/** What contacts and companies both keep. */
export interface RecordBase {
  id: number;
  name: string;
  responsible_user_id: number;
  group_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  is_deleted: boolean;
  custom_fields_values: CustomFieldValues[] | null;
  account_id: number;
  tags: TagRecord[];
}

export interface ContactRecord extends RecordBase {
  first_name: string;
  last_name: string;
}

export type CompanyRecord = RecordBase;

/**
 * A webhook event name: add_lead, update_lead, delete_lead, restore_lead, status_lead,
 * responsible_lead, note_lead, add_contact, update_contact, delete_contact, … (any string is
 * stored; the fake itself emits add_lead, update_lead, status_lead, delete_lead, add_contact and
 * update_contact).
 */
export type WebhookSetting = string;

export interface WebhookRecord {
  id: number;
  destination: string;
  created_at: number;
  updated_at: number;
  account_id: number;
  created_by: number;
  sort: number;
  disabled: boolean;
  settings: WebhookSetting[];
}

/**
 * One entry of the account's event list (GET /api/v4/events; amoCRM «События и Примечания»):
 * a change of one field of a lead or contact, when and by whom. The id is a string, as AmoCRM's
 * (`01…`, 26 characters); `value_before` / `value_after` hold the type's value objects.
 */
export interface EventRecord {
  id: string;
  type: string;
  entity_id: number;
  entity_type: 'lead' | 'contact';
  created_by: number;
  /** Unix seconds. */
  created_at: number;
  value_before: object[];
  value_after: object[];
  account_id: number;
}

// ----- admin inputs -----------------------------------------------------------------------

/**
 * A custom-field value to seed: the field by id or code, plain values (a select option by its
 * text, a checkbox as a boolean, a date as unix seconds; enum code optional for multitext).
 */
export interface SeedFieldValue {
  fieldId?: number;
  fieldCode?: string;
  values: Array<string | number | boolean | { value: string | number; enumCode?: string }>;
}

/** A custom field to create: text unless `type` says otherwise; `enums` are option texts. */
export interface SeedFieldSpec {
  name: string;
  type?: string;
  code?: string;
  enums?: string[];
}

export interface SeedContact {
  name: string;
  /** Stored as given (no normalisation), enum WORK. */
  phone?: string | string[];
  email?: string | string[];
  customFields?: SeedFieldValue[];
  /** Unix seconds; default the clock. */
  createdAt?: number;
  updatedAt?: number;
}

export interface SeedLead {
  name?: string;
  price?: number;
  statusId?: number;
  pipelineId?: number;
  /** Index into this seed call's `contacts`; linked as the main contact. */
  contact?: number;
  /** An already stored contact, linked as the main contact. */
  contactId?: number;
  /** Index into this seed call's `companies`. */
  company?: number;
  companyId?: number;
  responsibleUserId?: number;
  customFields?: SeedFieldValue[];
  tags?: string[];
  createdAt?: number;
  updatedAt?: number;
  deleted?: boolean;
}

export interface SeedCompany {
  name: string;
  customFields?: SeedFieldValue[];
  tags?: string[];
}

export interface SeedInput {
  /** Created first, so leads can name them by index (`company`). */
  companies?: SeedCompany[];
  contacts?: SeedContact[];
  leads?: SeedLead[];
  /** Extra lead custom fields to create first. */
  leadFields?: SeedFieldSpec[];
  /** Extra contact custom fields to create first (PHONE and EMAIL always exist). */
  contactFields?: SeedFieldSpec[];
  now?: number;
}

export interface SeedResult {
  contactIds: number[];
  leadIds: number[];
  leadFieldIds: number[];
  contactFieldIds: number[];
  companyIds: number[];
}

/** What `seedDealAccount()` made: fields keyed by type, and the ids of what it configured. */
export interface DealAccount {
  leadFields: Record<string, CustomFieldDefinition>;
  contactFields: Record<string, CustomFieldDefinition>;
  pipelineIds: number[];
  companyIds: number[];
  userIds: number[];
}

export interface FaultMatch {
  method?: string;
  /**
   * The request path (`/api/v4/leads`), its template (`/api/v4/leads/{id}`), or a regular
   * expression when the string starts with `^`.
   */
  path?: string;
  /** Fire from the nth matching request on (1-based); earlier matches pass untouched. */
  nth?: number;
}

export type FaultAction =
  /** Answer this status (and body) without processing the request. */
  | { status: number; body?: unknown; retryAfter?: number; headers?: Record<string, string> }
  /** Wait this many real milliseconds, then process and answer normally. */
  | { delayMs: number }
  /** Never answer; the request is not processed. */
  | 'hang'
  /** Destroy the socket without answering; the request is not processed. */
  | 'drop'
  /** Process normally, answer with the real response plus `x-sandbox-kill: 1`. */
  | 'kill-after'
  /** Process normally, then never answer (the caller times out, the change is stored). */
  | 'hang-after'
  /** Process normally, then destroy the socket (the caller sees a network error). */
  | 'drop-after';

export interface FaultRule {
  match: FaultMatch;
  /** How many times the rule fires; default 1. */
  times?: number | 'forever';
  action: FaultAction;
}

export interface ActiveFault extends FaultRule {
  id: number;
  matched: number;
  fired: number;
}

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  /** `/api/v4/leads/{id}` style; the path itself when no route matched. */
  template: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON or form body, the raw text when it did not parse, null when empty. */
  body: unknown;
  /** Status answered; null when the connection was dropped or left hanging. */
  status: number | null;
  /** The request clock (virtual ms). */
  clock: number;
  fault?: string;
  rateLimited?: boolean;
}

export interface WebhookDelivery {
  webhookId: number | null;
  destination: string;
  requestId: string;
  attempt: number;
  /** HTTP status; 0 when the receiver timed out or could not be reached. */
  status: number;
  ok: boolean;
  responseBody: string;
  error?: string;
  body: string;
  /** The clock of the delivery (virtual ms). */
  clock: number;
  /** Locations followed (only with `webhookFollowRedirects`), in order. */
  redirects?: string[];
}

export interface PendingRetry {
  webhookId: number;
  destination: string;
  attempt: number;
  dueAt: number;
  requestId: string;
}

export interface ManagerResult {
  deliveries: WebhookDelivery[];
  leadId?: number;
  contactId?: number;
}

export interface TokensSummary {
  authCodes: { unused: number; used: number };
  accessTokens: { active: number; expired: number; revoked: number };
  refreshTokens: { active: number; dead: number };
  longLivedTokens: { active: number; revoked: number };
}

export interface RateLimitStats {
  limited: number;
  blocked: number;
  blockedUntil: number | null;
}

export interface FakeAmoState {
  config: FakeAmoConfig;
  clock: number;
  leads: LeadRecord[];
  contacts: ContactRecord[];
  companies: CompanyRecord[];
  leadFields: CustomFieldDefinition[];
  contactFields: CustomFieldDefinition[];
  webhooks: WebhookRecord[];
  tokens: TokensSummary;
  pendingRetries: PendingRetry[];
  webhookDeliveryEnabled: boolean;
}

// ----- manager (admin-side) actions ---------------------------------------------------------
// `now` is the virtual clock of the action (ms); default the last clock the fake saw.

export interface SetLeadStatusInput {
  leadId: number;
  statusId: number;
  pipelineId?: number;
  now?: number;
}

export interface SetLeadPriceInput {
  leadId: number;
  price: number;
  now?: number;
}

export interface SetResponsibleInput {
  leadId: number;
  /** An active user of the account (`config.users`). */
  userId: number;
  now?: number;
}

/** Any change an API PATCH body of one lead can carry, made by a manager in the lead's card. */
export interface EditLeadInput {
  leadId: number;
  body: Record<string, unknown>;
  now?: number;
}

export interface RenameLeadInput {
  leadId: number;
  name: string;
  now?: number;
}

export interface DeleteLeadInput {
  leadId: number;
  now?: number;
}

export interface EditContactInput {
  contactId: number;
  name?: string;
  /** Replaces the PHONE values (enum WORK); null removes them. Stored as given. */
  phone?: string | null;
  email?: string | null;
  now?: number;
}

/** An admin adds an option to a select, radiobutton or multiselect field in AmoCRM's settings. */
export interface AddFieldOptionInput {
  /** Default `leads`. */
  entity?: 'leads' | 'contacts';
  fieldId: number;
  value: string;
}

/**
 * A manager sets one custom field of a lead or contact in its card. `values` is AmoCRM's API
 * shape (`[{value}]`, `[{enum_id}]`, `[{value, enum_code}]`); null or [] clears the field.
 */
export interface SetCustomFieldInput {
  /** Default `leads`. */
  entity?: 'leads' | 'contacts';
  /** The lead's or contact's id. */
  id: number;
  fieldId?: number;
  fieldCode?: string;
  values: unknown[] | null;
  now?: number;
}

export interface CreateLeadInput {
  name: string;
  price?: number;
  statusId?: number;
  /** Any pipeline; without statusId the lead lands on its first status after the incoming one. */
  pipelineId?: number;
  contactId?: number;
  responsibleUserId?: number;
  /** AmoCRM's API shape, e.g. `[{field_id, values: [{value}]}]`. */
  customFieldsValues?: unknown[];
  /** Tag names (created on first use). */
  tags?: string[];
  companyId?: number;
  now?: number;
}
