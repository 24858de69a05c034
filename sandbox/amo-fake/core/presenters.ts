// Records rendered as AmoCRM's HAL JSON: key order and nulls as in the fixtures, `_links.self`
// on every entity (pointing at the fake's own URL), children under `_embedded`. Only shape
// lives here; which entities to show is the routes' business.

import type {
  CompanyRecord,
  ContactRecord,
  CustomFieldDefinition,
  FakeAmoConfig,
  LeadRecord,
  PipelineConfig,
  StatusConfig,
  TagRecord,
} from '../types';

export const link = (href: string) => ({ self: { href } });

export interface LeadView {
  withContacts: boolean;
  /** Real list answers repeat the list's query string in each item's self link. */
  selfQuery?: string;
}

export function renderLead(lead: LeadRecord, base: string, view: LeadView) {
  const self = `${base}/api/v4/leads/${lead.id}${view.selfQuery ? `?${view.selfQuery}` : ''}`;
  const embedded: Record<string, unknown> = {
    tags: renderTags(lead.tags),
    companies: lead.companies.map(c => ({
      id: c.id,
      _links: link(`${base}/api/v4/companies/${c.id}`),
    })),
  };
  if (view.withContacts) {
    embedded.contacts = lead.contacts.map(c => ({
      id: c.id,
      is_main: c.is_main,
      _links: link(`${base}/api/v4/contacts/${c.id}`),
    }));
  }
  return {
    id: lead.id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsible_user_id,
    group_id: lead.group_id,
    status_id: lead.status_id,
    pipeline_id: lead.pipeline_id,
    loss_reason_id: lead.loss_reason_id,
    source_id: null,
    created_by: lead.created_by,
    updated_by: lead.updated_by,
    created_at: lead.created_at,
    updated_at: lead.updated_at,
    closed_at: lead.closed_at,
    closest_task_at: null,
    is_deleted: lead.is_deleted,
    custom_fields_values: lead.custom_fields_values,
    score: null,
    account_id: lead.account_id,
    labor_cost: null,
    is_price_modified_by_robot: false,
    _links: link(self),
    _embedded: embedded,
  };
}

/** `_embedded.tags` of an entity: `{id, name, color}` (color null unless set). */
export function renderTags(tags: TagRecord[]) {
  return tags.map(tag => ({ id: tag.id, name: tag.name, color: tag.color ?? null }));
}

/**
 * A company as GET /api/v4/companies shows it (amoCRM "Компании": the contact-like fields,
 * `_embedded.tags`; with=leads adds the linked leads).
 */
export function renderCompany(
  company: CompanyRecord,
  base: string,
  leads: LeadRecord[] | null,
  selfQuery?: string
) {
  const self = `${base}/api/v4/companies/${company.id}${selfQuery ? `?${selfQuery}` : ''}`;
  const embedded: Record<string, unknown> = { tags: renderTags(company.tags) };
  if (leads) {
    embedded.leads = leads.map(lead => ({
      id: lead.id,
      _links: link(`${base}/api/v4/leads/${lead.id}`),
    }));
  }
  return {
    id: company.id,
    name: company.name,
    responsible_user_id: company.responsible_user_id,
    group_id: company.group_id,
    created_by: company.created_by,
    updated_by: company.updated_by,
    created_at: company.created_at,
    updated_at: company.updated_at,
    closest_task_at: null,
    is_deleted: company.is_deleted,
    custom_fields_values: company.custom_fields_values,
    account_id: company.account_id,
    _links: link(self),
    _embedded: embedded,
  };
}

export function renderContact(
  contact: ContactRecord,
  base: string,
  leads: LeadRecord[] | null,
  selfQuery?: string
) {
  const self = `${base}/api/v4/contacts/${contact.id}${selfQuery ? `?${selfQuery}` : ''}`;
  const embedded: Record<string, unknown> = {
    tags: renderTags(contact.tags),
    companies: [],
  };
  if (leads) {
    embedded.leads = leads.map(lead => ({
      id: lead.id,
      _links: link(`${base}/api/v4/leads/${lead.id}`),
    }));
  }
  return {
    id: contact.id,
    name: contact.name,
    first_name: contact.first_name,
    last_name: contact.last_name,
    responsible_user_id: contact.responsible_user_id,
    group_id: contact.group_id,
    created_by: contact.created_by,
    updated_by: contact.updated_by,
    created_at: contact.created_at,
    updated_at: contact.updated_at,
    closest_task_at: null,
    is_deleted: contact.is_deleted,
    is_unsorted: false,
    custom_fields_values: contact.custom_fields_values,
    account_id: contact.account_id,
    _links: link(self),
    _embedded: embedded,
  };
}

