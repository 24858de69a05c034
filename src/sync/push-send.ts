// The AmoCRM side of a push: find each new row's contact (searches, or the whole contact list
// when that is fewer requests), create leads — with their new contact through /leads/complex,
// or linked to an existing contact — and patch the leads and contacts of changed rows. All
// independent calls of a step go out in one paced fetchAll. Each row ends with an outcome.
import {
  AMO_LIMITS,
  createComplexLeads,
  createContacts,
  createLeads,
  linkContactsToLeads,
  searchContacts,
  updateContacts,
  updateLeads,
} from '../amo/calls';
import type { AmoCall } from '../amo/calls';
import { AmoError, Result } from '../amo/errors';
import type {
  ComplexLeadCreate,
  ContactCreate,
  ContactUpdate,
  CustomFieldValueInput,
  LeadCreate,
  LeadUpdate,
} from '../amo/types';
import { phoneSearchKey } from '../domain/phone';
import { displayName, RowData } from '../domain/row-data';
import { chunk as chunks } from '../amo/batching';
import { contactEmails, contactPhones, phoneEmailFields, workValues } from '../amo/fields';
import { accountContacts, contactReadCost, rememberCreated } from './account-contacts';
import { recordCreateWindow } from './create-windows';
import { ContactIndex } from './contact-index';
import type { SyncContext } from './context';
import { askChanges, ChangeAnswers, changeRef } from './field-changes';
import { fieldHash, type SyncField } from './row-memory';
import { fieldKey, showsSynced, type RowView } from './row-view';
import type { StaleEdit } from './stale-edits';
import type { FieldCell } from '../fields/sheet-fields';
import { customValues, dealMove, hasSide, leadPatch } from '../fields/field-writes';
import { companyIdOf, resolveCompanies } from '../fields/companies';
import type { KeyValueStore } from '../ports';

export interface CreateItem {
  externalId: string;
  data: RowData;
  /** The row's mapped cells that fit (custom fields): sent with the lead or contact. */
  mapped?: FieldCell[];
  /** Why some mapped cells do not fit: the row shows it once the rest is synced. */
  fieldError?: string;
  /**
   * When a syncing run first saw the new row (its id's time): its values are as old as that.
   * A contact it reuses that changed in AmoCRM since then (or in the same second) keeps its
   * values: the row's would be stale ones a manager replaced meanwhile (a customer typed twice,
   * a copy), and the pull brings the contact's into the row.
   */
  seenAt?: number;
}

export interface UpdateItem extends CreateItem {
  dealId: number;
  contactId: number | null;
  /** The fields a person changed since the last sync: only these are sent. */
  fields: SyncField[];
  /**
   * The row's email or phone changed, so it may now name another person. `shared`: its contact
   * is shared with other rows, so its lead gets that person's contact (found or made) instead
   * of the shared contact being rewritten under the other rows. `ifTaken`: its contact is its
   * own, and stays so unless another contact already has the new email or phone (then that
   * one is linked, rather than two contacts holding one email or phone).
   */
  relink?: 'shared' | 'ifTaken';
  /** The row has no memory (its run died): its write-back leaves it to the pull to write. */
  unremembered?: boolean;
  /**
   * The phones and emails the other rows sharing the contact show. When the contact stays the
   * row's (it still matches by the other value), the new value is added beside them rather
   * than replacing the one another row shows.
   */
  keep?: KeptValues;
  /** The row's memory of each field when the push read it. */
  seenBase?: Record<SyncField, string | undefined>;
  /** Fields an earlier run saw unsent: checked against AmoCRM before they are sent. */
  stale?: StaleEdit;
  /** Stale fields AmoCRM changed later: not sent, the row's pull shows AmoCRM's value. */
  held?: SyncField[];
}

/** What a shared contact keeps beside a row's new phone or email. */
export interface KeptValues {
  /** The values the other rows show as synced. */
  phones: string[];
  emails: string[];
  /** The hashes of the values this row replaces (its memory): the contact lets them go. */
  replaced?: { phone?: string; email?: string };
}

export type Outcome =
  /** `adopted`: made by an execution that did not finish, from the row as it was then. */
  | {
      kind: 'created';
      dealId: number;
      contactId: number | null;
      adopted?: boolean;
      /** The reused contact's first phone / email, where the row's own is another one. */
      firsts?: ContactFirsts;
      /** The reused contact's name (a new row does not rename a known customer). */
      contactName?: string;
      /** An adopted lead's name: the row's name when the dead run made it. */
      leadName?: string;
    }
  /**
   * `contactId`: the lead's main contact is now this one. `sentAt`: when its last request
   * was answered (runs overlap: a push that began later may have sent the same field first).
   */
  | { kind: 'updated'; contactId?: number; sentAt?: number }
  | { kind: 'failed'; message: string; permanent: boolean }
  /** A create whose answer never came: the lead may exist; recovery must look first. */
  | { kind: 'unknown'; message: string }
  /** Not attempted: the run ran out of time. */
  | { kind: 'deferred' };

