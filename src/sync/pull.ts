// AmoCRM → sheet. Given lead and contact ids (from a webhook, the pending queue or a
// reconciliation), read their CURRENT state from AmoCRM — never trusting a webhook's own
// values — and write name, phone, email, budget and status into every row linked to them, in
// one block. Rows with an edit not yet pushed keep the person's values (the push goes first);
// rows whose values are already AmoCRM's are not written at all.
import type { Contact, Lead } from '../amo/types';
import { parseBudget } from '../domain/budget';
import { isBlankCell } from '../domain/cell';
import { normalizeEmail } from '../domain/email';
import { normalizeName } from '../domain/name';
import type { Parsed } from '../domain/parsed';
import { normalizePhone } from '../domain/phone';
import { validateRow } from '../domain/row-data';
import type { CellValue } from '../ports';
import type { SheetTable, TableRow } from '../sheet/table';
import { contactEmails, contactPhones, mainContactId } from '../amo/fields';
import { contactsByIds, leadsByIds } from './amo-reads';
import type { SyncContext } from './context';
import { cellId, rowFingerprint, viewRow } from './row-view';
import { statusNameFor } from './statuses';
import { DELETED_STATUS, syncedStatus, syncTime } from './sync-status';

export interface PullRequest {
  leadIds: number[];
  contactIds: number[];
  deletedLeadIds: number[];
  /** Leads already read in this execution (their current state): not read again. */
  known?: Lead[];
  /** Contacts already read in this execution: not read again. */
  knownContacts?: Contact[];
}

export interface PullReport {
  rowsChanged: number;
  /** Rows that kept the person's unpushed values. */
  rowsKept: number;
  ignored: number;
}

/** Row indexes of the linked rows, by lead id and by contact id. */
function linkedRows(table: SheetTable): {
  byLead: Map<number, TableRow[]>;
  byContact: Map<number, TableRow[]>;
} {
  const byLead = new Map<number, TableRow[]>();
  const byContact = new Map<number, TableRow[]>();
  for (const row of table.rows) {
    add(byLead, cellId(table.value(row, 'amo_deal_id')), row);
    add(byContact, cellId(table.value(row, 'amo_contact_id')), row);
  }
  return { byLead, byContact };
}

/**
 * Applies AmoCRM's current state of the named leads and contacts to the rows linked to them.
 * Only what some row links is read: a body naming nothing of ours costs no request.
 */
export function pullInto(ctx: SyncContext, table: SheetTable, req: PullRequest): PullReport {
  const report: PullReport = { rowsChanged: 0, rowsKept: 0, ignored: 0 };
  const { byLead, byContact } = linkedRows(table);
  // A deleted lead is read like any other: a delete delivered late, after the lead was
  // restored, must not mark a live lead (AmoCRM simply does not return a deleted one).
  const named = unique([...req.leadIds, ...req.deletedLeadIds]);
  const leadIds = named.filter(id => byLead.has(id));
  const contactIds = unique(req.contactIds).filter(id => byContact.has(id));
  report.ignored =
    named.length + unique(req.contactIds).length - leadIds.length - contactIds.length;
  const known = new Map((req.known ?? []).map(l => [l.id, l]));
  const toRead = leadIds.filter(id => !known.has(id));
  const leads = [
    ...leadIds.flatMap(id => (known.has(id) ? [known.get(id) as Lead] : [])),
    ...(toRead.length > 0 ? leadsByIds(ctx.amo, toRead) : []),
  ];
  const found = new Set(leads.map(l => l.id));
  const wantContacts = new Set(contactIds);
  for (const lead of leads) {
    const main = mainContactId(lead);
    if (main !== null) wantContacts.add(main);
  }
  const contacts = new Map<number, Contact>((req.knownContacts ?? []).map(c => [c.id, c]));
  const contactsToRead = [...wantContacts].filter(id => !contacts.has(id));
  if (contactsToRead.length > 0) {
    for (const c of contactsByIds(ctx.amo, contactsToRead)) contacts.set(c.id, c);
  }
  // Each row is written once, with everything this pull learned about it: a body naming a
  // lead and its contact must not stage the row twice from the same stale snapshot.
  const gone = new Set(leadIds.filter(id => !found.has(id)).flatMap(id => byLead.get(id) ?? []));
  const updates = new Map<TableRow, RowUpdate>();
  for (const lead of leads) {
    const contact = contacts.get(mainContactId(lead) ?? -1) ?? null;
    for (const row of byLead.get(lead.id) ?? []) {
      updates.set(row, { values: leadCells(ctx, table, row, lead, contact), leadLive: true });
    }
  }
  for (const id of contactIds) {
    const contact = contacts.get(id);
    if (!contact) continue;
    for (const row of byContact.get(id) ?? []) {
      const update = updates.get(row);
      // The lead's own main contact, read just now, wins over the row's remembered one.
      if (update) update.values = { ...contactCells(contact), ...update.values };
      // The row of a deleted lead keeps its data, whatever happens to the contact afterwards.
      else if (!gone.has(row) && table.text(row, 'sync_status') !== DELETED_STATUS) {
        updates.set(row, { values: contactCells(contact), leadLive: false });
      }
    }
  }
  for (const [row, update] of updates) {
    writeRow(ctx, table, row, update.values, report, update.leadLive);
  }
  // A linked lead that AmoCRM no longer returns was deleted.
  for (const row of gone) markDeleted(table, row, report);
  return report;
}

