// AmoCRM → sheet. Given lead and contact ids (from a webhook, the pending queue or a
// reconciliation), read their CURRENT state from AmoCRM — never trusting a webhook's own
// values — and apply it to every row linked to them. AmoCRM is read without the script lock;
// then, under the lock, the sheet is read again, the rows are found by their ids (people may
// have sorted or inserted rows meanwhile) and only the cells that change are written.
// Field by field: a field the person changed since the last sync keeps the person's value
// (the push sends it), unless AmoCRM's change of that same field is the later one; a field
// the person did not change takes AmoCRM's value.
import type { Contact, Lead } from '../amo/types';
import { isBlankCell } from '../domain/cell';
import type { CellValue } from '../ports';
import type { SheetTable, TableRow } from '../sheet/table';
import { contactEmails, contactPhones, mainContactId } from '../amo/fields';
import { contactsByIds, leadsByIds } from './amo-reads';
import { STATE } from './config';
import type { SyncContext } from './context';
import { queuePull } from './pending';
import { LOCK_WAIT_MS } from './push';
import {
  fieldHash,
  formatMemory,
  noteWaiting,
  parseMemory,
  personChanged,
  rememberFirst,
  rememberSynced,
  RowMemory,
  SYNC_FIELDS,
  SyncField,
  waitingSince,
  forgetWaiting,
  FixedField,
} from './row-memory';
import {
  dealFromAmo,
  mappedFromAmo,
  mappedKeyAt,
  refreshIfOutdated,
  stageMapped,
} from '../fields/pull-fields';
import { STATUS_KEY } from '../fields/deal-keys';
import { boundFields } from '../fields/sheet-fields';
import { readCompanyNames } from '../fields/companies';
import {
  cellId,
  cellKeys,
  cutShort,
  fieldKey,
  idKeepers,
  plainSynced,
  RowView,
  showsSynced,
  viewRow,
} from './row-view';
import { statusNameFor } from './statuses';
import { readLookedUp, readSyncedTable, rereadRows } from './synced-rows';
import { noteSeen } from './stale-edits';
import type { ReadOptions } from '../sheet/table';
import {
  askChanges,
  changedAfter,
  ChangeAnswers,
  ChangeRef,
  changeRef,
  ChangeSource,
} from './field-changes';
import type { FieldColumn } from '../fields/columns';
import { parseSyncStatus, rowStatus } from './sync-status';

export interface PullRequest {
  leadIds: number[];
  contactIds: number[];
  deletedLeadIds: number[];
  /** Every lead some row links (the webhook queue overflowed). */
  all?: boolean;
  /** Leads already read in this execution (their current state): not read again. */
  known?: Lead[];
  /** Contacts already read in this execution: not read again. */
  knownContacts?: Contact[];
  /** Epoch ms when `known` / `knownContacts` were read (default: now). */
  readAt?: number;
  /** Leads whose main contact need not be read (untouched since created): lead fields only. */
  leadOnly?: number[];
}

export interface PullReport {
  rowsChanged: number;
  /** Rows that kept a person's unpushed value in some field. */
  rowsKept: number;
  ignored: number;
  /** Rows a push changed after AmoCRM was read: queued to be read again. */
  stale: number;
  /** The lock was busy: the whole pull was queued for the background run. */
  queued: boolean;
}

export function emptyPullReport(): PullReport {
  return { rowsChanged: 0, rowsKept: 0, ignored: 0, stale: 0, queued: false };
}

/**
 * Row indexes of the linked rows, by lead id and by contact id. A row pasted as a copy of
 * another shares its ids until the next push makes it a row of its own: only the row that
 * keeps the ids (see idKeepers) takes AmoCRM's values, never the copy.
 */
function linkedRows(
  table: SheetTable,
  region?: string
): {
  byLead: Map<number, TableRow[]>;
  byContact: Map<number, TableRow[]>;
} {
  const byLead = new Map<number, TableRow[]>();
  const byContact = new Map<number, TableRow[]>();
  const copies = region === undefined ? new Set<TableRow>() : copiedRows(table, region);
  for (const row of table.rows) {
    if (copies.has(row)) continue;
    add(byLead, cellId(table.value(row, 'amo_deal_id')), row);
    add(byContact, cellId(table.value(row, 'amo_contact_id')), row);
  }
  return { byLead, byContact };
}

