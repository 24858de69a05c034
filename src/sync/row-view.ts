// A sheet row as the sync sees it: its identity (external_id, amo_deal_id, amo_contact_id),
// its validated values, the fingerprints of those values, and what its sync_status remembers.
import { fingerprint } from '../domain/hash';
import { RowData, validateRow } from '../domain/row-data';
import type { CellValue } from '../ports';
import type { SheetTable, TableRow } from '../sheet/table';
import { parseSyncStatus, SyncState } from './sync-status';

export interface RowView {
  row: TableRow;
  externalId: string;
  dealId: number | null;
  contactId: number | null;
  state: SyncState;
  /** null when the row is empty (skipped). */
  check: { ok: true; data: RowData; fingerprint: string } | { ok: false; error: string } | null;
}

export function viewRow(table: SheetTable, row: TableRow, region: string): RowView {
  const input = {
    name: table.value(row, 'name'),
    phone: table.value(row, 'phone'),
    email: table.value(row, 'email'),
    budget: table.value(row, 'budget'),
  };
  const result = validateRow(input, region);
  let check: RowView['check'];
  if (!result.ok) check = { ok: false, error: result.error };
  else if (result.empty) check = null;
  else check = { ok: true, data: result.value, fingerprint: rowFingerprint(result.value) };
  return {
    row,
    externalId: table.text(row, 'external_id'),
    dealId: cellId(table.value(row, 'amo_deal_id')),
    contactId: cellId(table.value(row, 'amo_contact_id')),
    state: parseSyncStatus(table.text(row, 'sync_status')),
    check,
  };
}

/**
 * Two halves: the lead's values (name, budget) and the contact's (name, phone, email), so a
 * budget edit patches only the lead and a phone edit only the contact.
 */
export function rowFingerprint(data: RowData): string {
  const lead = fingerprint([data.name, data.budget]).slice(0, 8);
  const contact = fingerprint([data.name, data.phone, data.email]).slice(0, 8);
  return lead + contact;
}

export function leadPart(fp: string): string {
  return fp.slice(0, 8);
}

export function contactPart(fp: string): string {
  return fp.slice(8, 16);
}

/** An AmoCRM id written in a cell (as text or as a number), or null. */
export function cellId(value: CellValue | undefined): number | null {
  const text = String(value ?? '').trim();
  if (!/^\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}
