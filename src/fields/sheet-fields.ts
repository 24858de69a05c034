// The mapped columns of the synced sheet for one execution: resolved from the header row
// against the saved field catalog (one Script Properties read per execution, and none at all
// for a sheet whose headers are all fixed columns), and each row's mapped cells read through
// their codecs. Push and pull reach them through the table they read.
import type { Parsed } from '../domain/parsed';
import { fieldMessages } from '../i18n/field-messages';
import type { KeyValueStore } from '../ports';
import { isFixedHeader } from '../sheet/headers';
import type { SheetTable, TableRow } from '../sheet/table';
import type { AmoRunner } from '../amo/client';
import { FieldCatalog, loadCatalog, readCatalog, saveCatalog } from './catalog';
import type { CellValueOut, CodecEnv } from './codecs';
import { PIPELINE_HEADERS } from './deal-keys';
import { leadColumns } from './lead-columns';
import { COMPANY_KEY, companyName, markCompanyColumn } from './companies';
import { FIELD_MAPPING_KEY, FieldColumn, fieldColumns, readMapping } from './columns';

export interface SheetFields {
  columns: FieldColumn[];
  env: CodecEnv;
  /** The `pipeline` (Воронка) column, 0-based, when the sheet has one. */
  pipelineIndex?: number;
}

/** One mapped cell of a row: what it sends, or why it does not fit (naming the column). */
export interface FieldCell {
  column: FieldColumn;
  parsed: Parsed<CellValueOut>;
}

interface Known {
  catalog: FieldCatalog | null;
  mapping: Record<string, string>;
}

/** What one execution knows of the catalog, by its Script Properties store. */
const known = new WeakMap<KeyValueStore, Known>();
const bound = new WeakMap<SheetTable, SheetFields>();

export interface FieldPorts {
  props: KeyValueStore;
  env: CodecEnv;
}

/** Resolves the table's mapped columns (none when every header is a fixed column). */
export function bindFields(table: SheetTable, ports: FieldPorts): SheetFields {
  const taken = new Set(Object.values(table.columns));
  const pipelineIndex = table.header.findIndex(
    (cell, i) =>
      !taken.has(i) &&
      PIPELINE_HEADERS.includes(
        String(cell ?? '')
          .trim()
          .toLowerCase()
      )
  );
  if (pipelineIndex >= 0) taken.add(pipelineIndex);
  const candidates = table.header.some(
    (cell, i) => !taken.has(i) && String(cell ?? '').trim() !== '' && !isFixedHeader(String(cell))
  );
  const fields: SheetFields = { columns: [], env: ports.env };
  if (pipelineIndex >= 0) fields.pipelineIndex = pipelineIndex;
  if (candidates) {
    const { catalog, mapping } = knownOf(ports.props);
    const lookups = { companyName: (id: number) => companyName(ports.props, id) };
    const lead = leadColumns(table.header, taken, catalog, ports.env, lookups);
    for (const c of lead) taken.add(c.index);
    if (lead.some(c => c.key === COMPANY_KEY)) markCompanyColumn(ports.props);
    const custom = catalog ? fieldColumns(table.header, taken, catalog, mapping, ports.env) : [];
    fields.columns = [...lead, ...custom];
  }
  bound.set(table, fields);
  return fields;
}

export function boundFields(table: SheetTable): SheetFields | null {
  return bound.get(table) ?? null;
}

/** The mapped cells of a row, each parsed by its field's type. */
export function fieldCells(table: SheetTable, row: TableRow): FieldCell[] {
  const fields = bound.get(table);
  if (!fields) return [];
  const text = fieldMessages(fields.env.lang);
  return fields.columns.flatMap(column => {
    if (!column.codec) return [];
    const parsed = column.codec.fromCell(row.cells[column.index]);
    return [
      {
        column,
        parsed: parsed.ok ? parsed : { ok: false, error: text.column(column.header, parsed.error) },
      },
    ];
  });
}

/**
 * Reads the saved field list and column mapping now (one Script Properties read, once per
 * execution): a flow calls it before it reads the sheet, so that nothing but Spreadsheet calls
 * runs between reading rows and writing them (a person may act at any other call).
 */
export function loadFieldSettings(props: KeyValueStore): void {
  knownOf(props);
}

function knownOf(props: KeyValueStore): Known {
  let k = known.get(props);
  if (!k) {
    const all = props.getAll();
    k = { catalog: loadCatalog(all), mapping: readMapping(all[FIELD_MAPPING_KEY]) };
    known.set(props, k);
  }
  return k;
}

/** The saved catalog (null before setup read it). */
export function savedCatalog(props: KeyValueStore): FieldCatalog | null {
  return knownOf(props).catalog;
}

/**
 * Reads the account's fields again and saves them (AmoCRM's fields changed), with its users
 * when the sheet has a responsible column.
 */
export function refreshCatalog(
  amo: AmoRunner,
  props: KeyValueStore,
  now: number,
  withUsers: boolean
): FieldCatalog {
  const catalog = readCatalog(amo, now, withUsers);
  if (!withUsers && knownOf(props).catalog?.users !== undefined) {
    catalog.users = knownOf(props).catalog?.users;
  }
  saveCatalog(props, catalog);
  known.set(props, { ...knownOf(props), catalog });
  return catalog;
}

/** Forgets what this execution read of the mapping (the dialog just saved a new one). */
export function forgetKnown(props: KeyValueStore): void {
  known.delete(props);
}
