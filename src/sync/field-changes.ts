// AmoCRM keeps one updated_at per lead or contact: a manager who moves the stage after changing
// the budget hides when the budget changed. Where that decides something — a person's value the
// sync saw unsent meets another value in AmoCRM, and the record changed after the person's value
// was first seen — the account's event list tells whether that very field changed since
// (https://www.amocrm.ru/developers/content/crm_platform/events-and-notes). One listing per kind
// of record answers every such question of a run; none is made when no record changed after a
// waiting value. Without an answer (the listing failed), the record's time decides, as before.
import { fetchPages } from '../amo/batching';
import { listEvents } from '../amo/calls';
import type { AmoRunner } from '../amo/client';
import type { AmoEvent, Contact, Lead } from '../amo/types';
import type { FieldColumn } from '../fields/columns';
import { PIPELINE_KEY, STATUS_KEY } from '../fields/deal-keys';
import type { SyncField } from './row-memory';

/** Where a field's changes are logged, and the record's own last change (epoch ms). */
export interface ChangeRef {
  entity: 'lead' | 'contact';
  id: number;
  type: 'name_field_changed' | 'sale_field_changed' | 'lead_status_changed' | 'custom_field';
  /** The custom field (type `custom_field`). */
  fieldId?: number;
  at: number;
}

/**
 * A field's latest change (unix seconds) since the earliest question asked of its kind of
 * record; null: none since then; undefined: not asked, or the listing failed.
 */
export type ChangeAnswers = ((ref: ChangeRef) => number | null | undefined) & {
  /**
   * Every value (as AmoCRM lists them) the field held from `since` (epoch ms) on, by its
   * logged changes. Null: no change since; undefined: not known.
   */
  valuesHeld?: (ref: ChangeRef, since: number) => string[] | null | undefined;
};

export const NO_ANSWERS: ChangeAnswers = () => undefined;

/** The records a field's value comes from. */
export interface ChangeSource {
  lead?: Lead;
  contact: Contact | null;
}

/** Where a field's changes are logged; null when only the record's time can tell. */
export function changeRef(
  field: SyncField,
  src: ChangeSource,
  column?: Pick<FieldColumn, 'side' | 'def' | 'codec'>
): ChangeRef | null {
  const lead = src.lead && {
    entity: 'lead' as const,
    id: src.lead.id,
    at: src.lead.updated_at * 1000,
  };
  const contact = src.contact && {
    entity: 'contact' as const,
    id: src.contact.id,
    at: src.contact.updated_at * 1000,
  };
  if (field === 'name') return contact ? { ...contact, type: 'name_field_changed' } : null;
  if (field === 'budget') return lead ? { ...lead, type: 'sale_field_changed' } : null;
  if (field === STATUS_KEY || field === PIPELINE_KEY) {
    return lead ? { ...lead, type: 'lead_status_changed' } : null;
  }
  if (field === 'phone' || field === 'email') {
    const fieldId = contactFieldId(src.contact, field === 'phone' ? 'PHONE' : 'EMAIL');
    return contact && fieldId !== undefined ? { ...contact, type: 'custom_field', fieldId } : null;
  }
  // A column read from the lead itself (responsible, tags…) has no one field to look up.
  if (!column?.def || !column.codec || column.codec.fromLead) return null;
  const record = column.side === 'lead' ? lead : contact;
  return record ? { ...record, type: 'custom_field', fieldId: column.def.id } : null;
}

/**
 * AmoCRM's value changed after `since`: the record's time says no, or says maybe and the event
 * list (when asked) says which.
 */
export function changedAfter(
  cell: { at: number; ref?: ChangeRef | null },
  since: number,
  answers: ChangeAnswers
): boolean {
  if (cell.at <= since) return false;
  const latest = cell.ref ? answers(cell.ref) : undefined;
  return latest === undefined || (latest !== null && latest * 1000 > since);
}

/** A question worth asking: the record changed after the waiting value was first seen. */
function worthAsking(ref: ChangeRef | null, since: number): ref is ChangeRef {
  return ref !== null && ref.at > since;
}

/**
 * Lists the named records' events since the earliest question worth asking (its record changed
 * after `since`; a field with no ref is not asked) and answers every such question.
 */
