// The invariants checked after a schedule has recovered to quiescence. They compare three
// things: what people last wrote in each row (tracked by a tag the person keeps in the
// Комментарий column, which the sync never writes, so a row is followed through inserts, sorts
// and deletes), what managers last changed in AmoCRM, and the final sheet and account.
// The conflict rule: a later change wins, field by field.

import { MAIN_PIPELINE } from '../amo-fake';
import type { ContactRecord, LeadRecord } from '../amo-fake';
import { normalizePhone } from '../../src/domain/phone';
import { HEADERS, SHEET, SOURCE, TAG, type Arena } from './arena';

export interface Intent {
  value: unknown;
  /** A person kept a formula in the cell (its value is `value`). */
  formula?: string;
  /** When, in the schedule's order of actions. */
  seq: number;
  /**
   * A person's edit, tracked by the random explorer: Apps Script gives an edit no time of its
   * own, so it counts from when a syncing run first read it (`seenSeq`); `doneSeq` is when that
   * run ended (never, when it was killed: it may or may not have sent the edit). Unset
   * `seenSeq` with `tracked`: no run saw it before recovery, so it is the later change.
   */
  tracked?: boolean;
  /**
   * A new row's value: typed while the row had no lead (the random explorer: also before any
   * syncing run read the row; a later edit of it is a change). A new row does not rename a customer AmoCRM already knows
   * (README, conflict rule): its name counts only when its row made the contact.
   */
  unlinked?: boolean;
  seenBy?: string;
  seenSeq?: number;
  doneSeq?: number;
  /**
   * Later runs that read the edit while AmoCRM did not hold it yet (a retry, a Sync now): each
   * may send it, so a manager's change while one of them runs is as late as the edit too (a run
   * reads AmoCRM, then writes: nothing makes that atomic). `to`: its end (never, if killed).
   */
  resent?: Array<{ by: string; from: number; to?: number }>;
}

/** Whether AmoCRM holds a person's value of a field of the row linking this lead/contact. */
export function heldInAmo(
  arena: Arena,
  ids: { deal: unknown; contact: unknown },
  field: string,
  value: unknown
): boolean {
  const lead = arena.admin.lead(Number(ids.deal));
  const contact = arena.admin.contact(Number(ids.contact));
  if (field === 'budget') return !!lead && budgetOf(value) === (lead.price ?? 0);
  if (field === 'source') {
    const text = (v: unknown) => String(v ?? '').trim();
    return !!lead && text(value) === text(fieldValue(lead, arena.sourceFieldId));
  }
  if (!contact) return false;
  const norm = NORMALIZE[field as 'name' | 'phone' | 'email'];
  if (field === 'name') return norm(contact.name) === norm(value);
  const code = field === 'phone' ? 'PHONE' : 'EMAIL';
  return allValues(contact, code).some(v => norm(v) === norm(value));
}

/** Records what someone last did to one field of a row (by tag), a lead or a contact (by id). */
export function recordIntent<K>(
  map: Map<K, Map<string, Intent>>,
  key: K,
  field: string,
  intent: Intent
): void {
  let fields = map.get(key);
  if (!fields) map.set(key, (fields = new Map<string, Intent>()));
  fields.set(field, intent);
}

export interface Intents {
  /** By row tag: name, phone, email, budget as the person last wrote them. */
  person: Map<string, Map<string, Intent>>;
  /** By lead id: budget and status as a manager last set them. */
  lead: Map<number, Map<string, Intent>>;
  /** By contact id: name, phone, email as a manager last set them. */
  contact: Map<number, Map<string, Intent>>;
}

export interface Failure {
  invariant: string;
  detail: string;
}

