// The lead's own columns a person may change: `status` (a stage name of the row's pipeline)
// and `pipeline` (Воронка). Their keys are the names, trimmed and lower-cased, so reading
// them costs nothing; only a cell that must be sent is resolved against the pipelines (kept
// cached by StatusDirectory), into where the lead moves: 1 PATCH of status_id / pipeline_id.
// A pipeline change whose status is not a stage of the new pipeline moves the lead to the new
// pipeline's first stage after the incoming one, and the status cell shows it.
import type { PipelineInfo, StatusInfo } from '../amo/pipelines';
import { quote } from '../domain/parsed';
import { fieldMessages } from '../i18n/field-messages';
import type { SheetTable, TableRow } from '../sheet/table';
import { cellText } from '../sheet/cell-text';
import type { SyncContext } from '../sync/context';
import type { RowMemory } from '../sync/row-memory';
import type { DealMove } from './codecs';
import type { FieldColumn } from './columns';
import { boundFields, FieldCell } from './sheet-fields';
import { nameKey, PIPELINE_KEY, STATUS_KEY } from './deal-keys';

/** AmoCRM's won and lost stages, in every pipeline. */
const CLOSED = new Set([142, 143]);
const INCOMING_TYPE = 1;

/** The keys of the row's status and pipeline cells (when the sheet has those columns). */
export function dealKeys(table: SheetTable, row: TableRow): Record<string, string> {
  const keys: Record<string, string> = {};
  if (table.has('status')) keys[STATUS_KEY] = nameKey(table.text(row, 'status'));
  const pipeline = boundFields(table)?.pipelineIndex;
  if (pipeline !== undefined) keys[PIPELINE_KEY] = nameKey(cellText(row.cells[pipeline]));
  return keys;
}

interface DealRow {
  row: TableRow;
  memory: RowMemory | null;
}

/**
 * Thrown while planning rows when a status or pipeline cell needs the account's pipelines and
 * this execution has not read them yet: reading them (the cache, maybe AmoCRM) between reading
 * the rows and writing them would let rows move meanwhile, so the flow reads them first and
 * then reads the rows again.
 */
export class PipelinesNeeded extends Error {
  constructor() {
    super('the pipelines are needed before the rows are planned');
  }
}

/**
 * The status and pipeline cells among `which` (the changed keys, or every key of a new row),
 * resolved: where the lead moves, or why the cell does not fit. A blank cell sends nothing.
 */
export function dealCells(
  ctx: SyncContext,
  table: SheetTable,
  view: DealRow,
  which: string[]
): FieldCell[] {
  const texts = dealTexts(table, view.row);
  const wantStatus = which.includes(STATUS_KEY) && texts.status !== '';
  const wantPipeline = which.includes(PIPELINE_KEY) && texts.pipeline !== '';
  if (!wantStatus && !wantPipeline) return [];
  const text = fieldMessages(ctx.lang);
  const known = ctx.statuses.loaded();
  if (!known) throw new PipelinesNeeded();
  const pipelines = known.filter(p => !p.is_archive);
  const rowPipeline = view.memory?.p ?? ctx.settings.pipelineId;
  let target = pipelines.find(p => p.id === rowPipeline) ?? pipelines[0];
  const cells: FieldCell[] = [];
  let pipelineCell: FieldCell | null = null;
  if (wantPipeline) {
    const column = dealColumn(table, PIPELINE_KEY);
    const found = pipelines.find(p => nameKey(p.name) === nameKey(texts.pipeline));
    if (!found) {
      const names = pipelines.map(p => p.name).join(', ');
      const reason = text.notOption(quote(texts.pipeline), names);
      cells.push({ column, parsed: { ok: false, error: text.column(column.header, reason) } });
    } else {
      target = found;
      // The row's stage when the new pipeline has one of that name, else its first stage.
      const kept = stageNamed(found, texts.status) ?? firstStage(found);
      pipelineCell = okCell(column, nameKey(texts.pipeline), move(found, kept));
      cells.push(pipelineCell);
    }
  }
  if (wantStatus && target) {
    const column = dealColumn(table, 'status');
    const stage = stageNamed(target, texts.status);
    if (stage) cells.push(okCell(column, nameKey(texts.status), move(target, stage)));
    else if (!pipelineCell) {
      const stages = target.statuses.filter(s => s.type !== INCOMING_TYPE).map(s => s.name);
      const reason = text.notStage(quote(texts.status), target.name, stages.join(', '));
      cells.push({ column, parsed: { ok: false, error: text.column(column.header, reason) } });
    }
  }
  return cells;
}

function dealTexts(table: SheetTable, row: TableRow): { status: string; pipeline: string } {
  const pipeline = boundFields(table)?.pipelineIndex;
  return {
    status: table.text(row, 'status'),
    pipeline: pipeline === undefined ? '' : cellText(row.cells[pipeline]),
  };
}

function dealColumn(table: SheetTable, key: typeof PIPELINE_KEY | 'status'): FieldColumn {
  const fields = boundFields(table);
  const index = key === 'status' ? (table.columns.status as number) : (fields?.pipelineIndex ?? 0);
  return {
    index,
    header: String(table.header[index] ?? key).trim(),
    key: key === 'status' ? STATUS_KEY : PIPELINE_KEY,
    side: 'lead',
    def: null,
    codec: null,
  };
}

function okCell(column: FieldColumn, key: string, deal: DealMove): FieldCell {
  return { column, parsed: { ok: true, value: { key, values: null, deal } } };
}

function move(pipeline: PipelineInfo, stage: StatusInfo): DealMove {
  return { pipelineId: pipeline.id, statusId: stage.id, statusName: stage.name };
}

/** A stage a person may pick by name (not the incoming one, which only AmoCRM fills). */
function stageNamed(pipeline: PipelineInfo, name: string): StatusInfo | undefined {
  if (!name.trim()) return undefined;
  return pipeline.statuses.find(s => s.type !== INCOMING_TYPE && nameKey(s.name) === nameKey(name));
}

/** The pipeline's first stage after the incoming one. */
export function firstStage(pipeline: PipelineInfo): StatusInfo {
  const open = [...pipeline.statuses]
    .filter(s => s.type !== INCOMING_TYPE && !CLOSED.has(s.id))
    .sort((a, b) => a.sort - b.sort);
  return open[0] ?? pipeline.statuses[0];
}

/** The name of a pipeline, for the pipeline column ('' when unknown). */
export function pipelineName(ctx: SyncContext, pipelineId: number): string {
  return ctx.statuses.pipelines().find(p => p.id === pipelineId)?.name ?? '';
}