function copiedRows(table: SheetTable, region: string): Set<TableRow> {
  const byId = new Map<string, TableRow[]>();
  for (const row of table.rows) {
    const id = table.text(row, 'external_id');
    if (id) byId.set(id, [...(byId.get(id) ?? []), row]);
  }
  const shared = [...byId.values()].filter(rows => rows.length > 1).flat();
  if (shared.length === 0) return new Set();
  const views = shared.map(row => viewRow(table, row, region));
  const keepers = new Set(idKeepers(views, null).values());
  return new Set(views.filter(v => !keepers.has(v)).map(v => v.row));
}

interface AmoState {
  leads: Lead[];
  /** Named leads AmoCRM no longer returns. */
  gone: number[];
  contacts: Map<number, Contact>;
  /** Contacts named for their own sake (not only as some lead's main contact). */
  contactIds: number[];
  /** Each lead's status name (looked up before the lock: the sheet is written right after it is read). */
  statusNames: Map<number, string>;
  readAt: number;
  /** The rows read to learn which ids some row links (before AmoCRM was read). */
  found: SheetTable;
  /** Which fields changed after a row's waiting value was first seen (see field-changes). */
  answers: ChangeAnswers;
}

/**
 * Applies AmoCRM's current state of the named leads and contacts to the rows linked to them.
 * Only what some row links is read: a request naming nothing of ours costs no request.
 */
export function pull(ctx: SyncContext, req: PullRequest, lockWaitMs = LOCK_WAIT_MS): PullReport {
  const report = emptyPullReport();
  const state = readAmo(ctx, req, report);
  if (!state) return report;
  if (!ctx.lock.tryLock(lockWaitMs)) {
    queueAgain(ctx, state);
    report.queued = true;
    return report;
  }
  try {
    const queueKey = ctx.uuid();
    // The rows found before AmoCRM was read, if they still hold their ids; else found again.
    const leadIds = [...state.leads.map(l => l.id), ...state.gone];
    let table =
      (state.found.whole ? null : rereadRows(ctx, state.found)) ??
      readLinked(ctx, { leadIds, contactIds: state.contactIds });
    // A row's unsent phone or email against a contact value that may be a sibling row's: the
    // contact's other rows tell (see applyRow).
    const siblings = contactsToCompare(ctx, table).filter(id => !state.contactIds.includes(id));
    if (siblings.length > 0 && !table.whole) {
      table = readLinked(ctx, { leadIds, contactIds: [...state.contactIds, ...siblings] });
    }
    const again = applyState(ctx, table, state, report);
    keepFormulaBases(table, ctx.settings.region);
    // Notes first: a run killed before its cells leaves a memory that knows (see settleMemory).
    table.commit({ notesFirst: true });
    table.sheet.flush();
    if (again.leadIds.length + again.contactIds.length > 0) queuePull(ctx.props, queueKey, again);
  } finally {
    ctx.lock.release();
  }
  if (report.rowsKept > 0) ctx.props.set(STATE.dirty, String(ctx.clock.now()));
  return report;
}

/** The contacts of read rows whose phone or email a person changed and the sync has not sent. */
function contactsToCompare(ctx: SyncContext, table: SheetTable): number[] {
  const ids = new Set<number>();
  for (const row of table.rows) {
    const view = viewRow(table, row, ctx.settings.region);
    const memory = view.memory;
    if (!memory || view.contactId === null) continue;
    const edited = (['phone', 'email'] as const).some(f => personChanged(memory, f, view.keys[f]));
    if (edited) ids.add(view.contactId);
  }
  return [...ids];
}

/**
 * A person's formula in a synced column is never replaced, so AmoCRM's value did not land
 * there: the row's memory takes the formula's value as the field's base. Otherwise the next
 * push would take that value for an edit and send it over the manager's change, which was
 * the later one (or it would not have been written). The field stays apart until the
 * formula's value changes.
 */
function keepFormulaBases(table: SheetTable, region: string): void {
  table.onFormulaKept = (row, key) => {
    const field = typeof key === 'number' ? mappedKeyAt(table, key) : key;
    if (!field || (typeof key !== 'number' && !(SYNC_FIELDS as readonly string[]).includes(key)))
      return;
    const memory = parseMemory(table.note(row));
    if (!memory) return;
    memory.base[field] = fieldHash(field, viewRow(table, row, region).keys[field]);
    table.setNote(row, formatMemory(memory));
  };
}

