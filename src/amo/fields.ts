// Reading and writing the custom fields the sync cares about: a contact's PHONE and EMAIL
// (multitext system fields, written by `field_code` with `enum_code` WORK) and a lead's main
// contact. Kept apart from the sync's own normalisation: values pass through as given.

import type { Contact, CustomFieldValue, CustomFieldValueInput, Lead } from './types';

export const PHONE_FIELD = 'PHONE';
export const EMAIL_FIELD = 'EMAIL';
/** The enum code new phone and email values get. */
export const WORK_ENUM = 'WORK';

/** The PHONE/EMAIL fields to send for a contact; a missing or empty value is left out. */
export function phoneEmailFields(values: {
  phone?: string | null;
  email?: string | null;
}): CustomFieldValueInput[] {
  const out: CustomFieldValueInput[] = [];
  if (values.phone) out.push(workValue(PHONE_FIELD, values.phone));
  if (values.email) out.push(workValue(EMAIL_FIELD, values.email));
  return out;
}

function workValue(fieldCode: string, value: string): CustomFieldValueInput {
  return workValues(fieldCode, [value]);
}

/** A PHONE or EMAIL field with these values, each with the enum code new values get. */
export function workValues(fieldCode: string, values: string[]): CustomFieldValueInput {
  return { field_code: fieldCode, values: values.map(value => ({ value, enum_code: WORK_ENUM })) };
}

/** Every value of the field with `fieldCode` (e.g. all phones of a contact), as text. */
export function fieldValues(
  entity: { custom_fields_values?: CustomFieldValue[] | null },
  fieldCode: string
): string[] {
  const out: string[] = [];
  for (const field of entity.custom_fields_values ?? []) {
    if (field.field_code !== fieldCode) continue;
    for (const v of field.values ?? []) {
      if (v.value !== null && v.value !== undefined && v.value !== '') out.push(String(v.value));
    }
  }
  return out;
}

/** A contact's phones. */
export function contactPhones(contact: Contact): string[] {
  return fieldValues(contact, PHONE_FIELD);
}

/** A contact's emails. */
export function contactEmails(contact: Contact): string[] {
  return fieldValues(contact, EMAIL_FIELD);
}

/** The lead's main contact (read with `with=contacts`), else its first one, else null. */
export function mainContactId(lead: Lead): number | null {
  const contacts = lead._embedded?.contacts ?? [];
  const main = contacts.find(c => c.is_main) ?? contacts[0];
  return main ? main.id : null;
}
