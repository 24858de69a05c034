// What a lead's or contact's field events compare: each watched field of a record as the event
// type it changes and the value objects AmoCRM lists under `value_before` / `value_after`
// (amoCRM «События и Примечания», GET /api/v4/events; Kommo "Events" types table):
//
// | what changed                      | type                         | one value object                                      |
// | --------------------------------- | ---------------------------- | ----------------------------------------------------- |
// | name (lead or contact)            | name_field_changed           | `{name_field_value: {name}}`                          |
// | price (lead)                      | sale_field_changed           | `{sale_field_value: {sale}}`                          |
// | status or pipeline (lead)         | lead_status_changed          | `{lead_status: {id, pipeline_id}}`                    |
// | responsible user                  | entity_responsible_changed   | `{responsible_user: {id}}`                            |
// | a custom field (PHONE, EMAIL too) | custom_field_value_changed   | `{custom_field_value: {field_id, field_type, enum_id, text}}`, one per value |
//
// A snapshot is taken before and after a write; every facet whose values differ is one event.

import type { ContactRecord, CustomFieldValues, LeadRecord } from '../types';

/** One watched field of a record: its event type and its values as events list them. */
export interface Facet {
  key: string;
  type: string;
  values: object[];
}

export interface Change {
  type: string;
  value_before: object[];
  value_after: object[];
}

/**
 * AmoCRM's numeric field types, which events carry as `field_type` (amoCRM API v2 "Дополнительные
 * поля" type table: 1 text … 14 birthday; 19 date_time as the official PHP SDK numbers it). A type
 * with no known number (price) is null.
 */
const FIELD_TYPE_NUMBERS: Record<string, number> = {
  text: 1,
  numeric: 2,
  checkbox: 3,
  select: 4,
  multiselect: 5,
  date: 6,
  url: 7,
  multitext: 8,
  textarea: 9,
  radiobutton: 10,
  streetaddress: 11,
  date_time: 19,
};

export function leadFacets(lead: LeadRecord): Facet[] {
  return [
    nameFacet(lead.name),
    {
      key: 'sale',
      type: 'sale_field_changed',
      values: [{ sale_field_value: { sale: lead.price } }],
    },
    {
      key: 'status',
      type: 'lead_status_changed',
      values: [{ lead_status: { id: lead.status_id, pipeline_id: lead.pipeline_id } }],
    },
    responsibleFacet(lead.responsible_user_id),
    ...fieldFacets(lead.custom_fields_values),
  ];
}

export function contactFacets(contact: ContactRecord): Facet[] {
  return [
    nameFacet(contact.name),
    responsibleFacet(contact.responsible_user_id),
    ...fieldFacets(contact.custom_fields_values),
  ];
}

/**
 * The changes between two snapshots, in the order of the fields. A custom field only one side
 * has was filled or cleared: the other side's values are [].
 */
export function changesBetween(before: Facet[], after: Facet[]): Change[] {
  const old = new Map(before.map(facet => [facet.key, facet]));
  const now = new Map(after.map(facet => [facet.key, facet]));
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  return keys.flatMap(key => {
    const [was, is] = [old.get(key), now.get(key)];
    const valueBefore = was?.values ?? [];
    const valueAfter = is?.values ?? [];
    if (JSON.stringify(valueBefore) === JSON.stringify(valueAfter)) return [];
    const type = (is ?? was) as Facet;
    return [{ type: type.type, value_before: valueBefore, value_after: valueAfter }];
  });
}

function nameFacet(name: string): Facet {
  return { key: 'name', type: 'name_field_changed', values: [{ name_field_value: { name } }] };
}

function responsibleFacet(userId: number): Facet {
  return {
    key: 'responsible',
    type: 'entity_responsible_changed',
    values: [{ responsible_user: { id: userId } }],
  };
}

/** One facet per filled custom field: its whole value list, each value as text. */
function fieldFacets(fields: CustomFieldValues[] | null): Facet[] {
  return (fields ?? []).map(field => ({
    key: `field:${field.field_id}`,
    type: 'custom_field_value_changed',
    values: field.values.map(value => ({
      custom_field_value: {
        field_id: field.field_id,
        field_type: FIELD_TYPE_NUMBERS[field.field_type] ?? null,
        enum_id: value.enum_id ?? null,
        text: String(value.value),
      },
    })),
  }));
}