/**
 * Reads what the request names and some row links (a snapshot, without the lock). Of the sheet
 * only the id columns are read here: the rows are read whole under the lock, right before
 * writing, so this run never holds a person's edit it cannot act on.
 */
function readAmo(ctx: SyncContext, req: PullRequest, report: PullReport): AmoState | null {
  const readAt = req.readAt ?? ctx.clock.now();
  const linked = req.all
    ? readSyncedTable(ctx, { ids: true, notes: true })
    : readLinked(
        ctx,
        { leadIds: [...req.leadIds, ...req.deletedLeadIds], contactIds: req.contactIds },
        { ids: true, notes: true }
      );
  const { byLead, byContact } = linkedRows(linked);
  // A deleted lead is read like any other: a delete delivered late, after the lead was
  // restored, must not mark a live lead (AmoCRM simply does not return a deleted one).
  const named = unique([...req.leadIds, ...req.deletedLeadIds, ...(req.all ? byLead.keys() : [])]);
  const leadIds = named.filter(id => byLead.has(id));
  const contactIds = unique(req.contactIds).filter(id => byContact.has(id));
  report.ignored =
    named.length + unique(req.contactIds).length - leadIds.length - contactIds.length;
  if (leadIds.length + contactIds.length === 0) return null;
  const known = new Map((req.known ?? []).map(l => [l.id, l]));
  const toRead = leadIds.filter(id => !known.has(id));
  const leads = [
    ...leadIds.flatMap(id => (known.has(id) ? [known.get(id) as Lead] : [])),
    ...(toRead.length > 0 ? leadsByIds(ctx.amo, toRead) : []),
  ];
  const found = new Set(leads.map(l => l.id));
  const wantContacts = new Set(contactIds);
  const leadOnly = new Set(req.leadOnly ?? []);
  for (const lead of leads) {
    const main = mainContactId(lead);
    if (main !== null && !leadOnly.has(lead.id)) wantContacts.add(main);
  }
  const contacts = new Map<number, Contact>((req.knownContacts ?? []).map(c => [c.id, c]));
  const contactsToRead = [...wantContacts].filter(id => !contacts.has(id));
  if (contactsToRead.length > 0) {
    for (const c of contactsByIds(ctx.amo, contactsToRead)) contacts.set(c.id, c);
  }
  refreshIfOutdated(ctx, linked, leads, [...contacts.values()]);
  readCompanyNames(ctx.amo, ctx.props, leads);
  const gone = leadIds.filter(id => !found.has(id));
  const statusNames = new Map(
    leads.map(l => [l.id, statusNameFor(ctx, l.pipeline_id, l.status_id)] as const)
  );
  // A contact with several phones or emails: which one a row shows depends on what the other
  // rows linking it show (see pick), so those rows are read too.
  const several = [...contacts.values()]
    .filter(c => contactPhones(c).length > 1 || contactEmails(c).length > 1)
    .map(c => c.id)
    .filter(id => !req.all && !req.contactIds.includes(id));
  const rows =
    several.length === 0
      ? linked
      : readLinked(
          ctx,
          {
            leadIds: [...req.leadIds, ...req.deletedLeadIds],
            contactIds: [...req.contactIds, ...several],
          },
          { ids: true }
        );
  const answers = askChanges(ctx.amo, waitingQuestions(linked, leads, contacts));
  return { leads, gone, contacts, contactIds, statusNames, readAt, found: rows, answers };
}

/**
 * The fields of the read rows whose unsent values the sync saw before AmoCRM's record last
 * changed: whether that field itself changed since decides which value wins (see applyRow).
 */
function waitingQuestions(
  table: SheetTable,
  leads: Lead[],
  contacts: Map<number, Contact>
): Array<{ ref: ChangeRef | null; since: number }> {
  const byId = new Map(leads.map(l => [l.id, l]));
  const columns = boundFields(table)?.columns ?? [];
  const out: Array<{ ref: ChangeRef | null; since: number }> = [];
  for (const row of table.rows) {
    const memory = parseMemory(table.note(row));
    const lead = byId.get(cellId(table.value(row, 'amo_deal_id')) ?? -1);
    const contactId = (lead && mainContactId(lead)) ?? cellId(table.value(row, 'amo_contact_id'));
    const src = { lead, contact: contacts.get(contactId ?? -1) ?? null };
    if (!memory && lead) out.push(...sinceMade(src, lead, columns));
    const waiting = memory?.waiting;
    if (!waiting) continue;
    for (const [field, { at }] of Object.entries(waiting)) {
      out.push({
        ref: changeRef(
          field,
          src,
          columns.find(c => c.key === field)
        ),
        since: at,
      });
    }
  }
  return out;
}

