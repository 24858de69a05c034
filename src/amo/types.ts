// The AmoCRM API v4 shapes the sync reads and writes: leads, contacts, pipelines with their
// statuses, the account, webhook subscriptions and custom-field definitions, plus the input
// shapes of the batch writes and what those writes answer. Only the subset the sync needs,
// checked against the captured payloads; AmoCRM sends more fields than listed here. All
// times are unix seconds, all ids integers.

/** A HAL link. */
export interface Link {
  href: string;
}

export interface Links {
  self?: Link;
  next?: Link;
  prev?: Link;
  first?: Link;
}

/** One value of a custom field; PHONE/EMAIL values carry an `enum_code` such as `WORK`. */
export interface CustomFieldValueItem {
  value: string | number | boolean | null;
  enum_id?: number | null;
  enum_code?: string | null;
  /** Old documentation examples name the enum code `enum`. */
  enum?: string;
}

/** A custom field's values on an entity (`custom_fields_values[]`). */
export interface CustomFieldValue {
  field_id: number;
  field_name?: string;
  /** `PHONE`, `EMAIL`, … for system fields, null for fields made by people. */
  field_code?: string | null;
  field_type?: string;
  values: CustomFieldValueItem[];
}

export interface Tag {
  id: number;
  name: string;
  color?: string | null;
}

/** A linked entity inside `_embedded` (`is_main` marks a lead's main contact). */
export interface EntityRef {
  id: number;
  is_main?: boolean;
  _links?: Links;
}

export interface Lead {
  id: number;
  name: string;
  price: number | null;
  responsible_user_id: number;
  group_id: number;
  status_id: number;
  pipeline_id: number;
  loss_reason_id: number | null;
  source_id?: number | null;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  closest_task_at: number | null;
  is_deleted: boolean;
  custom_fields_values: CustomFieldValue[] | null;
  score: number | null;
  account_id: number;
  _links?: Links;
  _embedded?: {
    tags?: Tag[];
    /** Present with `with=contacts`. */
    contacts?: EntityRef[];
    companies?: EntityRef[];
  };
}

export interface Contact {
  id: number;
  name: string;
  first_name?: string;
  last_name?: string;
  responsible_user_id: number;
  group_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  closest_task_at: number | null;
  is_deleted?: boolean;
  is_unsorted?: boolean;
  custom_fields_values: CustomFieldValue[] | null;
  account_id: number;
  _links?: Links;
  _embedded?: {
    tags?: Tag[];
    /** Present with `with=leads`. */
    leads?: EntityRef[];
    companies?: EntityRef[];
  };
}

/** A stage of a pipeline; 142 (won) and 143 (lost) exist in every pipeline. */
export interface Status {
  id: number;
  name: string;
  sort: number;
  is_editable: boolean;
  pipeline_id: number;
  color: string;
  /** 1 = incoming ("Неразобранное"), 0 = normal. */
  type: number;
  account_id?: number;
}

export interface Pipeline {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_unsorted_on: boolean;
  is_archive: boolean;
  account_id?: number;
  _embedded: { statuses: Status[] };
}

export interface Account {
  id: number;
  name: string;
  subdomain: string;
  created_at: number;
  current_user_id: number;
  country: string;
  currency?: string;
  is_unsorted_on: boolean;
  _links?: Links;
}

/** An API webhook subscription (`GET /api/v4/webhooks`). */
export interface Webhook {
  id: number;
  destination: string;
  created_at: number;
  updated_at: number;
  account_id: number;
  created_by: number;
  sort: number;
  disabled: boolean;
  /** Events, e.g. `add_lead`, `update_lead`, `status_lead`, `update_contact`. */
  settings: string[];
}

/** A company (`/api/v4/companies`); only what the sheet's company column needs. */
export interface Company {
  id: number;
  name: string;
}

/** A user of the account (`GET /api/v4/users`, administrators only). */
export interface AmoUser {
  id: number;
  name: string;
  email?: string;
}

/** A custom-field definition (`/api/v4/leads/custom_fields`). */
export interface CustomField {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number;
  is_api_only?: boolean;
  entity_type?: string;
  enums?: Array<{ id: number; value: string; sort: number }> | null;
}