export type Outcomes = Map<string, Outcome>;

export type ContactFirsts = Partial<Record<'phone' | 'email', string>>;

/** Calls per fetchAll step: the pacer sends 7 a second, so a step is about one second. */
const CALLS_PER_STEP = 7;

/**
 * The synced rows that link these contacts, read now (the AmoCRM side only reads them, and
 * only when a contact a new row reuses changed after the row was first seen: see laterChanges).
 */
export type RowsLinking = (contactIds: number[]) => RowView[];

export function sendPush(
  ctx: SyncContext,
  creates: CreateItem[],
  updates: UpdateItem[],
  rowIdField: number | null,
  linking: RowsLinking
): Outcomes {
  const outcomes: Outcomes = new Map();
  // Companies named in the rows are found or made first: the leads are written with their ids.
  resolveCompanies(ctx.amo, ctx.props, [
    ...creates.map(c => leadPatch(c, null).company ?? ''),
    ...updates.map(u => leadPatch(u, u.fields).company ?? ''),
  ]);
  creating.set(outcomes, creates.length);
  if (creates.length > 0) createAll(ctx, creates, rowIdField, outcomes, linking);
  creating.delete(outcomes);
  if (updates.length > 0) updateAll(ctx, sharedByNewRows(creates, updates, outcomes), outcomes);
  return outcomes;
}

/**
 * A new row made in this run may have linked the contact an update's row thought its own (the
 * same customer typed again while the first row changes its email or phone): that contact is
 * shared now, so the changed row gets a contact of its own instead of rewriting it.
 */
function sharedByNewRows(
  creates: CreateItem[],
  updates: UpdateItem[],
  outcomes: Outcomes
): UpdateItem[] {
  const linked = new Map<number, RowData[]>();
  for (const item of creates) {
    const outcome = outcomes.get(item.externalId);
    if (outcome?.kind !== 'created' || !outcome.contactId) continue;
    linked.set(outcome.contactId, [...(linked.get(outcome.contactId) ?? []), item.data]);
  }
  return updates.map(u => {
    const rows = u.relink === 'ifTaken' && u.contactId !== null ? linked.get(u.contactId) : null;
    if (!rows) return u;
    const values = (f: 'phone' | 'email') => [...new Set(rows.flatMap(r => r[f] ?? []))];
    return { ...u, relink: 'shared', keep: { phones: values('phone'), emails: values('email') } };
  });
}

// ---- creates -------------------------------------------------------------------------------

interface Plan {
  /** First row of each group of rows that share a new contact: created via complex. */
  leaders: CreateItem[];
  /** Rows whose contact already exists. */
  linked: Array<{ item: CreateItem; contactId: number; firsts?: ContactFirsts; name?: string }>;
  /** Rows that share a new contact with a leader: created once the leader's contact exists. */
  followers: Array<{ item: CreateItem; leader: string }>;
  /** Existing contacts that lack the row's phone or email (with the first row that asks). */
  contactPatches: Array<{ patch: ContactUpdate; item: CreateItem }>;
}

function createAll(
  ctx: SyncContext,
  items: CreateItem[],
  rowIdField: number | null,
  outcomes: Outcomes,
  linking: RowsLinking
): void {
  const startedAt = ctx.clock.now();
  const index = contactsOrFail(ctx, items, outcomes);
  if (!index) return;
  const answers = reusedChanges(ctx, index, items);
  const changedLater = laterChanges(index, items, answers, linking);
  const plan = planCreates(index, items, ctx.settings.region, changedLater);
  const leadOf = (item: CreateItem, contact?: number): LeadCreate =>
    newLead(ctx, item, rowIdField, contact);
  const at = rowOrder(items);
  const first = inRowOrder(ctx, [
    ...chunks(plan.leaders, AMO_LIMITS.complex).map(part => ({
      at: at(part[0]),
      step: complexStep(
        part,
        part.map(item => complexLead(leadOf(item), item))
      ),
    })),
    ...chunks(plan.linked, AMO_LIMITS.batch).map(part => ({
      at: at(part[0].item),
      step: leadsStep(
        part.map(p => p.item),
        part.map(p => leadOf(p.item, p.contactId)),
        part.map(p => p.contactId),
        part.map(p => ({ firsts: p.firsts, contactName: p.name }))
      ),
    })),
    ...chunks(plan.contactPatches, AMO_LIMITS.batch).map(part => ({
      at: at(part[0].item),
      step: patchContactsStep(part.map(p => p.patch)),
    })),
  ]);
  runSteps(ctx, first, outcomes);
  const followers = plan.followers.flatMap(f => {
    const leader = outcomes.get(f.leader);
    const item = plan.leaders.find(l => l.externalId === f.leader);
    if (leader?.kind === 'created' && leader.contactId && item)
      return [{ ...f, contactId: leader.contactId, from: item.data }];
    outcomes.set(f.item.externalId, leaderOutcome(leader));
    return [];
  });
  const second = [
    ...chunks(followers, AMO_LIMITS.batch).map(part =>
      leadsStep(
        part.map(p => p.item),
        part.map(p => leadOf(p.item, p.contactId)),
        part.map(p => p.contactId),
        part.map(p => ({ firsts: differing(p.from, p.item.data) }))
      )
    ),
    ...chunks(followerValues(index, plan.leaders, followers), AMO_LIMITS.batch).map(
      patchContactsStep
    ),
  ];
  runSteps(ctx, second, outcomes);
  rememberCreated(ctx, items, outcomes);
  recordCreateWindow(ctx, startedAt, outcomes);
}

