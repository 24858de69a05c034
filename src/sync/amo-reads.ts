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
import { AmoError } from '../amo/errors';
import type { Contact, CustomField, Lead } from '../amo/types';
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

/** Set while the field cannot be made (no admin right): epoch ms until which not to try. */
const ROW_ID_FIELD_DENIED = 'SYNC_ROW_ID_FIELD_DENIED';
/** How long a 403 on creating the field is remembered before asking again. */
const DENIED_FOR_MS = 60 * 60 * 1000;

/**
 * The id of the lead custom field that carries each row's external_id, so a lead whose
 * creation never reached the sheet (the execution died) can be found and adopted instead of
 * created again. Found by name (an admin may have made it), else made on first need (or at
 * setup) and remembered.
 *
 * Creating custom fields is for administrators only (Kommo "Add custom fields"). With a
 * non-admin token AmoCRM answers 403: the answer is then `null` for an hour (remembered, so
 * each run does not ask again) and the caller creates leads without the field.
 */
export function rowIdFieldId(
  amo: AmoRunner,
  props: KeyValueStore,
  now?: number,
  leadFields?: Array<Pick<CustomField, 'id' | 'name'>>
): number | null {
  const known = Number(props.get(STATE.rowIdField) ?? '');
  if (known > 0) return known;
  const clock = now ?? Date.now();
  const deniedUntil = Number(props.get(ROW_ID_FIELD_DENIED) ?? '') || 0;
  // The caller may have just read the lead fields (setup reads them for mapped columns).
  const fields =
    leadFields ??
    fetchAllPages(amo, page => listLeadCustomFields({ page, limit: AMO_LIMITS.pageSize }));
  let id = fields.find(f => f.name === ROW_ID_FIELD_NAME)?.id ?? null;
  if (id === null && clock < deniedUntil) return null;
  if (id === null) {
    try {
      const spec = [{ name: ROW_ID_FIELD_NAME, type: 'text', sort: 1000 }];
      id = amo.run(createLeadCustomFields(spec))[0].id;
    } catch (e) {
      if (!(e instanceof AmoError) || e.status !== 403) throw e;
      props.set(ROW_ID_FIELD_DENIED, String(clock + DENIED_FOR_MS));
      return null;
    }
  }
  props.set(STATE.rowIdField, String(id));
  props.delete(ROW_ID_FIELD_DENIED);
  return id;
}

/** Forgets the remembered field id: the next rowIdFieldId() finds or makes it again. */
export function forgetRowIdField(props: KeyValueStore): void {
  props.delete(STATE.rowIdField);
}

/**
 * True when AmoCRM refused a write because a custom field it names no longer exists (an admin
 * deleted the "Sheet row ID" field): the 400 `validation-errors` path ends in `.field_id`.
 * Works on the AmoError or on the message it produced.
 */
export function isUnknownFieldError(error: AmoError | string): boolean {
  if (typeof error !== 'string') {
    const paths = (error.validationErrors ?? []).map(v => v.path ?? '');
    if (error.status === 400 && paths.some(p => /custom_fields_values\.\d+\.field_id$/.test(p)))
      return true;
    return isUnknownFieldError(error.message);
  }
  return /\(400\).*custom_fields_values\.\d+\.field_id\b/.test(error);
}

/**
 * After a push: when creates failed because the remembered field is gone, forget it and let
 * those rows be retried (their failure is not permanent: the next run makes the field again,
 * or creates without it). Returns true when it healed something.
 */
export function healRowIdField(
  props: KeyValueStore,
  outcomes: Iterable<{ kind: string; message?: string; permanent?: boolean }>
): boolean {
  let healed = false;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'failed' || !outcome.message || !isUnknownFieldError(outcome.message))
      continue;
    outcome.permanent = false;
    healed = true;
  }
  if (healed) forgetRowIdField(props);
  return healed;
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
