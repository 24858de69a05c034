// A sheet row as the sync sees it: its identity (external_id, amo_deal_id, amo_contact_id),
// its validated values, each field's normalized key, what its sync_status says and what the
// sync remembers of it (the note, see row-memory).
import { fingerprint } from '../domain/hash';
import { normalizeEmail } from '../domain/email';
import { normalizeName } from '../domain/name';
import { normalizePhone } from '../domain/phone';
import { parseBudget } from '../domain/budget';
import type { Parsed } from '../domain/parsed';
import { RowData, validateRow } from '../domain/row-data';
import type { Lang } from '../i18n/lang';
import type { CellValue } from '../ports';
import type { SheetTable, TableRow } from '../sheet/table';
import { FieldCell, fieldCells } from '../fields/sheet-fields';
import { dealKeys } from '../fields/deal';
import {
  FieldKeys,
  FixedField,
  fieldHash,
  memoryOf,
  parseMemory,
  RowMemory,
  settleMemory,
  SYNC_FIELDS,
  type SyncField,
} from './row-memory';
import { parseSyncStatus, SyncState } from './sync-status';

export interface RowView {
  row: TableRow;
  externalId: string;
  dealId: number | null;
  contactId: number | null;
  state: SyncState;
  /** What the sync remembers; null for a row it never synced (or synced before memories). */
  memory: RowMemory | null;
  /** Each field's normalized value ('' when blank; the raw text, marked, when invalid). */
  keys: FieldKeys;
  /** The mapped columns' cells (custom fields), each valid or with its error. */
  fields: FieldCell[];
  /** null when the row is empty (skipped). */
  check: { ok: true; data: RowData } | { ok: false; error: string } | null;
}

export function viewRow(
  table: SheetTable,
  row: TableRow,
  region: string,
  lang: Lang = 'en'
): RowView {
  const input = {
    name: table.value(row, 'name'),
    phone: table.value(row, 'phone'),
    email: table.value(row, 'email'),
    budget: table.value(row, 'budget'),
  };
  const result = validateRow(input, region, lang);
  let check: RowView['check'];
  if (!result.ok) check = { ok: false, error: result.error };
  else if (result.empty) check = null;
  else check = { ok: true, data: result.value };
  const fields = fieldCells(table, row);
  const keys: FieldKeys = { ...cellKeys(input, region), ...dealKeys(table, row) };
  for (const f of fields) {
    const raw = row.cells[f.column.index];
    keys[f.column.key] = f.parsed.ok ? f.parsed.value.key : `\u0000${String(raw)}`;
  }
  const state = parseSyncStatus(table.text(row, 'sync_status'));
  return {
    row,
    externalId: table.text(row, 'external_id'),
    dealId: cellId(table.value(row, 'amo_deal_id')),
    contactId: cellId(table.value(row, 'amo_contact_id')),
    state,
    memory: settled(parseMemory(table.note(row)), keys) ?? legacyMemory(state, check, keys),
    keys,
    fields,
    check,
  };
}

/** The normalized key of each field's cell; a value that does not normalize stays distinct. */
export function cellKeys(
  input: Record<FixedField, CellValue | undefined>,
  region: string
): Record<FixedField, string> {
  return {
    name: fieldKey('name', input.name, region),
    phone: fieldKey('phone', input.phone, region),
    email: fieldKey('email', input.email, region),
    budget: fieldKey('budget', input.budget, region),
  };
}

/** One field's normalized key ('' when blank or 0; the raw text, marked, when invalid). */
export function fieldKey(field: FixedField, raw: CellValue | undefined, region: string): string {
  const parsed: Parsed<unknown> =
    field === 'name'
      ? normalizeName(raw)
      : field === 'phone'
        ? normalizePhone(raw, region)
        : field === 'email'
          ? normalizeEmail(raw)
          : parseBudget(raw);
  if (!parsed.ok) return `\u0000${String(raw)}`;
  return parsed.value === null || parsed.value === 0 ? '' : String(parsed.value);
}

/**
 * Which row keeps an external_id that several rows share (a row was copied): the one whose
 * values still match what the sync remembers of the lead; on a tie, one the edit did not
 * touch (the pasted copy is the touched one), else the first.
 */
export function idKeepers(views: RowView[], inScope: Set<number> | null): Map<string, RowView> {
  const keepers = new Map<string, RowView>();
  const score = (v: RowView) =>
    (v.memory ? 1 : 0) +
    (v.memory ? SYNC_FIELDS.filter(f => v.memory?.base[f] === fieldHash(f, v.keys[f])).length : 0) +
    (inScope && !inScope.has(v.row.rowNumber) ? 0.5 : 0);
  for (const v of views) {
    if (!v.externalId) continue;
    const kept = keepers.get(v.externalId);
    if (!kept || score(v) > score(kept)) keepers.set(v.externalId, v);
  }
  return keepers;
}

function settled(memory: RowMemory | null, keys: FieldKeys): RowMemory | null {
  return memory && settleMemory(memory, keys);
}

/**
 * Rows synced before memories existed carry a fingerprint of their values in sync_status:
 * when it still matches, every field is as synced; otherwise some field was edited, and all
 * of them count as the person's.
 */
function legacyMemory(
  state: SyncState,
  check: RowView['check'],
  keys: FieldKeys
): RowMemory | null {
  if (state.kind !== 'synced' || !state.fingerprint || !check?.ok) return null;
  if (legacyFingerprint(check.data) === state.fingerprint) return memoryOf(keys);
  return { base: {}, editAt: 0 };
}

function legacyFingerprint(data: RowData): string {
  const lead = fingerprint([data.name, data.budget]).slice(0, 8);
  const contact = fingerprint([data.name, data.phone, data.email]).slice(0, 8);
  return lead + contact;
}

/** An AmoCRM id written in a cell (as text or as a number), or null. */
export function cellId(value: CellValue | undefined): number | null {
  const text = String(value ?? '').trim();
  if (!/^\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}

/**
 * A linked row with no memory whose status line is this version's (still "syncing", or a plain
 * "synced"): the run that linked it died before its memory note was written.
 */
export function cutShort(view: RowView): boolean {
  return view.state.kind === 'pending' || plainSynced(view);
}

/** The row says "synced" in this version's words (no older version's fingerprint). */
export function plainSynced(view: RowView): boolean {
  return view.state.kind === 'synced' && view.state.fingerprint === '';
}

/** The row shows this field's value as synced: both sides held it after the row's last sync. */
export function showsSynced(view: Pick<RowView, 'keys' | 'memory'>, field: SyncField): boolean {
  const key = view.keys[field] ?? '';
  return key !== '' && view.memory?.base[field] === fieldHash(field, key);
}