// ---- Inputs of writes ----------------------------------------------------------------------

/** A custom field value to write, by `field_id` or `field_code`. */
export interface CustomFieldValueInput {
  field_id?: number;
  field_code?: string;
  /** null clears the field. */
  values: Array<{ value: string | number | boolean; enum_id?: number; enum_code?: string }> | null;
}

/** A tag to attach, by id or by name (a new name creates the tag). */
export interface TagInput {
  id?: number;
  name?: string;
}

/** One lead of `POST /api/v4/leads`. */
export interface LeadCreate {
  name?: string;
  price?: number;
  status_id?: number;
  pipeline_id?: number;
  responsible_user_id?: number;
  custom_fields_values?: CustomFieldValueInput[];
  /** Echoed back in the answer; the array index as a string when omitted. */
  request_id?: string;
  _embedded?: {
    contacts?: Array<{ id: number; is_main?: boolean }>;
    tags?: TagInput[];
    companies?: Array<{ id: number }>;
  };
}

/** One lead of `PATCH /api/v4/leads`. */
export interface LeadUpdate extends Omit<LeadCreate, '_embedded'> {
  id: number;
  /** An empty companies list unlinks the lead's company; an empty tags list removes its tags. */
  _embedded?: { tags?: TagInput[]; companies?: Array<{ id: number }> };
}

/** One contact of `POST /api/v4/contacts` (also the contact of a complex lead). */
export interface ContactCreate {
  name?: string;
  first_name?: string;
  last_name?: string;
  responsible_user_id?: number;
  custom_fields_values?: CustomFieldValueInput[];
  request_id?: string;
  _embedded?: { tags?: TagInput[] };
}

/** One contact of `PATCH /api/v4/contacts`. */
export interface ContactUpdate extends ContactCreate {
  id: number;
}

/** One lead of `POST /api/v4/leads/complex`: a lead with (at most one) new contact. */
export interface ComplexLeadCreate extends Omit<LeadCreate, '_embedded'> {
  _embedded?: {
    contacts?: ContactCreate[];
    tags?: TagInput[];
    companies?: Array<{ id: number }>;
  };
}

/** Links a contact to a lead (`POST /api/v4/leads/link`). */
export interface LeadContactLink {
  leadId: number;
  contactId: number;
  /** Makes it the lead's main contact. */
  isMain?: boolean;
}

/** One field of `POST /api/v4/leads/custom_fields`. */
export interface CustomFieldCreate {
  name: string;
  /** `text`, `numeric`, `select`, `multitext`, `date`, `url`, … */
  type: string;
  code?: string;
  sort?: number;
  is_api_only?: boolean;
  enums?: Array<{ value: string; sort?: number }>;
  request_id?: string;
}

// ---- Answers of writes ---------------------------------------------------------------------

/** One entity created by a batch add. */
export interface CreatedEntity {
  id: number;
  /** Our `request_id`, or the item's index as a string. */
  request_id: string;
}

/** One entity changed by a batch update. */
export interface UpdatedEntity {
  id: number;
  updated_at?: number;
  request_id?: string;
}

/** One lead created by `POST /api/v4/leads/complex`. */
export interface ComplexCreated {
  id: number;
  contact_id: number | null;
  company_id: number | null;
  /** Every request id folded into this lead. */
  request_id: string[];
  /** True when AmoCRM merged the lead into an existing duplicate. */
  merged: boolean;
}

/** One link as AmoCRM reports it. */
export interface EntityLink {
  entity_id?: number;
  entity_type?: string;
  to_entity_id: number;
  to_entity_type: string;
  metadata: Record<string, unknown> | null;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  page: number;
  /** True when AmoCRM announced a next page (`_links.next`). */
  hasNext: boolean;
}

/**
 * One entry of the account's event list (GET /api/v4/events): which field of which record
 * changed, and when. `value_after` / `value_before` name a custom field by
 * `custom_field_value.field_id`.
 */
export interface AmoEvent {
  id: string;
  type: string;
  entity_id: number;
  entity_type: string;
  /** Unix seconds. */
  created_at: number;
  value_after?: unknown[];
  value_before?: unknown[];
}