export const INVARIANTS = {
  oneLead: 'every data row has exactly one live lead, no lead linked from two rows',
  keepsLead: 'a row keeps the lead it was first linked to',
  newLead: 'a lead a manager created in AmoCRM becomes exactly one row, showing its values',
  oneContact: 'no contact is created twice for the same email or phone',
  oneField: 'the "Sheet row ID" lead field exists once',
  ownContact: 'a copy made a new customer gets a contact of its own',
  personValue: "a person's last value reaches AmoCRM and stays in the row",
  managerValue: "a manager's later change reaches the row",
  formula: "a person's formula stays a formula",
  unmeantWrite: 'no cell the sync did not mean to change is written',
  readWrite: 'a flow writes the synced sheet only with no other service call since it read it',
  exception: 'no uncaught exception',
  requestLoop: 'no request loop (≤ 40 requests per execution)',
  quiescence: 'recovery settles',
} as const;

const MAX_REQUESTS = 40;

interface Context {
  arena: Arena;
  intents: Intents;
  firstLead: Map<string, string>;
  /** Executions a fault was injected into: their uncaught errors are the fault's. */
  faulted: Set<string>;
  /** Pasted copies a person then made a new customer: [copy tag, source tag]. */
  conversions?: Array<[string, string]>;
  /** Leads a manager created in AmoCRM while IMPORT_NEW_LEADS was on. */
  createdLeads?: number[];
}

