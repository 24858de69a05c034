// What AmoCRM puts into a webhook for a lead or contact event: the item fields in the order
// the real deliveries show (fixtures/webhook_*_2025.txt and the parsed 2023 status hook),
// every value a string, custom fields as `custom_fields[i][id|name|values][j][value|enum]`,
// and the `account[...]` block first. Events for one destination are folded into one body.

import type { ContactRecord, CustomFieldValues, LeadRecord } from '../types';
import { FormPairs, bracketKey, encodeForm } from './form-encode';

/** One item field: its key path under the item, and the value. */
export type ItemField = [Array<string | number>, string];

export interface WebhookEvent {
  /** The webhook setting that subscribes to it, e.g. `status_lead`. */
  setting: string;
  entity: 'leads' | 'contacts';
  action: 'add' | 'update' | 'status' | 'delete' | 'restore' | 'responsible';
  fields: ItemField[];
}

export interface AccountInfo {
  subdomain: string;
  id: number;
  url: string;
}

export interface LeadEventExtras {
  modifiedUserId: number;
  oldStatusId?: number;
  oldPipelineId?: number;
  oldResponsibleUserId?: number;
}

export function leadFields(lead: LeadRecord, extras: LeadEventExtras): ItemField[] {
  const f = (key: string, value: unknown): ItemField => [[key], String(value ?? '')];
  const fields: ItemField[] = [
    f('id', lead.id),
    f('name', lead.name),
    f('status_id', lead.status_id),
  ];
  if (extras.oldStatusId !== undefined) fields.push(f('old_status_id', extras.oldStatusId));
  fields.push(f('price', lead.price), f('responsible_user_id', lead.responsible_user_id));
  if (extras.oldResponsibleUserId !== undefined) {
    fields.push(f('old_responsible_user_id', extras.oldResponsibleUserId));
  }
  fields.push(
    f('last_modified', lead.updated_at),
    f('modified_user_id', extras.modifiedUserId),
    f('created_user_id', lead.created_by),
    f('date_create', lead.created_at),
    f('pipeline_id', lead.pipeline_id)
  );
  if (extras.oldPipelineId !== undefined) fields.push(f('old_pipeline_id', extras.oldPipelineId));
  fields.push(f('account_id', lead.account_id), ...customFields(lead.custom_fields_values));
  fields.push(f('created_at', lead.created_at), f('updated_at', lead.updated_at));
  return fields;
}

export function deletedLeadFields(lead: LeadRecord): ItemField[] {
  return [
    [['id'], String(lead.id)],
    [['status_id'], String(lead.status_id)],
    [['pipeline_id'], String(lead.pipeline_id)],
  ];
}

export function contactFields(
  contact: ContactRecord,
  leadIds: number[],
  modifiedUserId: number
): ItemField[] {
  const f = (key: string, value: unknown): ItemField => [[key], String(value ?? '')];
  return [
    f('id', contact.id),
    f('name', contact.name),
    f('responsible_user_id', contact.responsible_user_id),
    f('date_create', contact.created_at),
    f('last_modified', contact.updated_at),
    f('created_user_id', contact.created_by),
    f('modified_user_id', modifiedUserId),
    f('account_id', contact.account_id),
    ...customFields(contact.custom_fields_values),
    ...leadIds.map((id): ItemField => [['linked_leads_id', id, 'ID'], String(id)]),
    f('created_at', contact.created_at),
    f('updated_at', contact.updated_at),
    f('type', 'contact'),
  ];
}

/** `custom_fields[i][id|name|values][j][value|enum]`, then `[code]` for coded fields. */
function customFields(values: CustomFieldValues[] | null): ItemField[] {
  const out: ItemField[] = [];
  (values ?? []).forEach((field, i) => {
    const at = (...rest: Array<string | number>) => ['custom_fields', i, ...rest];
    out.push([at('id'), String(field.field_id)], [at('name'), field.field_name]);
    field.values.forEach((value, j) => {
      out.push([at('values', j, 'value'), String(value.value)]);
      if (value.enum_id !== undefined) out.push([at('values', j, 'enum'), String(value.enum_id)]);
    });
    if (field.field_code) out.push([at('code'), field.field_code]);
  });
  return out;
}

/** One form body: the account block, then each `entity[action]` group with its items. */
export function buildWebhookBody(account: AccountInfo, events: WebhookEvent[]): string {
  const pairs: FormPairs = [
    ['account[subdomain]', account.subdomain],
    ['account[id]', String(account.id)],
    ['account[_links][self]', account.url],
  ];
  const groups = new Map<string, WebhookEvent[]>();
  for (const event of events) {
    const group = `${event.entity}[${event.action}]`;
    groups.set(group, [...(groups.get(group) ?? []), event]);
  }
  for (const [group, items] of groups) {
    items.forEach((event, index) => {
      for (const [path, value] of event.fields) {
        pairs.push([bracketKey(`${group}[${index}]`, path), value]);
      }
    });
  }
  return encodeForm(pairs);
}