/**
 * A linked row with no memory (its run died before the note): which of its fields changed in
 * AmoCRM since its lead (contact) was made tells which cells are the person's (see interrupted).
 */
function sinceMade(
  src: ChangeSource,
  lead: Lead,
  columns: FieldColumn[]
): Array<{ ref: ChangeRef | null; since: number }> {
  const fields = [...SYNC_FIELDS, STATUS_KEY, ...columns.map(c => c.key)];
  const refs = fields.map(f =>
    changeRef(
      f,
      src,
      columns.find(c => c.key === f)
    )
  );
  refs.push(leadNameRef(lead));
  return refs.map(ref => ({ ref, since: madeAt(ref, src) }));
}

/** The lead's own name: what a reused customer's new row was when its lead was made. */
function leadNameRef(lead: Lead): ChangeRef {
  return { entity: 'lead', id: lead.id, type: 'name_field_changed', at: lead.updated_at * 1000 };
}

/**
 * When the row's values went into the record a field's changes are logged on (epoch ms): its
 * lead's making (a reused customer's contact was only linked then), or the contact's own.
 */
function madeAt(ref: ChangeRef | null | undefined, src: ChangeSource): number {
  const lead = (src.lead?.created_at ?? 0) * 1000;
  return ref?.entity === 'lead' ? lead : Math.max(lead, (src.contact?.created_at ?? 0) * 1000);
}

/**
 * The rows linked to these leads and contacts, found by their ids right now; the whole sheet
 * when they are too many to look for one by one.
 */
function readLinked(
  ctx: SyncContext,
  ids: { leadIds: number[]; contactIds: number[] },
  options: ReadOptions = {}
): SheetTable {
  return readLookedUp(
    ctx,
    { leadIds: unique(ids.leadIds), contactIds: unique(ids.contactIds) },
    options
  );
}

function queueAgain(ctx: SyncContext, state: AmoState): void {
  queuePull(ctx.props, ctx.uuid(), {
    leadIds: state.leads.map(l => l.id),
    contactIds: state.contactIds,
    deletedLeadIds: state.gone,
  });
}

/**
 * Under the lock, on a sheet read just now: every linked row gets what AmoCRM has. Returns
 * what must be read again (rows a push changed after AmoCRM was read).
 */
function applyState(
  ctx: SyncContext,
  table: SheetTable,
  state: AmoState,
  report: PullReport
): PullRequest {
  const { byLead, byContact } = linkedRows(table, ctx.settings.region);
  const staleLeads: number[] = [];
  const staleContacts: number[] = [];
  const done = new Set<TableRow>();
  for (const lead of state.leads) {
    const contact = state.contacts.get(mainContactId(lead) ?? -1) ?? null;
    for (const row of byLead.get(lead.id) ?? []) {
      done.add(row);
      const status = state.statusNames.get(lead.id) ?? '';
      const src = { lead, contact, status };
      if (!applyRow(ctx, table, row, src, state, report, byContact)) {
        staleLeads.push(lead.id);
      }
    }
  }
  for (const id of state.contactIds) {
    const contact = state.contacts.get(id);
    if (!contact) continue;
    for (const row of byContact.get(id) ?? []) {
      // The row of a deleted lead keeps its data, whatever happens to the contact afterwards.
      if (done.has(row) || isDeleted(table, row)) continue;
      if (state.gone.some(g => cellId(table.value(row, 'amo_deal_id')) === g)) continue;
      done.add(row);
      if (!applyRow(ctx, table, row, { contact }, state, report, byContact)) {
        staleContacts.push(id);
      }
    }
  }
  // A linked lead that AmoCRM no longer returns was deleted.
  const deleted = rowStatus(ctx).deleted;
  for (const id of state.gone) {
    for (const row of byLead.get(id) ?? []) markDeleted(table, row, report, deleted);
  }
  return { leadIds: unique(staleLeads), contactIds: unique(staleContacts), deletedLeadIds: [] };
}

export interface Source {
  lead?: Lead;
  contact: Contact | null;
  status?: string;
}