interface RowUpdate {
  values: Record<string, CellValue>;
  /** The row's lead was read and exists. */
  leadLive: boolean;
}

function leadCells(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  lead: Lead,
  contact: Contact | null
): Record<string, CellValue> {
  const values: Record<string, CellValue> = {
    budget: lead.price ?? 0,
    status: statusNameFor(ctx, lead.pipeline_id, lead.status_id),
  };
  if (contact) Object.assign(values, contactCells(contact));
  if (contact && table.text(row, 'amo_contact_id') !== String(contact.id)) {
    values.amo_contact_id = String(contact.id);
  }
  return values;
}

function contactCells(contact: Contact): Record<string, CellValue> {
  return {
    name: contact.name ?? '',
    phone: contactPhones(contact)[0] ?? '',
    email: contactEmails(contact)[0] ?? '',
  };
}

const PERSON_KEYS = ['name', 'phone', 'email', 'budget'] as const;

/**
 * Stages the cells that differ. When the person changed the row since its last sync, their
 * values stay (the next push sends them) and only script-owned cells are written. `leadLive`:
 * the row's lead was just read, so a row marked deleted has its lead back.
 */
function writeRow(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  values: Record<string, CellValue>,
  report: PullReport,
  leadLive: boolean
): void {
  const view = viewRow(table, row, ctx.settings.region);
  const state = view.state;
  const restored = leadLive && state.kind === 'deleted';
  const unpushed =
    !restored &&
    view.check?.ok === true &&
    !(state.kind === 'synced' && state.fingerprint === view.check.fingerprint);
  const keys = Object.keys(values).filter(
    k => !(unpushed && (PERSON_KEYS as readonly string[]).includes(k))
  );
  const region = ctx.settings.region;
  const changed = keys.filter(
    k =>
      !sameValue(k, table.value(row, k as never), values[k], region) &&
      !(k === 'name' && isNameFallback(table, row, values[k], region))
  );
  if (unpushed) report.rowsKept++;
  if (changed.length === 0 && !restored) return;
  for (const k of changed) table.set(row, k as never, values[k]);
  report.rowsChanged++;
  if (unpushed) return;
  const after = (k: (typeof PERSON_KEYS)[number]) =>
    changed.includes(k) ? values[k] : table.value(row, k);
  const check = validateRow(
    { name: after('name'), phone: after('phone'), email: after('email'), budget: after('budget') },
    region
  );
  const stamp = syncTime(ctx.clock.now());
  table.set(
    row,
    'sync_status',
    check.ok && !check.empty ? syncedStatus(rowFingerprint(check.value), stamp) : `synced ${stamp}`
  );
}

function markDeleted(table: SheetTable, row: TableRow, report: PullReport): void {
  if (table.text(row, 'sync_status') === DELETED_STATUS) return;
  table.set(row, 'sync_status', DELETED_STATUS);
  report.rowsChanged++;
}

/**
 * A row without a name gave its contact its phone or email as the name (AmoCRM lists
 * nameless contacts uselessly); that name coming back is not a name the person typed.
 */
function isNameFallback(
  table: SheetTable,
  row: TableRow,
  next: CellValue,
  region: string
): boolean {
  if (!isBlankCell(table.value(row, 'name'))) return false;
  const phone = normalizePhone(table.value(row, 'phone'), region);
  const email = normalizeEmail(table.value(row, 'email'));
  const fallback = (phone.ok && phone.value) || (email.ok && email.value) || null;
  return fallback !== null && String(next) === fallback;
}

/**
 * Whether a cell already holds AmoCRM's value. A person's way of writing the same thing is
 * kept — `8 (912) 345-67-89` for `+79123456789`, `Ann@Example.com`, `1 500`, a blank budget
 * for 0 — so an echo of the script's own push writes nothing. Values that do not normalize
 * are compared as they are.
 */
function sameValue(key: string, current: CellValue | undefined, next: CellValue, region: string) {
  if (sameCell(current, next)) return true;
  switch (key) {
    case 'name':
      return sameParsed(normalizeName(current), normalizeName(next));
    case 'phone':
      return sameParsed(normalizePhone(current, region), normalizePhone(next, region));
    case 'email':
      return sameParsed(normalizeEmail(current), normalizeEmail(next));
    case 'budget': {
      const budget = parseBudget(current);
      return budget.ok && (budget.value ?? 0) === next;
    }
    default:
      return false;
  }
}

function sameParsed(a: Parsed<string | null>, b: Parsed<string | null>): boolean {
  return a.ok && b.ok && a.value === b.value;
}

function sameCell(current: CellValue | undefined, next: CellValue): boolean {
  if (isBlankCell(current) && next === '') return true;
  if (typeof next === 'number')
    return typeof current === 'number'
      ? current === next
      : String(current ?? '').trim() === String(next);
  return String(current ?? '') === String(next);
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

function add(map: Map<number, TableRow[]>, id: number | null, row: TableRow): void {
  if (id === null) return;
  const rows = map.get(id);
  if (rows) rows.push(row);
  else map.set(id, [row]);
}
