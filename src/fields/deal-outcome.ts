// After a push: the status and pipeline cells show where the lead now is, and the row's
// memory holds them as synced (so the next edit of the status cell is seen as the person's).
import { cellText } from '../sheet/cell-text';
import type { SheetTable, TableRow } from '../sheet/table';
import type { SyncContext } from '../sync/context';
import { fieldHash, RowMemory } from '../sync/row-memory';
import { pipelineName } from './deal';
import { nameKey, PIPELINE_KEY, STATUS_KEY } from './deal-keys';
import { dealMove } from './field-writes';
import { boundFields, FieldCell } from './sheet-fields';

interface Sent {
  mapped?: FieldCell[];
  fields?: string[];
}

/**
 * Shows the lead's stage (and, for a new lead, its pipeline) in the row. `defaultStatus` is
 * where a new lead without a chosen status went. A status cell the person filled with a name
 * that does not fit is left as it is.
 */
export function showDeal(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  memory: RowMemory,
  item: Sent | undefined,
  created: { defaultStatus: string } | null
): void {
  const move = item ? dealMove(item, created ? null : (item.fields ?? [])) : null;
  if (!move && !created) return;
  const statusCell = table.text(row, 'status');
  const status = move?.statusName ?? (statusCell === '' ? created?.defaultStatus : undefined);
  if (status && table.has('status')) table.set(row, 'status', status);
  // The stage the row shows is what both sides hold (see personChanged).
  if (table.has('status')) {
    memory.base[STATUS_KEY] = fieldHash(STATUS_KEY, nameKey(status ?? statusCell));
  }
  memory.p = move?.pipelineId ?? memory.p ?? ctx.settings.pipelineId;
  const pipelineIndex = boundFields(table)?.pipelineIndex;
  if (created && pipelineIndex !== undefined) {
    const shown = cellText(row.cells[pipelineIndex]) || pipelineName(ctx, memory.p);
    if (shown && !cellText(row.cells[pipelineIndex])) table.setMapped(row, pipelineIndex, shown);
    memory.base[PIPELINE_KEY] = fieldHash(PIPELINE_KEY, nameKey(shown));
  }
}