/** AmoCRM's value of each field it has for the row: the cell value, its key, its time. */
export type AmoFields = Partial<
  Record<
    SyncField,
    { value: CellValue; key: string; at: number; first?: string; ref?: ChangeRef | null }
  >
>;

/** The fields that say who the customer is. */
const CUSTOMER = ['name', 'phone', 'email'] as const;

/**
 * What decides which of a shared contact's phones or emails a row shows: the row's memory of
 * the contact's first value, and the values the other rows linking the contact show.
 */
export interface SharedContact {
  memory: RowMemory | null;
  others: Record<ContactField, Set<string>>;
  /** Of those, the values a row sent itself (a row made from a manager's lead only shows one). */
  sent: Record<ContactField, Set<string>>;
}
type ContactField = 'phone' | 'email';

/**
 * Applies one row's AmoCRM state. Returns false when a push of this row began after AmoCRM
 * was read (the values read are older than the row's): nothing is written, and it is read again.
 */
function applyRow(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  src: Source,
  { readAt, answers }: Pick<AmoState, 'readAt' | 'answers'>,
  report: PullReport,
  byContact: Map<number, TableRow[]>
): boolean {
  const view = viewRow(table, row, ctx.settings.region);
  if (view.memory?.sentAt !== undefined && view.memory.sentAt >= readAt) {
    report.stale++;
    // The person's edits the row shows are seen all the same: they wait from now.
    noteSeen(table, view, ctx.clock.now());
    return false;
  }
  const restored = src.lead !== undefined && view.state.kind === 'deleted';
  let changed = false;
  if (src.lead) {
    const main = mainContactId(src.lead);
    if (main !== null) changed = stage(table, row, 'amo_contact_id', String(main)) || changed;
  }
  const linking = byContact.get(src.contact?.id ?? -1) ?? [];
  const shared = sharedWith(table, row, view, linking, ctx.settings.region);
  const amo = amoFields(ctx, view, src, shared);
  const memory: RowMemory = view.memory
    ? cloneMemory(view.memory)
    : interrupted(view, amo, src, ctx.settings.region, answers);
  for (const field of ['phone', 'email'] as const) {
    if (amo[field]) rememberFirst(memory, field, amo[field]?.first);
  }
  if (src.lead) memory.p = src.lead.pipeline_id;
  const known = view.memory !== null || cutShort(view);
  // A row of a shared contact whose unsent edits replace the whole customer (name, phone and
  // email) names another person: its push gives it a contact of its own, and the old
  // customer's changes are not written over what the person typed.
  const apart =
    known &&
    linking.some(other => other !== row) &&
    CUSTOMER.every(f => personChanged(memory, f, view.keys[f]));
  let kept = false;
  for (const field of Object.keys(amo) as SyncField[]) {
    const next = amo[field] as { value: CellValue; key: string; at: number };
    const own = view.keys[field];
    if (own === next.key) {
      rememberSynced(memory, field, next.key);
      forgetWaiting(memory, [field]);
      continue;
    }
    if (apart && (CUSTOMER as readonly string[]).includes(field)) {
      kept = true;
      continue;
    }
    const edited = known && personChanged(memory, field, own);
    const amoChanged = !known || memory.base[field] !== fieldHash(field, next.key);
    const since = waitingSince(memory, field, own) ?? Number.POSITIVE_INFINITY;
    const amoLater = changedAfter(next, since, answers);
    // A shared contact's phone or email that another row shows is that row's own value, not
    // a change of this row's: the person's edit here waits to be sent beside it.
    const another = (field === 'phone' || field === 'email') && shared.others[field].has(next.key);
    if (!edited || (amoChanged && amoLater && !another)) {
      if (stageField(table, row, field, next.value)) {
        changed = true;
        memory.was = { ...memory.was, [field]: fieldHash(field, own) };
      }
      rememberSynced(memory, field, next.key);
      forgetWaiting(memory, [field]);
    } else kept = true;
  }
  if (kept) report.rowsKept++;
  // A person's value kept against AmoCRM's: from now on the sync knows since when it waits.
  const after = viewRow(table, table.withStaged(row), ctx.settings.region).keys;
  noteWaiting(memory, ctx.clock.now(), after);
  if (changed || restored) {
    report.rowsChanged++;
    const pending = view.state.kind === 'error' || view.state.kind === 'pending';
    // A row that already says it is synced keeps its line: a manager's change costs the row
    // only the cells it changes and its memory note, not a third write for the time.
    if (!kept && !plainSynced(view) && (!pending || restored)) {
      table.set(row, 'sync_status', rowStatus(ctx).synced());
    }
  }
  const note = formatMemory(memory);
  // A note that differs only by the settled record of an earlier pull's write is not
  // rewritten: that record is harmless once the cells it names hold the written values.
  const same = view.memory !== null && note === formatMemory(view.memory);
  if (changed || (known && !same)) table.setNote(row, note);
  return true;
}