/** The contact's first phone and email where the row's own differ (the row adds its second). */
function differing(
  first: Pick<RowData, 'phone' | 'email'>,
  own: RowData
): ContactFirsts | undefined {
  const firsts: ContactFirsts = {};
  for (const f of ['phone', 'email'] as const) {
    const value = first[f];
    if (value && own[f] && value !== own[f]) firsts[f] = value;
  }
  return Object.keys(firsts).length > 0 ? firsts : undefined;
}

/**
 * A new contact was made from its first row; the other new rows that share it (one person
 * typed twice, with a second phone or email) add theirs beside it, as a reused contact gets a
 * row's missing value. A value another contact holds is not added.
 */
function followerValues(
  index: ContactIndex,
  leaders: CreateItem[],
  followers: Array<{ item: CreateItem; contactId: number; from: RowData }>
): ContactUpdate[] {
  // Another new contact's phone or email is not added either.
  const taken = (from: RowData, value: string) =>
    index.match(value, value) !== null ||
    leaders.some(l => l.data !== from && (l.data.phone === value || l.data.email === value));
  const byContact = new Map<number, { phones: string[]; emails: string[] }>();
  for (const f of followers) {
    const lists = byContact.get(f.contactId) ?? {
      phones: f.from.phone ? [f.from.phone] : [],
      emails: f.from.email ? [f.from.email] : [],
    };
    const { phone, email } = f.item.data;
    if (phone && !lists.phones.includes(phone) && !taken(f.from, phone)) lists.phones.push(phone);
    if (email && !lists.emails.includes(email) && !taken(f.from, email)) lists.emails.push(email);
    byContact.set(f.contactId, lists);
  }
  const patches: ContactUpdate[] = [];
  for (const [id, { phones, emails }] of byContact) {
    const fields: CustomFieldValueInput[] = [];
    if (phones.length > 1) fields.push(workValues('PHONE', phones));
    if (emails.length > 1) fields.push(workValues('EMAIL', emails));
    if (fields.length > 0) patches.push({ id, custom_fields_values: fields });
  }
  return patches;
}

/** The contact index for these rows, or null when it could not be read (the rows fail). */
function contactsOrFail(
  ctx: SyncContext,
  items: CreateItem[],
  outcomes: Outcomes
): ContactIndex | null {
  try {
    return findContacts(ctx, items);
  } catch (e) {
    for (const item of items) outcomes.set(item.externalId, failure(e));
    return null;
  }
}

/**
 * Candidates for every new row's email and phone, in one round trip of searches, or from
 * the whole contact list when that takes fewer requests (a large paste, an import): the last
 * run's list and what changed since, or every page (src/sync/account-contacts.ts).
 */
function findContacts(ctx: SyncContext, items: CreateItem[]): ContactIndex {
  const index = new ContactIndex(ctx.settings.region);
  const emails = new Set(items.flatMap(i => (i.data.email ? [i.data.email] : [])));
  const phones = new Set(items.flatMap(i => (i.data.phone ? [phoneSearchKey(i.data.phone)] : [])));
  const queries = [...emails, ...phones];
  if (queries.length === 0) return index;
  if (queries.length <= contactReadCost(ctx)) {
    const pages = ctx.amo.runAll(
      queries.map(q => searchContacts(q, { limit: AMO_LIMITS.pageSize }))
    );
    for (const page of pages) {
      if (!page.ok) throw page.error;
      index.addAll(page.value.items);
    }
  } else {
    index.addAll(accountContacts(ctx));
  }
  return index;
}

/** Each item's position among the rows (the order they were read in). */
function rowOrder(items: CreateItem[]): (item: CreateItem) => number {
  const position = new Map(items.map((item, i) => [item, i]));
  return item => position.get(item) ?? 0;
}

/**
 * When the run cannot send every step (about a second per fetchAll of 7), the steps in the
 * order of their first row: when the run's time is up, the rows done are the first ones, in
 * one block, and the rest wait for the next run. (All new-contact leads
 * first would leave every tenth row, an existing contact's, undone between them: thousands of
 * small writes instead of one.)
 */
function inRowOrder(ctx: SyncContext, steps: Array<{ at: number; step: Step }>): Step[] {
  // When everything fits in the run's time, the order of the plan is kept: new contacts'
  // leads, then existing contacts' (a run that dies meanwhile has sent fewer links to them).
  const seconds = Math.ceil(steps.length / CALLS_PER_STEP);
  if (seconds * 1000 < ctx.workDeadline - ctx.clock.now()) return steps.map(s => s.step);
  return steps.sort((a, b) => a.at - b.at).map(s => s.step);
}

