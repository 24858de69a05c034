// Reads the sync makes of AmoCRM, shaped for as few round trips as possible: id lists become
// filter[id][] pages (src/amo/batching), and the account's contact list, when it is read
// whole, asks for its first pages together by the last known count.
import {
  AMO_LIMITS,
  createLeadCustomFields,
  listContacts,
  listLeadCustomFields,
} from '../amo/calls';
import {
  contactsByIds as contactPages,
  fetchAllPages,
  fetchPages,
  leadsByIds as leadPages,
} from '../amo/batching';
import type { AmoRunner } from '../amo/client';
import type { Contact, Lead } from '../amo/types';
import type { KeyValueStore } from '../ports';
import { STATE } from './config';

/** The leads with these ids, with their contacts; ids AmoCRM does not return are gone. */
export function leadsByIds(amo: AmoRunner, ids: number[]): Lead[] {
  return unwrap(
    fetchPages(amo, leadPages(ids, { with: ['contacts'], limit: AMO_LIMITS.pageSize }))
  );
}

export function contactsByIds(amo: AmoRunner, ids: number[]): Contact[] {
  return unwrap(fetchPages(amo, contactPages(ids, { limit: AMO_LIMITS.pageSize })));
}

/**
 * Every contact of the account. With a known count the pages go out together (page N of a
 * list ordered by id is stable), and the count is remembered for the next estimate.
 */
export function allContacts(amo: AmoRunner, props: KeyValueStore): Contact[] {
  const known = Number(props.get(STATE.contactsEstimate) ?? '0') || 0;
  const guess = Math.max(1, Math.ceil(known / AMO_LIMITS.pageSize));
  const page = (n: number) =>
    listContacts({ page: n, limit: AMO_LIMITS.pageSize, order: { field: 'id', direction: 'asc' } });
  const first = amo.runAll(Array.from({ length: guess }, (_, i) => page(i + 1)));
  const contacts: Contact[] = [];
  let last = 0;
  for (const result of first) {
    if (!result.ok) throw result.error;
    contacts.push(...result.value.items);
    last = result.value.page;
    if (!result.value.hasNext) {
      props.set(STATE.contactsEstimate, String(contacts.length));
      return contacts;
    }
  }
  contacts.push(...fetchAllPages(amo, n => page(n + last)));
  props.set(STATE.contactsEstimate, String(contacts.length));
  return contacts;
}

/** Pages a full contact read would take, from the last count seen (1,000 when unknown). */
export function contactPagesEstimate(props: KeyValueStore): number {
  const known = props.get(STATE.contactsEstimate);
  const count = known === null ? 1000 : Number(known) || 0;
  return Math.max(1, Math.ceil(count / AMO_LIMITS.pageSize));
}

export const ROW_ID_FIELD_NAME = 'Sheet row ID';

/**
 * The id of the lead custom field that carries each row's external_id, so a lead whose
 * creation never reached the sheet (the execution died) can be found and adopted instead of
 * created again. Made on first need (or at setup) and remembered.
 */
export function rowIdFieldId(amo: AmoRunner, props: KeyValueStore): number {
  const known = Number(props.get(STATE.rowIdField) ?? '');
  if (known > 0) return known;
  const fields = fetchAllPages(amo, page =>
    listLeadCustomFields({ page, limit: AMO_LIMITS.pageSize })
  );
  const existing = fields.find(f => f.name === ROW_ID_FIELD_NAME);
  const id =
    existing?.id ??
    amo.run(createLeadCustomFields([{ name: ROW_ID_FIELD_NAME, type: 'text', sort: 1000 }]))[0].id;
  props.set(STATE.rowIdField, String(id));
  return id;
}

/** The external_id a lead carries in the row-id field, or ''. */
export function leadExternalId(lead: Lead, fieldId: number): string {
  const field = (lead.custom_fields_values ?? []).find(f => f.field_id === fieldId);
  return String(field?.values?.[0]?.value ?? '');
}

function unwrap<T>(results: Array<{ ok: true; value: T[] } | { ok: false; error: Error }>): T[] {
  return results.flatMap(r => {
    if (!r.ok) throw r.error;
    return r.value;
  });
}