/**
 * AmoCRM's value of each field it has for a row, as cell values and keys. Also what a new row
 * made from an AmoCRM lead gets (src/sync/new-leads/row-cells.ts), so both write alike.
 */
export function amoFields(
  ctx: SyncContext,
  view: Pick<RowView, 'keys'> & Partial<Pick<RowView, 'fields'>>,
  src: Source,
  shared?: SharedContact
): AmoFields {
  const out: AmoFields = {};
  const region = ctx.settings.region;
  if (src.lead) {
    const price = src.lead.price ?? 0;
    const at = src.lead.updated_at * 1000;
    out.budget = {
      value: price,
      key: fieldKey('budget', price, region),
      at,
    };
  }
  const contact = src.contact;
  if (contact) {
    const at = contact.updated_at * 1000;
    const name = contact.name ?? '';
    const phone = pick(contactPhones(contact), view.keys.phone, 'phone', region, shared);
    const email = pick(contactEmails(contact), view.keys.email, 'email', region, shared);
    const keys = cellKeys({ name, phone: phone.value, email: email.value, budget: '' }, region);
    // A nameless row gave its contact its phone or email as the name: not a name to show.
    const fallback =
      view.keys.name === '' && (keys.name === view.keys.phone || keys.name === view.keys.email);
    out.name = { value: fallback ? '' : name, key: fallback ? '' : keys.name, at };
    out.phone = { value: phone.value, key: keys.phone, at, first: phone.first };
    out.email = { value: email.value, key: keys.email, at, first: email.first };
  }
  const all: AmoFields = {
    ...out,
    ...dealFromAmo(ctx, view, src),
    ...mappedFromAmo(view.fields ?? [], src),
  };
  for (const [field, cell] of Object.entries(all)) {
    const column = view.fields?.find(c => c.column.key === field)?.column;
    if (cell) cell.ref = changeRef(field, src, column);
  }
  return all;
}

/** Stages a fixed field's cell, or a mapped column's. */
function stageField(table: SheetTable, row: TableRow, field: SyncField, value: CellValue): boolean {
  if (field === STATUS_KEY) return stage(table, row, 'status', value);
  const fixed = field === 'name' || field === 'phone' || field === 'email' || field === 'budget';
  return fixed ? stage(table, row, field, value) : stageMapped(table, row, field, value);
}

/**
 * Which of a contact's phones (or emails) a row shows. A contact may hold several (rows of one
 * person with two phones share it): the row keeps its own one while the contact holds it and
 * its first value is the one it was when the row last synced, or one another row sent. A first
 * value that is new and no row sent is a manager's change made since: the row shows it.
 * `first`: the contact's first value's key when the row shows another one. A row whose value
 * the contact no longer holds shows the first value no other row shows.
 */
function pick(
  values: string[],
  own: string,
  field: ContactField,
  region: string,
  shared: SharedContact | undefined
): { value: string; first?: string } {
  const key = (v: string) => fieldKey(field, v, region);
  const head = values[0] ?? '';
  const held = own === '' ? undefined : values.find(v => key(v) === own);
  // The row's own value is gone: it shows the first one no other row shows (a manager's).
  if (held === undefined) {
    return { value: values.find(v => !shared?.others[field].has(key(v))) ?? head };
  }
  if (key(head) === own) return { value: held };
  const firstKey = key(head);
  const remembered = shared?.memory?.first?.[field];
  const keep =
    !shared || remembered === fieldHash(field, firstKey) || shared.sent[field].has(firstKey);
  return keep ? { value: held, first: firstKey } : { value: head };
}