export function checkInvariants(ctx: Context): Failure[] {
  const out: Failure[] = [];
  const fail = (key: keyof typeof INVARIANTS, detail: string): void => {
    out.push({ invariant: key, detail });
  };
  const { rt, admin } = ctx.arena;
  const state = admin.state();
  const leads = new Map(state.leads.map(l => [l.id, l]));
  const contacts = new Map(state.contacts.map(c => [c.id, c]));
  const values = rt.spreadsheet.values(SHEET);
  const formulas = rt.spreadsheet.formulas(SHEET);
  const col = (h: string): number => HEADERS.indexOf(h);
  const rows = values.slice(1).map((line, i) => ({
    row: i + 2,
    tag: String(line[col(TAG)] ?? ''),
    get: (h: string) => line[col(h)] ?? '',
    formula: (h: string) => formulas[i + 1]?.[col(h)] ?? '',
  }));
  const tagged = rows.filter(r => ctx.intents.person.has(r.tag));
  const created = new Set((ctx.createdLeads ?? []).map(String));
  checkNewLeads(rows, created, leads, fail);
  for (const r of rows) {
    if (ctx.intents.person.has(r.tag)) continue;
    if (r.tag === '' && created.has(String(r.get('amo_deal_id')))) continue;
    const written = HEADERS.filter(h => String(r.get(h)) !== '');
    if (written.length > 0) {
      fail('unmeantWrite', `row ${r.row}, which no person filled, holds ${written.join(', ')}`);
    }
  }

  const byDeal = new Map<string, string[]>();
  const dealOf = new Map(tagged.map(r => [r.tag, String(r.get('amo_deal_id'))]));
  const sourceOf = new Map(ctx.conversions ?? []);
  for (const r of tagged) {
    const deal = String(r.get('amo_deal_id'));
    const label = `row ${r.row} (${r.tag})`;
    if (!/^\d+$/.test(deal)) {
      fail(
        'oneLead',
        `${label} has no lead (amo_deal_id "${deal}", sync_status "${short(r.get('sync_status'))}")`
      );
      continue;
    }
    byDeal.set(deal, [...(byDeal.get(deal) ?? []), label]);
    const lead = leads.get(Number(deal));
    if (!lead || lead.is_deleted) fail('oneLead', `${label} links lead ${deal}, which is not live`);
    const first = ctx.firstLead.get(r.tag);
    // A copy pasted from a row not yet synced shares its external_id, so the lead's write-back
    // may link either of the two identical rows; once the copy is made a new customer the lead
    // goes to the row that still matches it, its source: not a lead taken from a row.
    const backToSource = first !== undefined && dealOf.get(sourceOf.get(r.tag) ?? '') === first;
    if (first !== undefined && first !== deal && !backToSource) {
      fail('keepsLead', `${label} was linked to lead ${first}, now to ${deal}`);
    }
  }
  for (const [deal, labels] of byDeal) {
    if (labels.length > 1) fail('oneLead', `lead ${deal} is linked from ${labels.join(' and ')}`);
  }
  const rowIdFields = state.leadFields.filter(f => f.name === 'Sheet row ID');
  if (rowIdFields.length > 1) {
    fail('oneField', `${rowIdFields.length} lead fields are named "Sheet row ID"`);
  }
  const rowIdField = rowIdFields[0]?.id;
  const liveWithId = state.leads.filter(l => !l.is_deleted && rowIdOf(l, rowIdField) !== '');
  const leadsByRowId = new Map<string, number[]>();
  for (const l of liveWithId) {
    const id = rowIdOf(l, rowIdField);
    leadsByRowId.set(id, [...(leadsByRowId.get(id) ?? []), l.id]);
  }
  for (const r of tagged) {
    const ids = leadsByRowId.get(String(r.get('external_id'))) ?? [];
    if (ids.length > 1) {
      fail('oneLead', `row ${r.row} (${r.tag}) has ${ids.length} live leads: ${ids.join(', ')}`);
    }
  }

  checkContacts(state.contacts, fail);

  for (const r of tagged) {
    const label = `row ${r.row} (${r.tag})`;
    const lead = leads.get(Number(r.get('amo_deal_id')));
    if (!lead || lead.is_deleted) continue;
    const person = ctx.intents.person.get(r.tag) ?? new Map<string, Intent>();
    const managerLead = ctx.intents.lead.get(lead.id) ?? new Map<string, Intent>();
    // budget ⇄ price
    fieldCheck(fail, label, 'budget', person.get('budget'), managerLead.get('budget'), {
      row: budgetOf(r.get('budget')),
      rowFormula: r.formula('budget'),
      amo: lead.price ?? 0,
      norm: budgetOf,
    });
    // the mapped lead field (SOURCE's column) ⇄ the lead's custom field
    const text = (v: unknown) => String(v ?? '').trim();
    fieldCheck(fail, label, SOURCE, person.get('source'), managerLead.get('source'), {
      row: text(r.get(SOURCE)),
      rowFormula: r.formula(SOURCE),
      amo: text(fieldValue(lead, ctx.arena.sourceFieldId)),
      norm: text,
    });
    // status (only managers change it)
    const status = statusName(lead.status_id);
    const wanted = managerLead.get('status');
    if (wanted && wanted.value !== status) {
      fail(
        'managerValue',
        `${label}: lead ${lead.id} status is "${status}", the manager set "${String(wanted.value)}"`
      );
    }
    if (String(r.get('status')) !== status) {
      fail(
        'managerValue',
        `${label}: row shows status "${String(r.get('status'))}", AmoCRM has "${status}"`
      );
    }
    // Contact fields: the contact is shared by every row linking it (the same customer typed
    // twice), so the latest change of its name among all of them and the managers' wins, in
    // every row. A contact holds several phones and emails: each row keeps its own one when
    // the contact holds it among others (the sync's rule), else shows the contact's first.
    const contactId = String(r.get('amo_contact_id'));
    const contact = contacts.get(Number(contactId));
    if (!contact) continue;
    const sharing = tagged.filter(o => String(o.get('amo_contact_id')) === contactId);
    // The row that made the contact: its lead was made with the contact (or before it, when
    // the row got a contact of its own later); a row whose lead came after the contact reused
    // a customer AmoCRM knew. Of several, the one with the first lead.
    const made = sharing.filter(
      o => (leads.get(Number(o.get('amo_deal_id')))?.created_at ?? Infinity) <= contact.created_at
    );
    const maker =
      made.length === 0
        ? undefined
        : made.reduce((a, b) =>
            Number(b.get('amo_deal_id')) < Number(a.get('amo_deal_id')) ? b : a
          );
    const managerContact = ctx.intents.contact.get(contact.id) ?? new Map<string, Intent>();
    for (const field of ['name', 'phone', 'email'] as const) {
      const norm = NORMALIZE[field];
      let latest: Intent | undefined;
      let latestTag = r.tag;
      for (const o of field === 'name' ? sharing : [r]) {
        const intent = ctx.intents.person.get(o.tag)?.get(field);
        if (field === 'name' && intent?.unlinked && o !== maker) continue;
        if (intent && (!latest || intent.seq > latest.seq)) [latest, latestTag] = [intent, o.tag];
      }
      const who =
        latestTag === r.tag ? label : `${label} (contact ${contactId} shared with ${latestTag})`;
      const own = norm(r.get(field));
      const held =
        field === 'name'
          ? []
          : allValues(contact, field === 'phone' ? 'PHONE' : 'EMAIL').map(v => norm(v));
      fieldCheck(fail, who, field, latest, managerContact.get(field), {
        row: own,
        rowFormula: r.formula(field),
        amo: held.includes(own) ? own : norm(contactValue(contact, field)),
        norm,
      });
    }
  }

  // A copy turned into a new customer is a customer of its own: it must not share (and so
  // rename) the contact of the row it was copied from.
  for (const [copy, source] of ctx.conversions ?? []) {
    const a = tagged.find(r => r.tag === copy);
    const b = tagged.find(r => r.tag === source);
    const id = String(a?.get('amo_contact_id') ?? '');
    if (a && b && /^\d+$/.test(id) && id === String(b.get('amo_contact_id'))) {
      fail(
        'ownContact',
        `row ${a.row} (${copy}), made a new customer, shares contact ${id} with row ${b.row} (${source}) it was copied from`
      );
    }
  }

  for (const result of rt.executions) {
    if (result.error && !result.killed && !ctx.faulted.has(result.executionId)) {
      fail(
        'exception',
        `${result.executionId} ${result.fnName} threw: ${short(result.error.split('\n')[0])}`
      );
    }
    if (result.counters.httpRequests > MAX_REQUESTS) {
      fail(
        'requestLoop',
        `${result.executionId} ${result.fnName} sent ${result.counters.httpRequests} requests`
      );
    }
  }
  return out;
}

