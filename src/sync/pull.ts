// AmoCRM → sheet. Given lead and contact ids (from a webhook, the pending queue or a
// reconciliation), read their CURRENT state from AmoCRM — never trusting a webhook's own
// values — and write name, phone, email, budget and status into every row linked to them, in
// one block. Rows with an edit not yet pushed keep the person's values (the push goes first);
// rows whose values are already AmoCRM's are not written at all.
import type { Contact, Lead } from '../amo/types';
import { validateRow } from '../domain/row-data';
import type { CellValue } from '../ports';
import type { SheetTable, TableRow } from '../sheet/table';
import { mainContactId } from '../amo/fields';
import { contactsByIds, leadsByIds } from './amo-reads';
import { contactEmails, contactPhones } from '../amo/fields';
import type { SyncContext } from './context';
import { rowFingerprint, viewRow } from './row-view';
import { statusNameFor } from './statuses';
import { DELETED_STATUS, syncedStatus } from './sync-status';

export interface PullRequest {
  leadIds: number[];
  contactIds: number[];
  deletedLeadIds: number[];
  /** Leads already read in this execution (their current state): not read again. */
  known?: Lead[];
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
    add(byLead, idOf(table.value(row, 'amo_deal_id')), row);
    add(byContact, idOf(table.value(row, 'amo_contact_id')), row);
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
  const deletedSet = new Set(req.deletedLeadIds);
  const leadIds = unique(req.leadIds).filter(id => byLead.has(id) && !deletedSet.has(id));
  const deleted = unique(req.deletedLeadIds).filter(id => byLead.has(id));
  const contactIds = unique(req.contactIds).filter(id => byContact.has(id));
  report.ignored =
    unique([...req.leadIds, ...req.deletedLeadIds]).length +
    unique(req.contactIds).length -
    leadIds.length -
    deleted.length -
    contactIds.length;
  const known = new Map((req.known ?? []).map(l => [l.id, l]));
  const toRead = leadIds.filter(id => !known.has(id));
  const leads = [
    ...leadIds.flatMap(id => (known.has(id) ? [known.get(id) as Lead] : [])),
    ...(toRead.length > 0 ? leadsByIds(ctx.amo, toRead) : []),
  ];
  const found = new Set(leads.map(l => l.id));
  const wanted = new Set(toRead);
  const wantContacts = new Set(contactIds);
  for (const lead of leads) {
    const main = mainContactId(lead);
    if (main !== null) wantContacts.add(main);
  }
  const contacts = new Map<number, Contact>(
    (wantContacts.size > 0 ? contactsByIds(ctx.amo, [...wantContacts]) : []).map(c => [c.id, c])
  );
  for (const lead of leads) {
    const contact = contacts.get(mainContactId(lead) ?? -1) ?? null;
    for (const row of byLead.get(lead.id) ?? []) applyLead(ctx, table, row, lead, contact, report);
  }
  for (const id of contactIds) {
    const contact = contacts.get(id);
    if (!contact) continue;
    for (const row of byContact.get(id) ?? []) applyContact(ctx, table, row, contact, report);
  }
  // A lead named in an update that AmoCRM no longer returns was deleted meanwhile.
  for (const id of [...deleted, ...[...wanted].filter(id => !found.has(id))]) {
    for (const row of byLead.get(id) ?? []) markDeleted(table, row, report);
  }
  return report;
}

function applyLead(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  lead: Lead,
  contact: Contact | null,
  report: PullReport
): void {
  const values: Record<string, CellValue> = {
    budget: lead.price ?? 0,
    status: statusNameFor(ctx, lead.pipeline_id, lead.status_id),
  };
  if (contact) Object.assign(values, contactCells(contact));
  if (contact && table.text(row, 'amo_contact_id') !== String(contact.id)) {
    values.amo_contact_id = String(contact.id);
  }
  writeRow(ctx, table, row, values, report);
}

function applyContact(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  contact: Contact,
  report: PullReport
): void {
  writeRow(ctx, table, row, contactCells(contact), report);
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
 * values stay (the next push sends them) and only script-owned cells are written.
 */
function writeRow(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  values: Record<string, CellValue>,
  report: PullReport
): void {
  const view = viewRow(table, row, ctx.settings.region);
  const state = view.state;
  const unpushed =
    view.check?.ok === true &&
    !(state.kind === 'synced' && state.fingerprint === view.check.fingerprint);
  const keys = Object.keys(values).filter(
    k => !(unpushed && (PERSON_KEYS as readonly string[]).includes(k))
  );
  const changed = keys.filter(k => !sameCell(table.value(row, k as never), values[k]));
  if (unpushed) report.rowsKept++;
  if (changed.length === 0) return;
  for (const k of changed) table.set(row, k as never, values[k]);
  report.rowsChanged++;
  if (unpushed) return;
  const after = (k: (typeof PERSON_KEYS)[number]) =>
    k in values ? values[k] : table.value(row, k);
  const check = validateRow(
    { name: after('name'), phone: after('phone'), email: after('email'), budget: after('budget') },
    ctx.settings.region
  );
  const stamp = new Date(ctx.clock.now()).toISOString().slice(0, 16).replace('T', ' ');
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

function sameCell(current: CellValue | undefined, next: CellValue): boolean {
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

function idOf(value: CellValue | undefined): number | null {
  const text = String(value ?? '').trim();
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}