function planCreates(
  index: ContactIndex,
  items: CreateItem[],
  region: string,
  changedLater: LaterChange
): Plan {
  const plan: Plan = { leaders: [], linked: [], followers: [], contactPatches: [] };
  const newContacts = new ContactIndex(region);
  const patched = new Set<number>();
  for (const item of items) {
    const { email, phone } = item.data;
    const existing = index.match(email, phone);
    if (existing !== null) {
      // A new row does not rename a customer AmoCRM knows: the row shows the contact's name.
      plan.linked.push({
        item,
        contactId: existing,
        firsts: firstsOf(index, existing, item.data),
        name: index.contactOf(existing)?.name,
      });
      // The contact's phone (email) changed after the row was typed (not by another row's
      // push): AmoCRM's is the later one, the row's is not added to it.
      const patch = missingFields(existing, index, item.data, {
        phone: !changedLater(item, existing, 'phone'),
        email: !changedLater(item, existing, 'email'),
      });
      if (patch && !patched.has(existing)) {
        patched.add(existing);
        plan.contactPatches.push({ patch, item });
      }
      index.extend(existing, email, phone);
      continue;
    }
    const leader = matchLeader(newContacts, plan.leaders, email, phone);
    if (leader) {
      plan.followers.push({ item, leader: leader.externalId });
      continue;
    }
    newContacts.add(plan.leaders.length, {
      name: '',
      emails: email ? [email] : [],
      phones: phone ? [phone] : [],
    });
    plan.leaders.push(item);
  }
  return plan;
}

/**
 * Whether the contact changed in AmoCRM since the row was first seen. AmoCRM counts whole
 * seconds: a change in the same second counts as later (the row then shows AmoCRM's value).
 */
function changedSince(index: ContactIndex, id: number, seenAt: number | undefined): boolean {
  const updated = index.contactOf(id)?.updated_at;
  return seenAt !== undefined && updated !== undefined && updated >= Math.floor(seenAt / 1000);
}

/**
 * When this field of the contact last changed (unix seconds), if since the row was first seen
 * (events tell; without an answer, the contact's own time); null when it did not.
 */
function fieldChangeSince(
  index: ContactIndex,
  id: number,
  seenAt: number | undefined,
  field: ContactField,
  answers: ChangeAnswers
): number | null {
  if (seenAt === undefined || !changedSince(index, id, seenAt)) return null;
  const contact = index.contactOf(id);
  const ref = changeRef(field, { contact: contact ?? null });
  const latest = ref ? answers(ref) : undefined;
  if (latest === undefined) return contact?.updated_at ?? null;
  return latest !== null && latest >= Math.floor(seenAt / 1000) ? latest : null;
}

type ContactField = 'phone' | 'email';
/** Whether the reused contact's phone (email) changed later than the new row's value. */
type LaterChange = (item: CreateItem, contactId: number, field: ContactField) => boolean;

/**
 * A reused contact's phone (email) that changed after the new row was first seen is the later
 * value, unless another row linking the contact sent it: the same customer typed twice, whose
 * first row's person changed that value meanwhile. That is the other row's own value, not a
 * change of this row's (each row keeps its own phone and email; the contact holds both, as
 * when both rows are sent in one run). It sent it when that row shows the contact's value as
 * synced and its last push was answered no earlier than the change: a manager's change after
 * it (which that row may show by now) stays the later one. The rows are read only when some
 * reused contact changed.
 */
function laterChanges(
  index: ContactIndex,
  items: CreateItem[],
  answers: ChangeAnswers,
  linking: RowsLinking
): LaterChange {
  const changeOf = (item: CreateItem, id: number, field: ContactField) =>
    fieldChangeSince(index, id, item.seenAt, field, answers);
  const changed = items.flatMap(item => {
    const id = index.match(item.data.email, item.data.phone);
    if (id === null) return [];
    return changeOf(item, id, 'phone') !== null || changeOf(item, id, 'email') !== null ? [id] : [];
  });
  const rows = changed.length > 0 ? linking([...new Set(changed)]) : [];
  return (item, id, field) => {
    const at = changeOf(item, id, field);
    return at !== null && !rows.some(view => sentValue(view, index, id, field, at));
  };
}

/** The row shows a value the contact holds as synced, pushed no earlier than `at` (unix s). */
function sentValue(
  view: RowView,
  index: ContactIndex,
  id: number,
  field: ContactField,
  at: number
): boolean {
  const held = index.valuesOf(id)?.[field === 'phone' ? 'phones' : 'emails'] ?? [];
  return (
    view.contactId === id &&
    showsSynced(view, field) &&
    held.includes(view.keys[field]) &&
    (view.memory?.sentAt ?? 0) >= at * 1000
  );
}