/** Each created lead that is still live is the row of exactly one line, with its price. */
function checkNewLeads(
  rows: Array<{ row: number; tag: string; get: (h: string) => unknown }>,
  created: Set<string>,
  leads: Map<number, LeadRecord>,
  fail: (key: keyof typeof INVARIANTS, detail: string) => void
): void {
  for (const id of created) {
    const lead = leads.get(Number(id));
    if (!lead || lead.is_deleted) continue;
    const linking = rows.filter(r => String(r.get('amo_deal_id')) === id);
    if (linking.length !== 1) {
      fail('newLead', `lead ${id} "${lead.name}" is linked from ${linking.length} rows`);
      continue;
    }
    const [r] = linking;
    if (r.tag !== '') {
      fail(
        'newLead',
        `lead ${id} "${lead.name}" was taken by the person's row ${r.row} (${r.tag})`
      );
      continue;
    }
    const budget = Number(r.get('budget') || 0);
    if (budget !== (lead.price ?? 0)) {
      fail(
        'newLead',
        `row ${r.row} of lead ${id} shows budget ${budget}, AmoCRM has ${lead.price}`
      );
    }
  }
}

/** The later of the person's and the manager's change wins; row and AmoCRM must both show it. */
function fieldCheck(
  fail: (key: keyof typeof INVARIANTS, detail: string) => void,
  label: string,
  field: string,
  person: Intent | undefined,
  manager: Intent | undefined,
  seen: { row: unknown; rowFormula: string; amo: unknown; norm: (v: unknown) => unknown }
): void {
  const personAt = !person?.tracked
    ? (person?.seq ?? -1)
    : (person.seenSeq ?? Number.POSITIVE_INFINITY);
  // A manager's change made while the run that read the person's edit was sending it is as
  // late as the edit: either may win, but the row and AmoCRM must agree.
  const within = (from: number, to: number | undefined) =>
    manager !== undefined && manager.seq >= from && manager.seq <= (to ?? Infinity);
  const concurrent =
    (person?.seenSeq !== undefined && within(person.seenSeq, person.doneSeq)) ||
    (person?.resent ?? []).some(w => within(w.from, w.to));
  if (concurrent) {
    if (seen.row !== seen.amo && !seen.rowFormula) {
      fail('managerValue', `${label}: row ${field} ${show(seen.row)} ≠ AmoCRM ${show(seen.amo)}`);
    }
    return;
  }
  const managerWins = manager !== undefined && (person === undefined || manager.seq > personAt);
  if (managerWins) {
    const want = seen.norm(manager.value);
    if (seen.amo !== want) {
      fail(
        'managerValue',
        `${label}: AmoCRM ${field} is ${show(seen.amo)}, the manager's later change was ${show(want)}`
      );
    } else if (seen.row !== want && !seen.rowFormula) {
      // (A formula the person keeps in the cell is never replaced: it shows its own value.)
      fail(
        'managerValue',
        `${label}: row ${field} shows ${show(seen.row)}, the manager's later change ${show(want)} never arrived`
      );
    }
    return;
  }
  if (person === undefined) {
    if (seen.row !== seen.amo) {
      fail('managerValue', `${label}: row ${field} ${show(seen.row)} ≠ AmoCRM ${show(seen.amo)}`);
    }
    return;
  }
  const want = seen.norm(person.value);
  if (seen.row !== want) {
    fail(
      'personValue',
      `${label}: the person's ${field} ${show(want)} was reverted to ${show(seen.row)}`
    );
  } else if (seen.amo !== want) {
    fail(
      'personValue',
      `${label}: the person's ${field} ${show(want)} never reached AmoCRM (it has ${show(seen.amo)})`
    );
  }
  if (person.formula && seen.rowFormula !== person.formula) {
    fail(
      'formula',
      `${label}: the person's ${field} formula ${person.formula} was replaced (${show(seen.rowFormula || seen.row)})`
    );
  }
}

