// Setup's part for mapped columns: the account's lead and contact fields are read once (one
// round trip), saved, and handed to the row-id field lookup, which would otherwise list the
// lead fields again.
import type { SyncContext } from '../sync/context';
import { isResponsibleHeader } from './lead-columns';
import { readSyncedTable } from '../sync/synced-rows';
import { refreshDropdowns } from './dropdowns';
import { rowIdFieldId, ROW_ID_FIELD_NAME } from '../sync/amo-reads';
import { readCatalog, saveCatalog } from './catalog';
import { forgetKnown } from './sheet-fields';

export function prepareFields(ctx: SyncContext): void {
  const { amo, props } = ctx;
  const now = ctx.clock.now();
  // Users only for a sheet with a responsible column (reading them is one more request).
  const catalog = readCatalog(amo, now, hasResponsibleColumn(ctx));
  const leadFields = catalog.fields.filter(f => f.side === 'lead');
  const rowId = rowIdFieldId(amo, props, now, leadFields);
  // A row-id field made just now is one the catalog must know (its values are not news).
  if (rowId !== null && !catalog.fields.some(f => f.id === rowId)) {
    catalog.fields.push({
      id: rowId,
      side: 'lead',
      name: ROW_ID_FIELD_NAME,
      type: 'text',
      code: null,
      enums: [],
    });
  }
  saveCatalog(props, catalog);
  forgetKnown(props);
}

function hasResponsibleColumn(ctx: SyncContext): boolean {
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  const width = sheet?.lastColumn() ?? 0;
  if (!sheet || width === 0) return false;
  const header = sheet.read(1, 1, 1, width)[0] ?? [];
  return header.some(cell => isResponsibleHeader(String(cell ?? '')));
}

/** The dropdowns of the list columns; a sheet that is not ready yet simply gets none now. */
export function setupDropdowns(ctx: SyncContext): void {
  let table;
  try {
    table = readSyncedTable(ctx, { notes: false });
  } catch (e) {
    ctx.logger.warn(`Dropdowns not set: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  refreshDropdowns(ctx, table);
}