/**
 * The contacts new rows reuse that changed after the row was first seen: the event list says
 * whether their phone or email did (the row's is then not added), or only something else.
 */
function reusedChanges(ctx: SyncContext, index: ContactIndex, items: CreateItem[]): ChangeAnswers {
  const questions = items.flatMap(item => {
    const id = index.match(item.data.email, item.data.phone);
    const seenAt = item.seenAt;
    if (id === null || seenAt === undefined || !changedSince(index, id, seenAt)) return [];
    const contact = index.contactOf(id) ?? null;
    // AmoCRM counts whole seconds: a change in the row's second is asked about too.
    return (['phone', 'email'] as const).flatMap(field => {
      const ref = changeRef(field, { contact });
      return ref ? [{ ref: { ...ref, at: ref.at + 999 }, since: seenAt }] : [];
    });
  });
  return askChanges(ctx.amo, questions);
}

/** The contact's first phone and email where the row's own differ (the row adds a second). */
function firstsOf(index: ContactIndex, id: number, data: RowData): ContactFirsts | undefined {
  const values = index.valuesOf(id);
  return differing({ phone: values?.phones[0] ?? null, email: values?.emails[0] ?? null }, data);
}

function matchLeader(
  newContacts: ContactIndex,
  leaders: CreateItem[],
  email: string | null,
  phone: string | null
): CreateItem | null {
  const i = newContacts.match(email, phone);
  return i === null ? null : leaders[i];
}

/**
 * A patch adding the row's phone or email to a reused contact that lacks it. AmoCRM replaces
 * a field's whole value list, so the contact's own values are sent along, unchanged. A value
 * another contact already holds is not added: that would make two contacts with one phone
 * (a row matched by email whose phone belongs to someone else's contact).
 */
function missingFields(
  id: number,
  index: ContactIndex,
  data: RowData,
  adding = { phone: true, email: true }
): ContactUpdate | null {
  const values = index.valuesOf(id);
  if (!values) return null;
  const fields: CustomFieldValueInput[] = [];
  const lacks = (kind: 'email' | 'phone', value: string | null, have: string[]) =>
    adding[kind] && value && !have.includes(value) && !index.heldByOther(id, kind, value)
      ? value
      : null;
  const addPhone = lacks('phone', data.phone, values.phones);
  const addEmail = lacks('email', data.email, values.emails);
  for (const [code, value] of [
    ['PHONE', addPhone],
    ['EMAIL', addEmail],
  ] as const) {
    if (!value) continue;
    const kept = (index.contactOf(id)?.custom_fields_values ?? [])
      .filter(f => f.field_code === code)
      .flatMap(f => f.values)
      .filter(v => v.value !== null && v.value !== '')
      .map(v => ({ value: String(v.value), enum_code: v.enum_code ?? 'WORK' }));
    fields.push({
      field_code: code,
      values: [...kept, ...(phoneEmailFields({ [code.toLowerCase()]: value })[0].values ?? [])],
    });
  }
  return fields.length > 0 ? { id, custom_fields_values: fields } : null;
}

function newLead(
  ctx: SyncContext,
  item: CreateItem,
  rowIdField: number | null,
  contactId?: number
): LeadCreate {
  // The row's own status or pipeline cell, when it names one, instead of the settings'.
  const move = dealMove(item, null);
  const lead: LeadCreate = {
    name: displayName(item.data),
    pipeline_id: move?.pipelineId ?? ctx.settings.pipelineId,
    status_id: move?.statusId ?? ctx.settings.statusId,
    request_id: item.externalId,
  };
  const custom = customValues(item, 'lead', null);
  if (rowIdField !== null && rowIdField > 0) {
    custom.unshift({ field_id: rowIdField, values: [{ value: item.externalId }] });
  }
  if (custom.length > 0) lead.custom_fields_values = custom;
  if (item.data.budget !== null) lead.price = item.data.budget;
  if (contactId !== undefined) lead._embedded = { contacts: [{ id: contactId, is_main: true }] };
  const { tags, company, ...rest } = leadPatch(item, null);
  Object.assign(lead, rest);
  if (tags) lead._embedded = { ...lead._embedded, tags };
  const companyId = company ? companyIdOf(ctx.props, company) : undefined;
  if (companyId) lead._embedded = { ...lead._embedded, companies: [{ id: companyId }] };
  return lead;
}

/** The lead with a new contact embedded (a complex lead links no existing contact). */
function complexLead(lead: LeadCreate, item: CreateItem): ComplexLeadCreate {
  return { ...lead, _embedded: { ...lead._embedded, contacts: [newContact(item)] } };
}

function newContact(item: CreateItem): ContactCreate {
  const fields = [...phoneEmailFields(item.data), ...customValues(item, 'contact', null)];
  return { name: displayName(item.data), custom_fields_values: fields };
}

// ---- updates -------------------------------------------------------------------------------

