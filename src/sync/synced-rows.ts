// The synced sheet read as far as a flow needs it. An edit needs the rows it touched, plus the
// rows that share their identity (a pasted copy shares the row id; rows of one person share a
// contact); a write-back needs the rows of the ids it has results for; a pull needs the rows
// linked to the leads and contacts it read. Those rows are found by their ids right before use
// (TextFinder over one column), never by a row number remembered from before. Work that names
// many ids (an import, a reconciliation after a long gap) reads the whole sheet instead: one
// read of everything is then cheaper than a search per id.
import { ColumnKey, ID_COLUMNS, missingColumns } from '../sheet/headers';
import { findRowNumbers, readHeader, readRows, rereadWithHeader } from '../sheet/row-reader';
import { ReadOptions, SheetTable } from '../sheet/table';
import type { CellValue, SheetPort } from '../ports';
import type { SyncContext } from './context';
import { fieldPorts } from '../fields/field-ports';
import { bindFields, loadFieldSettings } from '../fields/sheet-fields';

/** Above this many ids a flow reads the whole sheet (one regular expression per search). */
export const MAX_IDS_TO_FIND = 200;

export interface RowLookup {
  /** Rows by number (the rows an edit touched, as the edit event gave them). */
  rows?: number[];
  externalIds?: string[];
  leadIds?: number[];
  contactIds?: number[];
  /** Also the rows sharing the external_id or contact of the rows found (an edit's identity). */
  related?: boolean;
}

/** True when finding these ids row by row costs less than reading the whole sheet. */
export function findable(lookup: RowLookup): boolean {
  const ids =
    (lookup.externalIds?.length ?? 0) +
    (lookup.leadIds?.length ?? 0) +
    (lookup.contactIds?.length ?? 0);
  return ids <= MAX_IDS_TO_FIND && (lookup.rows?.length ?? 0) <= MAX_IDS_TO_FIND;
}

/** The whole synced sheet, read right now, its mapped columns bound. */
export function readSyncedTable(ctx: SyncContext, options: ReadOptions = {}): SheetTable {
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  if (!sheet) throw new Error(`Settings: there is no sheet named "${ctx.settings.sheetName}"`);
  loadFieldSettings(ctx.props);
  const table = SheetTable.read(sheet, options);
  const missing = missingColumns(table.columns);
  if (missing.length > 0) {
    throw new Error(`The sheet "${sheet.name}" needs the column(s) ${missing.join(', ')} in row 1`);
  }
  bindFields(table, fieldPorts(ctx));
  return table;
}

/** The rows the lookup names; the whole sheet when they are too many to find one by one. */
export function readLookedUp(
  ctx: SyncContext,
  lookup: RowLookup,
  options: ReadOptions = {}
): SheetTable {
  return findable(lookup) ? readSyncedRows(ctx, lookup, options) : readSyncedTable(ctx, options);
}

/** The rows the lookup names, read right now (with their memory notes unless not wanted). */
export function readSyncedRows(
  ctx: SyncContext,
  lookup: RowLookup,
  options: ReadOptions = {}
): SheetTable {
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  if (!sheet) throw new Error(`Settings: there is no sheet named "${ctx.settings.sheetName}"`);
  loadFieldSettings(ctx.props);
  const header = readHeader(sheet);
  const found = withFields(ctx, readRows(sheet, header, rowsOf(sheet, header, lookup), options));
  const missing = missingColumns(found.columns);
  if (missing.length > 0) {
    throw new Error(`The sheet "${sheet.name}" needs the column(s) ${missing.join(', ')} in row 1`);
  }
  if (!lookup.related || found.rows.length === 0) return found;
  const related = rowsOf(sheet, header, {
    externalIds: found.rows.map(r => found.text(r, 'external_id')),
    contactIds: found.rows.flatMap(r => idOf(found.text(r, 'amo_contact_id'))),
  });
  if (related.every(r => found.row(r))) return found;
  return withFields(
    ctx,
    readRows(sheet, header, [...found.rows.map(r => r.rowNumber), ...related], options)
  );
}

function rowsOf(sheet: SheetPort, header: CellValue[], lookup: RowLookup): number[] {
  const text = (ids: number[] | undefined) => (ids ?? []).map(String);
  return [
    ...(lookup.rows ?? []),
    ...findRowNumbers(sheet, header, 'external_id', lookup.externalIds ?? []),
    ...findRowNumbers(sheet, header, 'amo_deal_id', text(lookup.leadIds)),
    ...findRowNumbers(sheet, header, 'amo_contact_id', text(lookup.contactIds)),
  ];
}

function idOf(text: string): number[] {
  return /^\d+$/.test(text) ? [Number(text)] : [];
}

/**
 * The rows of an earlier partial read (ids and memory notes), read again right now (under the
 * lock, before writing): null when the header moved or one of them no longer shows the ids and
 * note it had (people sorted, inserted, deleted or pasted rows meanwhile), and the caller
 * searches again.
 */
export function rereadRows(
  ctx: SyncContext,
  earlier: SheetTable,
  options: { notes?: boolean } = {}
): SheetTable | null {
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  if (!sheet) return null;
  const table = rereadWithHeader(
    sheet,
    earlier.width,
    earlier.rows.map(r => r.rowNumber),
    options
  );
  // A column inserted, deleted or renamed since moves every cell: search again.
  const sameHeader =
    table.width === earlier.width &&
    Object.keys(earlier.columns).every(
      k => table.columns[k as ColumnKey] === earlier.columns[k as ColumnKey]
    );
  // A row pasted as a copy shows the same ids but not the same memory note: a row whose note
  // changed is searched again too (the search finds the original beside the copy).
  const sameRows = earlier.rows.every(r => {
    const now = table.row(r.rowNumber);
    return (
      now !== undefined &&
      ID_COLUMNS.every(k => table.text(now, k) === earlier.text(r, k)) &&
      table.note(now) === earlier.note(r)
    );
  });
  return sameHeader && sameRows ? withFields(ctx, table) : null;
}

/** The table with its mapped columns resolved (src/fields), as a whole-sheet read has them. */
function withFields(ctx: SyncContext, table: SheetTable): SheetTable {
  bindFields(table, fieldPorts(ctx));
  return table;
}