function checkContacts(
  contacts: ContactRecord[],
  fail: (key: keyof typeof INVARIANTS, detail: string) => void
): void {
  const owners = new Map<string, number[]>();
  for (const c of contacts) {
    if (c.is_deleted) continue;
    const keys = new Set<string>();
    for (const v of allValues(c, 'EMAIL')) keys.add(`email ${String(NORMALIZE.email(v))}`);
    for (const v of allValues(c, 'PHONE')) keys.add(`phone ${String(NORMALIZE.phone(v))}`);
    for (const key of keys) owners.set(key, [...(owners.get(key) ?? []), c.id]);
  }
  for (const [key, ids] of owners) {
    if (ids.length > 1)
      fail('oneContact', `${ids.length} contacts (${ids.join(', ')}) have ${key}`);
  }
}

const NORMALIZE = {
  name: (v: unknown): unknown => String(v ?? '').trim(),
  email: (v: unknown): unknown =>
    String(v ?? '')
      .trim()
      .toLowerCase(),
  phone: (v: unknown): unknown => {
    const parsed = normalizePhone(v, 'RU');
    return parsed.ok ? (parsed.value ?? '') : String(v ?? '');
  },
};

function budgetOf(v: unknown): unknown {
  if (v === '' || v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : String(v);
}

function allValues(c: ContactRecord, code: string): string[] {
  const f = (c.custom_fields_values ?? []).find(x => x.field_code === code);
  return (f?.values ?? []).map(v => String(v.value ?? ''));
}

function contactValue(c: ContactRecord, field: 'name' | 'phone' | 'email'): string {
  if (field === 'name') return c.name;
  return allValues(c, field === 'phone' ? 'PHONE' : 'EMAIL')[0] ?? '';
}

/** The first value of a lead's custom field, or ''. */
function fieldValue(lead: LeadRecord, fieldId: number): unknown {
  const field = (lead.custom_fields_values ?? []).find(f => f.field_id === fieldId);
  return field?.values[0]?.value ?? '';
}

function rowIdOf(lead: LeadRecord, fieldId: number | undefined): string {
  const f = (lead.custom_fields_values ?? []).find(x => x.field_id === fieldId);
  return String(f?.values?.[0]?.value ?? '');
}

function statusName(id: number): string {
  return MAIN_PIPELINE.statuses.find(s => s.id === id)?.name ?? `status ${id}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function short(v: unknown): string {
  const text = String(v ?? '');
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