function updateAll(ctx: SyncContext, items: UpdateItem[], outcomes: Outcomes): void {
  const leadRows = items.filter(
    i => i.fields.includes('name') || i.fields.includes('budget') || hasSide(i, 'lead')
  );
  const contactRows = items.filter(
    i =>
      !i.relink &&
      i.contactId !== null &&
      (i.fields.some(f => f === 'name' || f === 'phone' || f === 'email') || hasSide(i, 'contact'))
  );
  const leadUpdates: Array<{ item: UpdateItem; body: LeadUpdate }> = leadRows.map(item => ({
    item,
    body: leadUpdate(item, ctx.props),
  }));
  const contactUpdates = byContact(contactRows.map(item => ({ item, body: contactUpdate(item) })));
  const steps: Step[] = [
    ...chunks(leadUpdates, AMO_LIMITS.batch).map(part =>
      patchStep(
        part.map(p => p.item),
        updateLeads(part.map(p => p.body))
      )
    ),
    ...chunks(contactUpdates, AMO_LIMITS.batch).map(part =>
      patchStep(
        part.flatMap(p => p.items),
        updateContacts(part.map(p => p.body))
      )
    ),
  ];
  for (const item of items) outcomes.set(item.externalId, { kind: 'updated' });
  runSteps(ctx, steps, outcomes);
  const relinks = items.filter(i => i.relink && outcomes.get(i.externalId)?.kind === 'updated');
  if (relinks.length > 0) relinkAll(ctx, relinks, outcomes);
}

// ---- relinks -------------------------------------------------------------------------------

/** Each row's own contact (same email, else phone; else a new one) becomes its lead's main. */
function relinkAll(ctx: SyncContext, items: UpdateItem[], outcomes: Outcomes): void {
  const index = contactsOrFail(ctx, items, outcomes);
  if (!index) return;
  const found = new Map<string, number>();
  const missing: UpdateItem[] = [];
  const own: UpdateItem[] = [];
  const patches: ContactUpdate[] = [];
  const matches = new Map(items.map(i => [i, index.match(i.data.email, i.data.phone)]));
  // A contact another row of this batch rewrites as its own is no match: the value found on
  // it is one that row's person replaces (a copy made a new customer while its source was sent).
  const rewritten = new Set(
    items.filter(i => i.relink === 'ifTaken' && matches.get(i) === null).map(i => i.contactId)
  );
  for (const item of items) {
    let id = matches.get(item) ?? null;
    if (id !== null && id !== item.contactId && rewritten.has(id)) id = null;
    // Its own contact still matches by the other value: an ordinary update after all.
    if (id !== null && id === item.contactId)
      own.push({ ...item, keep: keptInAmo(ctx, item, index) });
    else if (id !== null) {
      found.set(item.externalId, id);
      const patch = missingFields(id, index, item.data);
      if (patch && !patches.some(p => p.id === id)) patches.push(patch);
    } else if (item.relink === 'ifTaken') own.push(item);
    else missing.push(item);
  }
  runSteps(
    ctx,
    [
      ...chunks(missing, AMO_LIMITS.batch).map(part => newContactsStep(part, found)),
      ...chunks(patches, AMO_LIMITS.batch).map(patchContactsStep),
      ...chunks(
        byContact(own.map(item => ({ item, body: contactUpdate(item) }))),
        AMO_LIMITS.batch
      ).map(part =>
        patchStep(
          part.flatMap(p => p.items),
          updateContacts(part.map(p => p.body))
        )
      ),
    ],
    outcomes
  );
  const links = items.filter(i => found.has(i.externalId));
  runSteps(
    ctx,
    chunks(links, AMO_LIMITS.batch).map(part => linkStep(part, found)),
    outcomes
  );
}

/**
 * A shared contact keeps what AmoCRM holds now, but for the value this row replaces (unless
 * another row shows it): a value a manager took away meanwhile is not put back from the sheet.
 */
function keptInAmo(
  ctx: SyncContext,
  item: UpdateItem,
  index: ContactIndex
): KeptValues | undefined {
  const contact = index.contactOf(item.contactId ?? -1);
  const keep = item.keep;
  if (!contact || !keep) return keep;
  const region = ctx.settings.region;
  const kept = (field: 'phone' | 'email', values: string[], shown: string[]) => {
    const shownKeys = new Set(shown.map(v => fieldKey(field, v, region)));
    return values.filter(v => {
      const key = fieldKey(field, v, region);
      return shownKeys.has(key) || fieldHash(field, key) !== keep.replaced?.[field];
    });
  };
  return {
    phones: kept('phone', contactPhones(contact), keep.phones),
    emails: kept('email', contactEmails(contact), keep.emails),
  };
}

function newContactsStep(items: UpdateItem[], found: Map<string, number>): Step {
  return {
    call: createContacts(items.map(i => ({ ...newContact(i), request_id: i.externalId }))),
    settle(result, outcomes) {
      if (!result.ok) {
        for (const item of items) outcomes.set(item.externalId, failure(result.error));
        return;
      }
      const created = result.value as Array<{ id: number; request_id: string }>;
      for (const c of created) found.set(c.request_id, c.id);
    },
  };
}