export function renderStatus(
  status: StatusConfig,
  pipelineId: number,
  accountId: number,
  base: string
) {
  return {
    id: status.id,
    name: status.name,
    sort: status.sort,
    is_editable: status.is_editable,
    pipeline_id: pipelineId,
    color: status.color,
    type: status.type,
    account_id: accountId,
    _links: link(`${base}/api/v4/leads/pipelines/${pipelineId}/statuses/${status.id}`),
  };
}

export function renderPipeline(pipeline: PipelineConfig, accountId: number, base: string) {
  return {
    id: pipeline.id,
    name: pipeline.name,
    sort: pipeline.sort,
    is_main: pipeline.is_main,
    is_unsorted_on: true,
    is_archive: false,
    account_id: accountId,
    _links: link(`${base}/api/v4/leads/pipelines/${pipeline.id}`),
    _embedded: {
      statuses: pipeline.statuses.map(s => renderStatus(s, pipeline.id, accountId, base)),
    },
  };
}

export function renderField(def: CustomFieldDefinition, accountId: number, base: string) {
  return {
    id: def.id,
    name: def.name,
    type: def.type,
    account_id: accountId,
    code: def.code,
    sort: def.sort,
    is_api_only: def.is_api_only,
    enums: def.enums,
    group_id: null,
    required_statuses: [],
    is_deletable: def.is_deletable,
    is_predefined: def.is_predefined,
    entity_type: def.entity_type,
    remind: null,
    triggers: [],
    currency: null,
    hidden_statuses: [],
    chained_lists: null,
    _links: link(`${base}/api/v4/${def.entity_type}/custom_fields/${def.id}`),
  };
}

const ACCOUNT_EXTRAS: Record<string, (config: FakeAmoConfig) => [string, unknown]> = {
  amojo_id: () => ['amojo_id', 'f3c6340d-410e-4ad1-9f7e-c5e663599909'],
  uuid: () => ['uuid', '824f3a59-6154-4edf-ba90-0b5593715d07'],
  version: () => ['version', 11],
};

const ACCOUNT_EMBEDDED: Record<string, unknown> = {
  amojo_rights: { can_direct: true, can_create_groups: true },
  users_groups: [{ id: 0, name: 'Отдел продаж', uuid: null }],
  task_types: [
    { id: 1, name: 'Связаться', color: null, icon_id: null, code: 'FOLLOW_UP' },
    { id: 2, name: 'Встреча', color: null, icon_id: null, code: 'MEETING' },
  ],
  datetime_settings: {
    date_pattern: 'd.m.Y H:i',
    short_date_pattern: 'd.m.Y',
    short_time_pattern: 'H:i',
    date_formant: 'd.m.Y',
    time_format: 'H:i:s',
    timezone: 'Europe/Moscow',
    timezone_offset: '+03:00',
  },
};

/** GET /api/v4/account, fixtures/account.json's fields; `with` adds the optional blocks. */
export function renderAccount(config: FakeAmoConfig, base: string, withList: string[]) {
  const account: Record<string, unknown> = {
    id: config.accountId,
    name: config.accountName,
    subdomain: config.subdomain,
    created_at: 1585840134,
    created_by: config.userId,
    updated_at: 1589472711,
    updated_by: config.userId,
    current_user_id: config.userId,
    country: 'RU',
    currency: 'RUB',
    currency_symbol: '₽',
    customers_mode: 'segments',
    is_unsorted_on: true,
    is_loss_reason_enabled: true,
    is_helpbot_enabled: false,
    is_technical_account: false,
    contact_name_display_order: 1,
  };
  for (const name of withList) {
    const extra = ACCOUNT_EXTRAS[name]?.(config);
    if (extra) account[extra[0]] = extra[1];
  }
  account._links = link(`${base}/api/v4/account`);
  const embedded = withList.filter(name => name in ACCOUNT_EMBEDDED);
  if (embedded.length > 0) {
    account._embedded = Object.fromEntries(embedded.map(name => [name, ACCOUNT_EMBEDDED[name]]));
  }
  return account;
}
