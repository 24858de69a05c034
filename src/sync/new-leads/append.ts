// The one locked step that adds rows for AmoCRM leads: under the script lock the sheet is read
// again, every lead a row links now (or that a create in progress may be making) is dropped, and
// the rest are written straight below the last row found by that read, with their notes, before
// the lock goes. Executions that take the lock therefore never add a lead twice, whatever
// overlapped (a webhook's background run and Sync now, an export resumed after a kill); only
// Spreadsheet calls run between the read and the write.
import { leadExternalId } from '../amo-reads';
import type { Lead } from '../../amo/types';
import type { CellValue } from '../../ports';
import type { ColumnKey } from '../../sheet/headers';
import type { SheetTable } from '../../sheet/table';
import { ClaimView, readClaims } from '../claims';
import { STATE } from '../config';
import type { SyncContext } from '../context';
import { LOCK_WAIT_MS } from '../push';
import { readSyncedTable } from '../synced-rows';
import { cellId } from '../row-view';
import { rowStatus } from '../sync-status';
import { Arrival, NewRow, newRowOf } from './row-cells';
import { boundFields } from '../../fields/sheet-fields';

/**
 * Leads made from the sheet carry their row's external_id in the "Sheet row ID" field. The
 * automatic import never turns them into rows (`skip`: a person who deleted such a row does not
 * want it back); the export adds them when no row has that id any more (`orphans`).
 */
export type SheetMade = 'skip' | 'orphans';

export interface AppendOutcome {
  added: number;
  /** Leads that a create in progress may be making: left for a later run. */
  deferred: Lead[];
  lockBusy: boolean;
}

/** How far before a claim AmoCRM's clock may put the leads that claim creates (as push.ts). */
const CLAIM_SLACK_S = 120;

export function appendArrivals(
  ctx: SyncContext,
  arrivals: Arrival[],
  sheetMade: SheetMade
): AppendOutcome {
  if (arrivals.length === 0) return { added: 0, deferred: [], lockBusy: false };
  if (!ctx.lock.tryLock(LOCK_WAIT_MS)) {
    return { added: 0, deferred: arrivals.map(a => a.lead), lockBusy: true };
  }
  try {
    const props = ctx.props.getAll();
    const claims = readClaims(props, ctx.clock.now());
    const rowIdField = Number(props[STATE.rowIdField] ?? '') || null;
    // One status text for the batch: it reads the sheet's time zone (a service call).
    const synced = rowStatus(ctx).synced();
    const table = readSyncedTable(ctx, { notes: false });
    const verdict = verdicts(table, claims, rowIdField, sheetMade);
    const columns = boundFields(table)?.columns ?? [];
    const rows: NewRow[] = [];
    const deferred: Lead[] = [];
    for (const arrival of arrivals) {
      const v = verdict(arrival.lead);
      if (v === 'defer') deferred.push(arrival.lead);
      if (v === 'add') rows.push(newRowOf(ctx, arrival, synced, columns));
    }
    writeBelow(table, rows);
    table.sheet.flush();
    return { added: rows.length, deferred, lockBusy: false };
  } finally {
    ctx.lock.release();
  }
}

type Verdict = 'add' | 'skip' | 'defer';

/** Decides each lead against the sheet as read under the lock; a lead is added once. */
function verdicts(
  table: SheetTable,
  claims: ClaimView,
  rowIdField: number | null,
  sheetMade: SheetMade
): (lead: Lead) => Verdict {
  const linked = linkedLeadIds(table);
  const rowIds = new Set(table.rows.map(r => table.text(r, 'external_id')).filter(Boolean));
  const all = [...claims.live, ...claims.stale];
  for (const c of all) for (const id of c.ids ?? []) rowIds.add(id);
  // Without the row-id field a lead a create in progress made looks like any other: leads
  // created since the oldest claim wait until that create is written back (or adopted).
  const claimedSince =
    all.length === 0 ? null : Math.floor(Math.min(...all.map(c => c.at)) / 1000) - CLAIM_SLACK_S;
  return lead => {
    if (linked.has(lead.id)) return 'skip';
    const rowId = rowIdField === null ? '' : leadExternalId(lead, rowIdField);
    if (rowId && (sheetMade === 'skip' || rowIds.has(rowId))) return 'skip';
    if (claimedSince !== null && lead.created_at >= claimedSince) return 'defer';
    linked.add(lead.id);
    return 'add';
  };
}

/** The ids of the leads rows link. */
export function linkedLeadIds(table: SheetTable): Set<number> {
  const ids = new Set<number>();
  for (const row of table.rows) {
    const id = cellId(table.value(row, 'amo_deal_id'));
    if (id !== null) ids.add(id);
  }
  return ids;
}

/**
 * Writes the rows below the last row of the read in ONE write, from the first synced column to
 * the last, so a run killed there leaves each lead with a whole row or none (half a row without
 * its ids would be pushed as a new lead). Cells of other columns inside that span are blank in
 * rows below the last one and stay blank (''); columns outside it are not touched. Then the
 * notes that carry the sync's memory (a row without one is read as never synced: harmless).
 */
function writeBelow(table: SheetTable, rows: NewRow[]): void {
  if (rows.length === 0) return;
  const top = table.rows.length + 2;
  // What each written column holds in a new row: a synced column's cell or a mapped one's.
  const byIndex = new Map<number, (row: NewRow) => CellValue>();
  for (const key of Object.keys(rows[0].cells) as ColumnKey[]) {
    const index = table.columns[key];
    if (index !== undefined) byIndex.set(index, row => row.cells[key] as CellValue);
  }
  for (const index of new Set(rows.flatMap(r => [...r.mapped.keys()]))) {
    byIndex.set(index, row => row.mapped.get(index) ?? '');
  }
  const left = Math.min(...byIndex.keys());
  const span = Array.from({ length: Math.max(...byIndex.keys()) - left + 1 }, (_, i) => left + i);
  const block = rows.map(r => span.map(c => byIndex.get(c)?.(r) ?? ''));
  table.sheet.ensureRows(top + rows.length - 1);
  table.sheet.write(top, left + 1, block);
  const noteColumn = table.columns.sync_status;
  if (noteColumn !== undefined) {
    table.sheet.writeNotes(
      top,
      noteColumn + 1,
      rows.map(r => [r.note])
    );
  }
}