function linkStep(items: UpdateItem[], found: Map<string, number>): Step {
  const contactOf = (i: UpdateItem) => found.get(i.externalId) as number;
  return {
    call: linkContactsToLeads(
      items.map(i => ({ leadId: i.dealId, contactId: contactOf(i), isMain: true }))
    ),
    settle(result, outcomes, at) {
      for (const item of items) {
        outcomes.set(
          item.externalId,
          result.ok
            ? { kind: 'updated', contactId: contactOf(item), sentAt: at }
            : failure(result.error)
        );
      }
    },
  };
}

/** Only the changed fields: a manager's change of another field is not overwritten. */
function leadUpdate(item: UpdateItem, props: KeyValueStore): LeadUpdate {
  const body: LeadUpdate = { id: item.dealId };
  if (item.fields.includes('name')) body.name = displayName(item.data);
  if (item.fields.includes('budget')) body.price = item.data.budget ?? 0;
  const custom = customValues(item, 'lead', item.fields);
  if (custom.length > 0) body.custom_fields_values = custom;
  const move = dealMove(item, item.fields);
  if (move) Object.assign(body, { pipeline_id: move.pipelineId, status_id: move.statusId });
  const { tags, company, ...rest } = leadPatch(item, item.fields);
  Object.assign(body, rest);
  if (tags) body._embedded = { tags };
  if (company !== undefined) {
    const id = company ? companyIdOf(props, company) : undefined;
    if (!company || id) body._embedded = { ...body._embedded, companies: id ? [{ id }] : [] };
  }
  return body;
}

/** The row is the source of its contact's name, phone and email (AmoCRM keeps the history). */
function contactUpdate(item: UpdateItem): ContactUpdate {
  const codes = [
    ...(item.fields.includes('phone') ? ['PHONE'] : []),
    ...(item.fields.includes('email') ? ['EMAIL'] : []),
  ];
  const kept = (code: string) =>
    workValues(code, (code === 'PHONE' ? item.keep?.phones : item.keep?.emails) ?? []).values ?? [];
  const fields: CustomFieldValueInput[] = phoneEmailFields(item.data)
    .filter(f => codes.includes(f.field_code ?? ''))
    .map(f => ({
      ...f,
      values: [
        ...(f.values ?? []),
        ...kept(f.field_code ?? '').filter(k => k.value !== f.values?.[0]?.value),
      ],
    }));
  fields.push(...customValues(item, 'contact', item.fields));
  const update: ContactUpdate = { id: item.contactId as number };
  if (item.fields.includes('name')) update.name = displayName(item.data);
  if (fields.length > 0) update.custom_fields_values = fields;
  return update;
}

/**
 * One update per contact. Rows sharing a contact (one person typed twice) may change it in
 * one run: AmoCRM replaces a field's whole value list, so two updates of one contact in a
 * batch would each drop the other's phone or email. Their phones and emails are joined (each
 * row's own value, then the kept ones); for the name and other fields the later row's wins.
 */
function byContact(
  updates: Array<{ item: UpdateItem; body: ContactUpdate }>
): Array<{ items: UpdateItem[]; body: ContactUpdate }> {
  const merged = new Map<number, { items: UpdateItem[]; body: ContactUpdate }>();
  for (const { item, body } of updates) {
    const into = merged.get(body.id);
    if (!into) merged.set(body.id, { items: [item], body });
    else {
      into.items.push(item);
      into.body = joinUpdates(into.body, body);
    }
  }
  return [...merged.values()];
}

function joinUpdates(a: ContactUpdate, b: ContactUpdate): ContactUpdate {
  const fields = new Map<string, CustomFieldValueInput>();
  const keyOf = (f: CustomFieldValueInput) => f.field_code ?? String(f.field_id);
  for (const f of a.custom_fields_values ?? []) fields.set(keyOf(f), f);
  for (const f of b.custom_fields_values ?? []) {
    const before = fields.get(keyOf(f));
    const listed = f.field_code === 'PHONE' || f.field_code === 'EMAIL';
    fields.set(keyOf(f), listed && before ? joinValues(f, before) : f);
  }
  const out: ContactUpdate = { ...a, ...b };
  if (fields.size > 0) out.custom_fields_values = [...fields.values()];
  return out;
}

/** Each row's own value first (the later row's, then the earlier's), then the kept ones. */
function joinValues(
  later: CustomFieldValueInput,
  earlier: CustomFieldValueInput
): CustomFieldValueInput {
  const own = [later.values?.[0], earlier.values?.[0]];
  const rest = [...(later.values ?? []).slice(1), ...(earlier.values ?? []).slice(1)];
  const values: NonNullable<CustomFieldValueInput['values']> = [];
  for (const v of [...own, ...rest]) {
    if (v && !values.some(x => x.value === v.value)) values.push(v);
  }
  return { ...later, values };
}

// ---- steps ---------------------------------------------------------------------------------