/** The row's memory and what the other rows linking its contact show. */
function sharedWith(
  table: SheetTable,
  row: TableRow,
  view: RowView,
  linking: TableRow[],
  region: string
): SharedContact {
  const others: SharedContact['others'] = { phone: new Set(), email: new Set() };
  const sent: SharedContact['sent'] = { phone: new Set(), email: new Set() };
  for (const otherRow of linking) {
    if (otherRow === row) continue;
    const other = viewRow(table, otherRow, region);
    for (const field of ['phone', 'email'] as const) {
      others[field].add(other.keys[field]);
      if (showsSynced(other, field) && other.memory?.sentAt !== undefined) {
        sent[field].add(other.keys[field]);
      }
    }
  }
  return { memory: view.memory, others, sent };
}

/**
 * The memory of a linked row that has none while its status line is this version's (still
 * "syncing", or a plain "synced" without an old version's fingerprint): the run that made its
 * lead died while writing it back (its cells landed, its note did not), or it is a copy pasted
 * as values whose original is gone. Its push waits for this (see planRow): the cells found to
 * be the person's are sent by the next one.
 */
function interrupted(
  view: RowView,
  amo: AmoFields,
  src: Source,
  region: string,
  answers: ChangeAnswers
): RowMemory {
  if (!cutShort(view)) return { base: {} };
  // While a field is unchanged since its lead (contact) was made, AmoCRM's value is what the
  // row was then: a cell that differs is the person's. A changed one is AmoCRM's later change.
  // The record's time says unchanged; when it says changed, the event list says which field.
  const unchanged = (cell: { at: number; ref?: ChangeRef | null }) =>
    !changedAfter(cell, madeAt(cell.ref, src), answers);
  // A field AmoCRM changed since: a cell showing a value the field held since (the row's,
  // synced then) is no edit, and AmoCRM's change is the later; one showing a value it never
  // held was typed since, and is first seen now. Unknown (no listing): AmoCRM's change wins.
  const madeWith = (field: string, cell: { ref?: ChangeRef | null }): string | undefined => {
    if (!cell.ref || !(SYNC_FIELDS as readonly string[]).includes(field)) return undefined;
    const held = answers.valuesHeld?.(cell.ref, madeAt(cell.ref, src));
    if (!held) return undefined;
    const keys = held.map(v => fieldKey(field as FixedField, v, region));
    const own = view.keys[field] ?? '';
    return keys.includes(own) ? own : (keys[0] ?? '');
  };
  const base: RowMemory['base'] = {};
  for (const [field, cell] of Object.entries(amo)) {
    if (!cell) continue;
    const own = view.keys[field] ?? '';
    base[field] = fieldHash(field, unchanged(cell) ? cell.key : (madeWith(field, cell) ?? own));
  }
  // A customer AmoCRM knew before the lead is not renamed by a new row: the row's name then
  // is the lead's, while the lead's name is unchanged since made; a name typed since is an edit.
  const reused = src.contact && src.lead && src.contact.created_at < src.lead.created_at;
  if (reused || base.name === undefined) {
    const lead = src.lead;
    const named = lead && unchanged({ at: lead.updated_at * 1000, ref: leadNameRef(lead) });
    const then =
      lead && named && view.keys.name !== '' ? fieldKey('name', lead.name, region) : view.keys.name;
    base.name = fieldHash('name', then);
  }
  return { base };
}

function cloneMemory(memory: RowMemory): RowMemory {
  return { ...memory, base: { ...memory.base } };
}

/** Stages a cell unless it already shows that value; true when staged. */
function stage(
  table: SheetTable,
  row: TableRow,
  key: Parameters<SheetTable['set']>[1],
  value: CellValue
): boolean {
  const current = table.value(row, key);
  if (isBlankCell(current) && value === '') return false;
  if (String(current ?? '') === String(value)) return false;
  table.set(row, key, value);
  return true;
}

function isDeleted(table: SheetTable, row: TableRow): boolean {
  return parseSyncStatus(table.text(row, 'sync_status')).kind === 'deleted';
}

function markDeleted(table: SheetTable, row: TableRow, report: PullReport, deleted: string): void {
  if (isDeleted(table, row)) return;
  table.set(row, 'sync_status', deleted);
  report.rowsChanged++;
}

function unique(ids: Iterable<number>): number[] {
  return [...new Set(ids)];
}

function add(map: Map<number, TableRow[]>, id: number | null, row: TableRow): void {
  if (id === null) return;
  const rows = map.get(id);
  if (rows) rows.push(row);
  else map.set(id, [row]);
}
