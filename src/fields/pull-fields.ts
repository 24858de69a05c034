// The AmoCRM → sheet side of the mapped columns: each mapped field's value on the lead or
// the contact just read, as its cell shows it; staging such a cell; and reading the field
// catalog again when AmoCRM's values name a field or an option it does not know (a manager
// added one), so the column and its dropdown follow.
import type { Contact, CustomFieldValue, Lead } from '../amo/types';
import { isBlankCell } from '../domain/cell';
import type { CellValue } from '../ports';
import type { SheetTable, TableRow } from '../sheet/table';
import type { SyncContext } from '../sync/context';
import { catalogOutdated } from './catalog';
import { pipelineName } from './deal';
import { nameKey, PIPELINE_KEY, STATUS_KEY } from './deal-keys';
import { RESPONSIBLE_KEY } from './lead-columns';
import { bindFields, boundFields, FieldCell, refreshCatalog, savedCatalog } from './sheet-fields';
import { refreshDropdowns } from './dropdowns';
import { fieldPorts } from './field-ports';

interface Source {
  lead?: Lead;
  contact: Contact | null;
  /** The lead's status name. */
  status?: string;
}

export interface AmoCell {
  value: CellValue;
  key: string;
  at: number;
}

/** AmoCRM's value of each mapped field of the row's lead and contact (when read). */
export function mappedFromAmo(
  cells: Array<Pick<FieldCell, 'column'>>,
  src: Source
): Record<string, AmoCell> {
  const out: Record<string, AmoCell> = {};
  for (const { column } of cells) {
    const { def, codec } = column;
    if (codec?.fromLead) {
      const read = src.lead ? codec.fromLead(src.lead) : null;
      if (read && src.lead) out[column.key] = { ...read, at: src.lead.updated_at * 1000 };
      continue;
    }
    if (!def || !codec) continue;
    const entity = column.side === 'lead' ? src.lead : src.contact;
    if (!entity) continue;
    const values = (entity.custom_fields_values ?? []).find(v => v.field_id === def.id);
    const read = codec.fromAmo(values?.values ?? []);
    out[column.key] = { ...read, at: entity.updated_at * 1000 };
  }
  return out;
}

/** The lead's status and pipeline names, for the rows with those columns. */
export function dealFromAmo(
  ctx: SyncContext,
  view: { keys: Record<string, string> },
  src: Source
): Record<string, AmoCell> {
  const out: Record<string, AmoCell> = {};
  if (!src.lead) return out;
  const at = src.lead.updated_at * 1000;
  if (view.keys[STATUS_KEY] !== undefined) {
    const status = src.status ?? '';
    out[STATUS_KEY] = { value: status, key: nameKey(status), at };
  }
  if (view.keys[PIPELINE_KEY] !== undefined) {
    const pipeline = pipelineName(ctx, src.lead.pipeline_id);
    out[PIPELINE_KEY] = { value: pipeline, key: nameKey(pipeline), at };
  }
  return out;
}

/** The memory key of the mapped column at this 0-based index, or null. */
export function mappedKeyAt(table: SheetTable, index: number): string | null {
  const fields = boundFields(table);
  if (fields?.pipelineIndex === index) return PIPELINE_KEY;
  return fields?.columns.find(c => c.index === index)?.key ?? null;
}

/** Stages a mapped column's cell unless it already shows that value; true when staged. */
export function stageMapped(
  table: SheetTable,
  row: TableRow,
  key: string,
  value: CellValue
): boolean {
  const fields = boundFields(table);
  const index =
    key === PIPELINE_KEY ? fields?.pipelineIndex : fields?.columns.find(c => c.key === key)?.index;
  if (index === undefined) return false;
  const current = row.cells[index];
  if (isBlankCell(current) && value === '') return false;
  if (sameCell(current, value)) return false;
  table.setMapped(row, index, value);
  return true;
}

function sameCell(a: CellValue | undefined, b: CellValue): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return typeof a === typeof b && String(a) === String(b);
}

/** Reads the catalog again (outside the lock) when these entities show it is out of date. */
export function refreshIfOutdated(
  ctx: SyncContext,
  table: SheetTable,
  leads: Lead[],
  contacts: Contact[]
): void {
  const catalog = savedCatalog(ctx.props);
  if (!catalog) return;
  const lists: Array<CustomFieldValue[] | null> = [
    ...leads.map(l => l.custom_fields_values),
    ...contacts.map(c => c.custom_fields_values),
  ];
  const responsible = boundFields(table)?.columns.some(c => c.key === RESPONSIBLE_KEY) ?? false;
  const users = catalog.users;
  const usersOutdated =
    responsible &&
    (users === undefined ||
      (users !== null && leads.some(l => !users.some(u => u.id === l.responsible_user_id))));
  // A manager may add an option nobody picked yet: the lists are read again now and then.
  const mapped = (boundFields(table)?.columns.length ?? 0) > 0;
  const stale = mapped && ctx.clock.now() - catalog.at > CATALOG_MAX_AGE_MS;
  if (!stale && !usersOutdated && !lists.some(values => catalogOutdated(catalog, values))) return;
  refreshCatalog(ctx.amo, ctx.props, ctx.clock.now(), responsible);
  bindFields(table, fieldPorts(ctx));
  refreshDropdowns(ctx, table);
}

/** How old the saved field lists may get while the sheet maps columns to them. */
const CATALOG_MAX_AGE_MS = 6 * 60 * 60 * 1000;