export function askChanges(
  amo: AmoRunner,
  questions: Array<{ ref: ChangeRef | null; since: number }>
): ChangeAnswers {
  const asked = questions.flatMap(q => (worthAsking(q.ref, q.since) ? [{ ...q, ref: q.ref }] : []));
  if (asked.length === 0) return NO_ANSWERS;
  const logs = new Map<'lead' | 'contact', Map<string, FieldEvent[]> | null>();
  for (const entity of ['lead', 'contact'] as const) {
    const mine = asked.filter(q => q.ref.entity === entity);
    if (mine.length > 0) logs.set(entity, fieldEvents(amo, entity, mine));
  }
  const askedKeys = new Set(asked.map(q => keyOf(q.ref)));
  const eventsOf = (ref: ChangeRef) => {
    const log = logs.get(ref.entity);
    return !log || !askedKeys.has(keyOf(ref)) ? undefined : (log.get(keyOf(ref)) ?? []);
  };
  const answers: ChangeAnswers = ref => {
    const events = eventsOf(ref);
    if (!events) return undefined;
    return events.length === 0 ? null : Math.max(...events.map(e => e.at));
  };
  answers.valuesHeld = (ref, since) => {
    const events = eventsOf(ref)?.filter(e => e.at * 1000 >= since);
    if (!events) return undefined;
    return events.length === 0 ? null : events.flatMap(e => e.values);
  };
  return answers;
}

/** One logged change of a field: when (unix seconds), and the values before and after it. */
interface FieldEvent {
  at: number;
  values: string[];
}

/** Per field of a record, its logged changes; null when the listing failed. */
function fieldEvents(
  amo: AmoRunner,
  entity: 'lead' | 'contact',
  questions: Array<{ ref: ChangeRef; since: number }>
): Map<string, FieldEvent[]> | null {
  const ids = [...new Set(questions.map(q => q.ref.id))];
  const types = [...new Set(questions.map(q => eventType(q.ref)))];
  const from = Math.floor(Math.min(...questions.map(q => q.since)) / 1000);
  const [result] = fetchPages(amo, [page => listEvents({ entity, ids, types, from, page })], {
    maxPages: MAX_PAGES,
  });
  if (!result.ok) return null;
  const out = new Map<string, FieldEvent[]>();
  for (const event of result.value) {
    for (const key of eventKeys(entity, event)) {
      const listed = [...(event.value_before ?? []), ...(event.value_after ?? [])];
      const values = listed.flatMap(v => valueText(v, key));
      out.set(key, [...(out.get(key) ?? []), { at: event.created_at, values }]);
    }
  }
  return out;
}

/** The text of one listed value (a name, a price, a custom field's value) of this field. */
function valueText(value: unknown, key: string): string[] {
  const v = value as {
    name_field_value?: { name?: unknown };
    sale_field_value?: { sale?: unknown };
    custom_field_value?: { field_id?: unknown; text?: unknown };
  } | null;
  const text = v?.name_field_value?.name ?? v?.sale_field_value?.sale;
  if (text !== undefined && text !== null) return [String(text)];
  const cf = v?.custom_field_value;
  if (cf && key.endsWith(`:f${String(cf.field_id)}`) && cf.text !== undefined) {
    return [String(cf.text)];
  }
  return [];
}

/** A few pages (100 events each) of the named records' recent changes are plenty. */
const MAX_PAGES = 5;

function eventType(ref: ChangeRef): string {
  return ref.type === 'custom_field' ? `custom_field_${ref.fieldId}_value_changed` : ref.type;
}

function keyOf(ref: Pick<ChangeRef, 'entity' | 'id' | 'type' | 'fieldId'>): string {
  return `${ref.entity}:${ref.id}:${ref.type === 'custom_field' ? `f${ref.fieldId}` : ref.type}`;
}

function eventKeys(entity: 'lead' | 'contact', event: AmoEvent): string[] {
  const base = { entity, id: event.entity_id };
  if (event.type !== 'custom_field_value_changed') {
    return [keyOf({ ...base, type: event.type as ChangeRef['type'] })];
  }
  const ids = new Set(
    [...(event.value_after ?? []), ...(event.value_before ?? [])].flatMap(fieldIdOf)
  );
  return [...ids].map(fieldId => keyOf({ ...base, type: 'custom_field', fieldId }));
}

function fieldIdOf(value: unknown): number[] {
  const cf = (value as { custom_field_value?: { field_id?: unknown } } | null)?.custom_field_value;
  return typeof cf?.field_id === 'number' ? [cf.field_id] : [];
}

function contactFieldId(contact: Contact | null, code: string): number | undefined {
  return (contact?.custom_fields_values ?? []).find(f => f.field_code === code)?.field_id;
}