/** One call and how its answer (or failure) becomes the outcomes of its rows. */
interface Step {
  call: AmoCall<unknown>;
  /** `at`: when the call's answer came (its request landed before). */
  settle(result: Result<unknown>, outcomes: Outcomes, at: number): void;
}

/** Runs the steps a fetchAll at a time, starting no new one once the work deadline passed. */
function runSteps(ctx: SyncContext, steps: Step[], outcomes: Outcomes): void {
  for (const group of chunks(steps, CALLS_PER_STEP)) {
    if (ctx.clock.now() >= ctx.workDeadline) {
      for (const step of group) {
        step.settle({ ok: false, error: deferredError() }, outcomes, ctx.clock.now());
      }
      continue;
    }
    const results = ctx.amo.runAll(group.map(s => s.call));
    // A request lands somewhere inside its call; the answer's time is the latest it could.
    const at = ctx.clock.now();
    group.forEach((step, i) => step.settle(results[i], outcomes, at));
    reportProgress(ctx, outcomes);
  }
}

/** Rows each push creates: long work (an import) says how far it got after each step. */
const creating = new WeakMap<Outcomes, number>();

function reportProgress(ctx: SyncContext, outcomes: Outcomes): void {
  const total = creating.get(outcomes) ?? 0;
  if (!ctx.progress || total === 0) return;
  const done = [...outcomes.values()].filter(
    o => o.kind === 'created' || o.kind === 'failed' || o.kind === 'unknown'
  ).length;
  ctx.progress(Math.min(done, total), total);
}

function complexStep(items: CreateItem[], leads: ComplexLeadCreate[]): Step {
  return {
    call: createComplexLeads(leads),
    settle(result, outcomes) {
      if (!result.ok) return settleCreateFailure(items, result.error, outcomes);
      const created = result.value as Array<{
        id: number;
        contact_id: number | null;
        request_id: string[];
      }>;
      const byRequest = new Map(created.flatMap(c => c.request_id.map(r => [r, c] as const)));
      for (const item of items) {
        const lead = byRequest.get(item.externalId);
        outcomes.set(
          item.externalId,
          lead
            ? { kind: 'created', dealId: lead.id, contactId: lead.contact_id }
            : { kind: 'unknown', message: 'AmoCRM did not confirm the lead' }
        );
      }
    },
  };
}

function leadsStep(
  items: CreateItem[],
  leads: LeadCreate[],
  contactIds: number[],
  known: Array<{ firsts?: ContactFirsts; contactName?: string }> = []
): Step {
  return {
    call: createLeads(leads),
    settle(result, outcomes) {
      if (!result.ok) return settleCreateFailure(items, result.error, outcomes);
      const created = result.value as Array<{ id: number; request_id: string }>;
      const byRequest = new Map(created.map(c => [c.request_id, c.id]));
      items.forEach((item, i) => {
        const id = byRequest.get(item.externalId);
        outcomes.set(
          item.externalId,
          id
            ? { kind: 'created', dealId: id, contactId: contactIds[i], ...known[i] }
            : { kind: 'unknown', message: 'AmoCRM did not confirm the lead' }
        );
      });
    },
  };
}

/** Adding a missing phone or email to a reused contact: its failure does not fail the rows. */
function patchContactsStep(patches: ContactUpdate[]): Step {
  return { call: updateContacts(patches), settle: () => undefined };
}

function patchStep(items: UpdateItem[], call: AmoCall<unknown>): Step {
  return {
    call,
    settle(result, outcomes, at) {
      for (const item of items) {
        const was = outcomes.get(item.externalId);
        if (!result.ok) outcomes.set(item.externalId, failure(result.error));
        else if (was?.kind === 'updated') outcomes.set(item.externalId, { ...was, sentAt: at });
      }
    },
  };
}

function settleCreateFailure(items: CreateItem[], error: AmoError, outcomes: Outcomes): void {
  for (const item of items) {
    if (error.kind === 'deadline' && !error.outcomeUnknown && error.operation === 'deferred') {
      outcomes.set(item.externalId, { kind: 'deferred' });
    } else if (error.outcomeUnknown) {
      outcomes.set(item.externalId, { kind: 'unknown', message: error.message });
    } else {
      outcomes.set(item.externalId, failure(error));
    }
  }
}

function leaderOutcome(leader: Outcome | undefined): Outcome {
  if (!leader || leader.kind === 'deferred') return { kind: 'deferred' };
  if (leader.kind === 'failed') return leader;
  return { kind: 'failed', message: 'its contact could not be created', permanent: false };
}

function failure(e: unknown): Outcome {
  if (e instanceof AmoError) {
    const permanent = !e.retryable && e.kind === 'http' && e.status !== undefined && e.status < 500;
    return { kind: 'failed', message: e.message, permanent };
  }
  return { kind: 'failed', message: String(e instanceof Error ? e.message : e), permanent: false };
}

function deferredError(): AmoError {
  return new AmoError({
    kind: 'deadline',
    message: 'not sent: the run ran out of time',
    retryable: true,
    operation: 'deferred',
  });
}
